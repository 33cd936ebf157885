package org.blobsfile.cli.fuzz;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;

/**
 * One kind of damage the fuzzer does to a copy of a pristine store. Each kind picks its target
 * (a sealed pack or the active one, an entry, an offset) from the case's random source, so a case
 * seed replays the same damage, and says in one line what it did.
 */
enum DamageKind {
    /** One to three flipped bits anywhere in a pack. */
    BIT_FLIPS("bit-flips") {
        @Override
        String apply(Target t) throws IOException {
            int n = 1 + t.rnd.nextInt(3);
            StringBuilder what = new StringBuilder("flipped bits at");
            for (int i = 0; i < n; i++) {
                long at = t.rnd.nextInt(t.length());
                int bit = t.rnd.nextInt(8);
                t.write(at, new byte[] {(byte) (t.read(at, 1)[0] ^ (1 << bit))});
                what.append(' ').append(at).append('.').append(bit);
            }
            return t.pack + ": " + what;
        }
    },
    /** A run of 2 to 64 random bytes written over a pack. */
    BYTE_RUN("byte-run") {
        @Override
        String apply(Target t) throws IOException {
            int len = 2 + t.rnd.nextInt(63);
            long at = t.rnd.nextInt(Math.max(1, t.length() - len));
            byte[] run = new byte[len];
            t.rnd.nextBytes(run);
            t.write(at, run);
            return t.pack + ": " + len + " random bytes at " + at;
        }
    },
    /** An entry's stored size changed: off by one, zero, huge, or a random value. */
    SIZE_FIELD("size-field") {
        @Override
        String apply(Target t) throws IOException {
            StoreTemplate.Entry e = t.entry();
            long old = e.storedSize();
            long[] choices = {old + 1, old - 1, 0, 0xFFFF_FFFFL, 0x7FFF_FFFFL, old + Shards.ENTRY_HEADER,
                old + 1 + t.rnd.nextInt(4096), t.rnd.nextInt() & 0xFFFF_FFFFL, old ^ (1L << t.rnd.nextInt(32))};
            long size = choices[t.rnd.nextInt(choices.length)] & 0xFFFF_FFFFL;
            t.write(e.offset() + 34, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) size).array());
            return t.pack + ": " + e.kind() + " entry at " + e.offset() + " size " + old + " -> " + size;
        }
    },
    /** An entry's flag byte changed. */
    FLAG_FIELD("flag-field") {
        @Override
        String apply(Target t) throws IOException {
            StoreTemplate.Entry e = t.entry();
            int[] choices = {0, 1, 2, 4, 8, 3, 16, 255, t.rnd.nextInt(256)};
            int flag = choices[t.rnd.nextInt(choices.length)];
            t.write(e.offset() + 32, new byte[] {(byte) flag});
            return t.pack + ": " + e.kind() + " entry at " + e.offset() + " flag -> " + flag;
        }
    },
    /** An entry's codec byte changed, to another codec, a reserved id or a random one. */
    CODEC_FIELD("codec-field") {
        @Override
        String apply(Target t) throws IOException {
            StoreTemplate.Entry e = t.entry();
            int[] choices = {0, 1, 2, 4, 3, 127, 200, 255, t.rnd.nextInt(256)};
            int algo = choices[t.rnd.nextInt(choices.length)];
            t.write(e.offset() + 33, new byte[] {(byte) algo});
            return t.pack + ": " + e.kind() + " entry at " + e.offset() + " codec -> " + algo;
        }
    },
    /** One to four bytes of an entry's hash changed. */
    HASH_FIELD("hash-field") {
        @Override
        String apply(Target t) throws IOException {
            StoreTemplate.Entry e = t.entry();
            int n = 1 + t.rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                long at = e.offset() + t.rnd.nextInt(32);
                t.write(at, new byte[] {(byte) (t.read(at, 1)[0] ^ (1 + t.rnd.nextInt(255)))});
            }
            return t.pack + ": " + e.kind() + " entry at " + e.offset() + " hash, " + n + " bytes";
        }
    },
    /** The pack header's magic damaged. */
    HEADER_MAGIC("header-magic") {
        @Override
        String apply(Target t) throws IOException {
            int at = t.rnd.nextInt(6);
            t.write(at, new byte[] {(byte) (t.read(at, 1)[0] ^ (1 + t.rnd.nextInt(255)))});
            return t.pack + ": magic byte " + at;
        }
    },
    /** The pack header's version changed. */
    HEADER_VERSION("header-version") {
        @Override
        String apply(Target t) throws IOException {
            int[] choices = {0, 2, 0x100, -1, t.rnd.nextInt()};
            int v = choices[t.rnd.nextInt(choices.length)];
            t.write(6, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
            return t.pack + ": version -> " + v;
        }
    },
    /** A pack cut anywhere: inside the header, an entry header, a payload, or at an entry boundary. */
    TRUNCATE("truncate") {
        @Override
        String apply(Target t) throws IOException {
            long at;
            if (t.rnd.nextBoolean()) {
                StoreTemplate.Entry e = t.entry();
                at = e.offset() + (t.rnd.nextBoolean() ? 0 : t.rnd.nextInt(Shards.ENTRY_HEADER + e.storedSize() + 1));
            } else {
                at = t.rnd.nextInt(t.length());
            }
            try (FileChannel ch = FileChannel.open(t.path(), StandardOpenOption.WRITE)) {
                ch.truncate(at);
            }
            return t.pack + ": cut at " + at + " of " + t.template.packs.get(t.pack).length;
        }
    },
    /** Bytes appended to a pack: random, zeros, or a plausible entry header. */
    APPEND("append") {
        @Override
        String apply(Target t) throws IOException {
            byte[] tail;
            String what;
            switch (t.rnd.nextInt(3)) {
                case 0 -> {
                    tail = new byte[1 + t.rnd.nextInt(200)];
                    t.rnd.nextBytes(tail);
                    what = "random bytes";
                }
                case 1 -> {
                    tail = new byte[1 + t.rnd.nextInt(200)];
                    what = "zeros";
                }
                default -> {
                    // a header that promises more payload than follows: a torn write
                    tail = new byte[Shards.ENTRY_HEADER + t.rnd.nextInt(40)];
                    t.rnd.nextBytes(tail);
                    tail[32] = 1;
                    tail[33] = 0;
                    ByteBuffer.wrap(tail, 34, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(100 + t.rnd.nextInt(900));
                    what = "torn entry";
                }
            }
            try (FileChannel ch = FileChannel.open(t.path(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap(tail));
            }
            return t.pack + ": appended " + tail.length + " bytes of " + what;
        }
    },
    /** A range of zeros: a few bytes, a whole entry, or a shard's worth. */
    ZERO_RANGE("zero-range") {
        @Override
        String apply(Target t) throws IOException {
            int len = switch (t.rnd.nextInt(3)) {
                case 0 -> 1 + t.rnd.nextInt(64);
                case 1 -> Shards.ENTRY_HEADER + t.entry().storedSize();
                default -> Shards.shardSize(t.template.shape.packSize());
            };
            long at = t.rnd.nextInt(Math.max(1, t.length() - len));
            len = (int) Math.min(len, t.length() - at);
            t.write(at, new byte[len]);
            return t.pack + ": " + len + " zeros at " + at;
        }
    },
    /** Exactly two shards of a sealed pack damaged: what parity can always repair. */
    TWO_SHARDS("two-shards") {
        @Override
        boolean wantsSealed() {
            return true;
        }

        @Override
        String apply(Target t) throws IOException {
            return t.pack + ": " + t.damageShards(1 + t.rnd.nextInt(2));
        }
    },
    /** Three to five shards of a sealed pack damaged: beyond parity, so repair must quarantine. */
    BEYOND_PARITY("beyond-parity") {
        @Override
        boolean wantsSealed() {
            return true;
        }

        @Override
        String apply(Target t) throws IOException {
            return t.pack + ": " + t.damageShards(3 + t.rnd.nextInt(3));
        }
    },
    /** A pack's bytes replaced by a copy of another pack. */
    DUPLICATE_PACK("duplicate-pack") {
        @Override
        String apply(Target t) throws IOException {
            String other = t.otherPack();
            Files.copy(t.dir.resolve(other), t.path(), StandardCopyOption.REPLACE_EXISTING);
            return t.pack + ": replaced by a copy of " + other;
        }
    },
    /** Two packs' contents swapped. */
    SWAP_PACKS("swap-packs") {
        @Override
        String apply(Target t) throws IOException {
            String other = t.otherPack();
            Path tmp = t.dir.resolve("swap.tmp");
            Files.move(t.path(), tmp);
            Files.move(t.dir.resolve(other), t.path());
            Files.move(tmp, t.dir.resolve(other));
            return t.pack + ": swapped with " + other;
        }
    },
    /** A pack deleted. */
    MISSING_PACK("missing-pack") {
        @Override
        String apply(Target t) throws IOException {
            Files.delete(t.path());
            return t.pack + ": deleted";
        }
    },
    /** The deletion log cut anywhere after its header: inside a record or at a record's end. */
    LOG_TORN("log-torn") {
        @Override
        String apply(Target t) throws IOException {
            long size = Files.size(t.log());
            long at = HEADER + t.rnd.nextInt((int) Math.max(1, size - HEADER));
            try (FileChannel ch = FileChannel.open(t.log(), StandardOpenOption.WRITE)) {
                ch.truncate(at);
            }
            return "deletions.log: cut at " + at + " of " + size;
        }

        @Override
        boolean needsDeletionLog() {
            return true;
        }
    },
    /** Random bytes written over one to three records of the deletion log. */
    LOG_GARBLED("log-garbled") {
        @Override
        String apply(Target t) throws IOException {
            long records = (Files.size(t.log()) - HEADER) / RECORD;
            int n = 1 + t.rnd.nextInt(3);
            StringBuilder what = new StringBuilder("deletions.log: garbled records");
            for (int i = 0; i < n; i++) {
                long r = t.rnd.nextInt((int) Math.max(1, records));
                byte[] junk = new byte[1 + t.rnd.nextInt(RECORD)];
                t.rnd.nextBytes(junk);
                long at = HEADER + r * RECORD + t.rnd.nextInt(RECORD - junk.length + 1);
                t.writeTo(t.log(), at, junk);
                what.append(' ').append(r);
            }
            return what.toString();
        }

        @Override
        boolean needsDeletionLog() {
            return true;
        }
    },
    /** The deletion log's header damaged: its magic, version or record size. */
    LOG_HEADER("log-header") {
        @Override
        String apply(Target t) throws IOException {
            int at = t.rnd.nextInt(HEADER);
            t.writeTo(t.log(), at, new byte[] {(byte) (t.rnd.nextInt(255) + 1)});
            return "deletions.log: header byte " + at;
        }

        @Override
        boolean needsDeletionLog() {
            return true;
        }
    },
    /** A pack replaced by something that is not a regular file. */
    NON_REGULAR("non-regular") {
        @Override
        String apply(Target t) throws IOException {
            Files.delete(t.path());
            switch (t.rnd.nextInt(5)) {
                case 0 -> {
                    Files.createDirectory(t.path());
                    return t.pack + ": a directory";
                }
                case 1 -> {
                    String other = t.otherPack();
                    Files.createSymbolicLink(t.path(), t.dir.resolve(other).getFileName());
                    return t.pack + ": a symlink to " + other;
                }
                case 2 -> {
                    Files.createSymbolicLink(t.path(), Path.of("/dev/null"));
                    return t.pack + ": a symlink to /dev/null";
                }
                case 3 -> {
                    Files.createSymbolicLink(t.path(), Path.of("no-such-file"));
                    return t.pack + ": a dangling symlink";
                }
                default -> {
                    if (!Fifos.make(t.path())) {
                        Files.createDirectory(t.path());
                        return t.pack + ": a directory (no mkfifo)";
                    }
                    return t.pack + ": a named pipe";
                }
            }
        }
    };

    /** The deletion log's header and record sizes, as the store writes them. */
    private static final int HEADER = 16;
    private static final int RECORD = 64;

    private final String label;

    DamageKind(String label) {
        this.label = label;
    }

    /** @return the kind's name in the report */
    String label() {
        return label;
    }

    /** @return whether the kind damages the deletion log, which only a compacted store has */
    boolean needsDeletionLog() {
        return false;
    }

    /** @return whether the kind needs a sealed pack as its target */
    boolean wantsSealed() {
        return false;
    }

    /**
     * Damages the target.
     *
     * @param t the case's store, target pack and random source
     * @return what was done, one line
     */
    abstract String apply(Target t) throws IOException;

    /** The pack a case damages, with the helpers the kinds share. */
    static final class Target {
        final Path dir;
        final StoreTemplate template;
        final String pack;
        final Random rnd;

        Target(Path dir, StoreTemplate template, String pack, Random rnd) {
            this.dir = dir;
            this.template = template;
            this.pack = pack;
            this.rnd = rnd;
        }

        Path path() {
            return dir.resolve(pack);
        }

        int length() {
            return template.packs.get(pack).length;
        }

        /** @return an entry of the pack: mostly a blob, sometimes the EOF or a parity entry */
        StoreTemplate.Entry entry() {
            List<StoreTemplate.Entry> all = template.entries.get(pack);
            List<StoreTemplate.Entry> blobs = all.stream().filter(e -> e.kind().equals("blob")).toList();
            if (blobs.isEmpty() || rnd.nextInt(6) == 0) {
                return all.get(rnd.nextInt(all.size()));
            }
            return blobs.get(rnd.nextInt(blobs.size()));
        }

        String otherPack() {
            List<String> names = template.packNames();
            names.remove(pack);
            return names.get(rnd.nextInt(names.size()));
        }

        byte[] read(long at, int len) throws IOException {
            try (FileChannel ch = FileChannel.open(path(), StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(len);
                while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
                    // reads until full or end of file
                }
                return b.array();
            }
        }

        Path log() {
            return dir.resolve("deletions.log");
        }

        void write(long at, byte[] bytes) throws IOException {
            writeTo(path(), at, bytes);
        }

        void writeTo(Path file, long at, byte[] bytes) throws IOException {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(file + " is not a regular file");
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b, at + b.position());
                }
            }
        }

        /** Overwrites a few random bytes in each of {@code n} distinct shards of this sealed pack. */
        String damageShards(int n) throws IOException {
            int packSize = template.shape.packSize();
            int shard = Shards.shardSize(packSize);
            List<Integer> shards = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, 12).boxed().toList());
            java.util.Collections.shuffle(shards, rnd);
            List<Integer> chosen = shards.subList(0, n).stream().sorted().toList();
            for (int s : chosen) {
                long start = s < 10 ? (long) s * shard : packSize + (long) (s - 10) * (Shards.ENTRY_HEADER + shard);
                long end = Math.min(length(), s < 10 ? Math.min(packSize, start + shard) : start + Shards.ENTRY_HEADER + shard);
                long at = start + rnd.nextInt((int) Math.max(1, end - start - 8));
                byte[] junk = new byte[1 + rnd.nextInt(8)];
                rnd.nextBytes(junk);
                junk[0] = (byte) (read(at, 1)[0] ^ 0x5A);
                write(at, java.util.Arrays.copyOf(junk, (int) Math.min(junk.length, end - at)));
            }
            return "damaged shards " + chosen;
        }
    }
}
