package org.blobsfile.core.internal.pack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.blobsfile.core.internal.hash.Blake2b;
import org.blobsfile.core.internal.plugin.CodecRegistry;
import org.blobsfile.core.internal.plugin.EntryCheck;
import org.blobsfile.core.internal.plugin.Payloads;
import org.blobsfile.tck.Cases;
import org.blobsfile.tck.RandomSeed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A resynchronising walk, hunted for counterexamples: packs of random entries, damaged in one
 * place in one of many ways, must still yield every entry the damage did not touch, never an
 * entry that does not verify, and the damaged entry itself when only its size, flag or codec
 * byte was hit.
 */
class ResyncWalkTest {
    @RegisterExtension
    static final RandomSeed SEED = new RandomSeed();

    private static final CodecRegistry CODECS = CodecRegistry.discovered();

    /** Ways of damaging a pack in one place. */
    enum Damage {
        SIZE, FLAG, CODEC, HASH_BYTE, PAYLOAD_BYTE, ZEROED_RANGE, RANDOM_RUN, TRUNCATED
    }

    /** An entry as written. */
    record Written(long offset, byte[] header, byte[] payload) {
        long end() {
            return offset + header.length + payload.length;
        }
    }

    @Test
    void damageCostsAtMostTheEntriesItTouches() throws IOException {
        Random seeds = SEED.random();
        int cases = Cases.scaled(600);
        Map<Damage, Integer> recovered = new HashMap<>();
        for (int c = 0; c < cases; c++) {
            long caseSeed = seeds.nextLong();
            Random rnd = new Random(caseSeed);
            List<Written> entries = new ArrayList<>();
            byte[] pack = pack(rnd, entries);
            Damage kind = Damage.values()[rnd.nextInt(Damage.values().length)];
            Written victim = entries.get(rnd.nextInt(entries.size()));
            long[] hit = damage(rnd, kind, pack, victim);
            byte[] damaged = kind == Damage.TRUNCATED ? Arrays.copyOf(pack, (int) hit[0]) : pack;

            Map<Long, PackScanner.Entry> found = walk(damaged);
            String why = "case seed " + caseSeed + ", " + kind + " at [" + hit[0] + ", " + hit[1] + ")";
            for (PackScanner.Entry e : found.values()) {
                // an entry whose structure the damage left whole is reported unverified, as an intact
                // pack's entries are: the walk hashes only where the structure breaks
                boolean asWritten = entries.stream().anyMatch(w -> w.offset() == e.offset() && w.end() == e.end());
                assertThat(asWritten || verifies(damaged, e)).as(why + ": entry at " + e.offset() + " verifies").isTrue();
            }
            for (Written w : entries) {
                boolean touched = w.offset() < hit[1] && w.end() > hit[0];
                if (!touched) {
                    assertThat(found).as(why + ": untouched entry at " + w.offset()).containsKey(w.offset());
                    assertThat(found.get(w.offset()).end()).isEqualTo(w.end());
                }
            }
            boolean headerOnly = kind == Damage.SIZE || kind == Damage.FLAG || kind == Damage.CODEC;
            if (headerOnly) {
                assertThat(found).as(why + ": the entry whose header alone is damaged").containsKey(victim.offset());
                assertThat(found.get(victim.offset()).end()).isEqualTo(victim.end());
                recovered.merge(kind, 1, Integer::sum);
            }
        }
        assertThat(recovered).isNotEmpty();
    }

    /** @return a pack of 10-40 plain and compressed entries, closed by an EOF entry when the dice say so */
    private static byte[] pack(Random rnd, List<Written> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(PackFormat.header());
        int n = 10 + rnd.nextInt(30);
        for (int i = 0; i < n; i++) {
            byte[] blob = new byte[rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3000)];
            if (rnd.nextBoolean()) {
                rnd.nextBytes(blob);
            } else {
                Arrays.fill(blob, (byte) ('a' + rnd.nextInt(3)));
            }
            byte[] hash = Blake2b.hash(blob, 0, blob.length);
            boolean compress = blob.length > 0 && rnd.nextBoolean();
            byte[] payload = compress ? CODECS.forName("snappy").compress(blob, 0, blob.length) : blob;
            int codec = compress ? CODECS.forName("snappy").id() : PackFormat.CODEC_NONE;
            byte[] header = new EntryHeader(hash, compress ? PackFormat.FLAG_COMPRESSED : PackFormat.FLAG_BLOB, codec,
                    payload.length).encode();
            entries.add(new Written(out.size(), header, payload));
            out.write(header);
            out.write(payload);
        }
        if (rnd.nextBoolean()) {
            int padding = rnd.nextInt(500);
            out.write(EntryHeader.eof(padding).encode());
            out.write(new byte[padding]);
        }
        return out.toByteArray();
    }

    /** Damages the pack in place; @return the byte range the damage touched */
    private static long[] damage(Random rnd, Damage kind, byte[] pack, Written victim) {
        int at = (int) victim.offset();
        switch (kind) {
            case SIZE -> {
                int size = victim.payload().length;
                int wrong = switch (rnd.nextInt(3)) {
                    case 0 -> size + 1 + rnd.nextInt(5000);
                    case 1 -> rnd.nextInt(Math.max(1, size));
                    default -> rnd.nextInt();
                };
                if (wrong == size) {
                    wrong++;
                }
                for (int i = 0; i < 4; i++) {
                    pack[at + EntryHeader.SIZE + i] = (byte) (wrong >>> (8 * i));
                }
                return new long[] {at + EntryHeader.SIZE, at + EntryHeader.SIZE + 4};
            }
            case FLAG, CODEC -> {
                int i = at + (kind == Damage.FLAG ? EntryHeader.FLAG : EntryHeader.CODEC);
                pack[i] = (byte) (pack[i] ^ (1 + rnd.nextInt(255)));
                return new long[] {i, i + 1};
            }
            case HASH_BYTE -> {
                int i = at + rnd.nextInt(EntryHeader.HASH_LENGTH);
                pack[i] = (byte) (pack[i] ^ (1 + rnd.nextInt(255)));
                return new long[] {i, i + 1};
            }
            case PAYLOAD_BYTE -> {
                if (victim.payload().length == 0) {
                    return new long[] {at, at};
                }
                int i = at + EntryHeader.LENGTH + rnd.nextInt(victim.payload().length);
                pack[i] = (byte) (pack[i] ^ (1 + rnd.nextInt(255)));
                return new long[] {i, i + 1};
            }
            case ZEROED_RANGE, RANDOM_RUN -> {
                int from = at + rnd.nextInt(EntryHeader.LENGTH + victim.payload().length);
                int to = Math.min(pack.length, from + 1 + rnd.nextInt(200));
                for (int i = from; i < to; i++) {
                    pack[i] = kind == Damage.ZEROED_RANGE ? 0 : (byte) rnd.nextInt(256);
                }
                return new long[] {from, to};
            }
            case TRUNCATED -> {
                int cut = at + 1 + rnd.nextInt(EntryHeader.LENGTH + victim.payload().length);
                return new long[] {cut, Long.MAX_VALUE};
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    /** @return every blob entry a resynchronising walk reports, by offset, recovered ones with the header that verifies */
    private static Map<Long, PackScanner.Entry> walk(byte[] pack) throws IOException {
        PackWalker.Source src = (pos, dst, off, len) -> System.arraycopy(pack, (int) pos, dst, off, len);
        Map<Long, PackScanner.Entry> found = new HashMap<>();
        PackWalker.walk(src, PackFormat.HEADER_SIZE, pack.length, PackGeometry.unknown(),
                new EntryCheck(CODECS, src, 1 << 20), new PackWalker.Steps() {
                    @Override
                    public void blob(PackScanner.Entry e) {
                        assertThat(found.put(e.offset(), e)).as("entry at %d reported twice", e.offset()).isNull();
                    }

                    @Override
                    public void eof(PackScanner.Entry e) {
                    }

                    @Override
                    public void broken(PackWalker.Break kind, long offset, PackScanner.Entry e) {
                    }
                });
        return found;
    }

    private static boolean verifies(byte[] pack, PackScanner.Entry e) {
        byte[] payload = Arrays.copyOfRange(pack, (int) e.payloadOffset(), (int) e.end());
        try {
            byte[] blob = Payloads.decode(CODECS, e.flag(), e.codecId(), payload, 1 << 20);
            return Arrays.equals(Blake2b.hash(blob, 0, blob.length), e.hash());
        } catch (IOException | RuntimeException undecodable) {
            return false;
        }
    }
}
