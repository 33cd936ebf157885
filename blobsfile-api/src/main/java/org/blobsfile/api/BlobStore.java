package org.blobsfile.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * An append-only, content-addressed blob store: blobs are addressed by the BLAKE2b-256 hash of
 * their bytes, appended to pack files and found through an index that can always be rebuilt
 * from the packs.
 *
 * <p>Implementations are thread-safe: any number of threads may put, get and enumerate at once.
 * Every read checks the blob's hash; damaged bytes are reported, never returned. After
 * {@link #close()}, every other call throws {@link StoreClosedException}.
 *
 * <p>Calls are not interruptible: an interrupt neither cuts a call short nor harms the store
 * (the files it shares between threads stay open), and the thread's interrupt status is kept
 * for the caller when the call returns.
 *
 * <pre>{@code
 * try (BlobStore store = BlobStore.builder(dir).codec("snappy").index("rocksdb").open()) {
 *     BlobRef ref = store.put(bytes);
 *     byte[] back = store.get(ref);
 * }
 * }</pre>
 */
public interface BlobStore extends AutoCloseable {
    /**
     * Starts the options of a store in {@code directory}; finish with
     * {@link BlobStoreOptions.Builder#open()}.
     *
     * @param directory where the packs and the index live; created if missing
     * @return a builder with the defaults
     */
    static BlobStoreOptions.Builder builder(Path directory) {
        return BlobStoreOptions.builder(directory);
    }

    /**
     * Stores a blob; storing one that is already there does nothing. Like every call, a put is
     * seen through by an interrupted thread, whose interrupt status is kept.
     *
     * @param data the blob's bytes, not modified and not kept
     * @return its reference
     * @throws BlobTooLargeException if it cannot fit in a pack
     * @throws ReadOnlyStoreException if the store was opened read-only
     */
    BlobRef put(byte[] data);

    /**
     * Stores a blob whose reference the caller already knows, after checking it.
     *
     * @param ref  the expected BLAKE2b-256 of {@code data}
     * @param data the blob's bytes
     * @throws HashMismatchException if {@code data} does not hash to {@code ref}; nothing is stored
     * @throws ReadOnlyStoreException if the store was opened read-only
     */
    void put(BlobRef ref, byte[] data);

    /**
     * Stores several blobs with one append and one force.
     *
     * @param blobs the blobs' bytes
     * @return their references, in the same order
     * @throws ReadOnlyStoreException if the store was opened read-only
     */
    List<BlobRef> putAll(List<byte[]> blobs);

    /**
     * Reads a blob and checks its hash.
     *
     * @param ref the blob's reference
     * @return its bytes, in a new array
     * @throws BlobNotFoundException      if the store does not hold it
     * @throws CorruptPackException       if its stored bytes are damaged
     * @throws UnsupportedCodecException  if the codec that wrote it is not on the class path
     */
    byte[] get(BlobRef ref);

    /**
     * Stores the bytes of a stream as one blob, reading it to its end (it is not closed). The
     * store's implementation reads it once, in this thread, hashing and compressing it into a
     * file of its own, and appends that: memory does not grow with the blob. A blob shorter than
     * a small buffer takes the path of {@link #put(byte[])}; the result is the same blob either way.
     *
     * <p>This default reads the whole stream into memory and calls {@link #put(byte[])}.
     *
     * @param in the blob's bytes
     * @return its reference, once the blob is stored as the store's durability mode says
     * @throws IOException            if reading {@code in} fails; nothing is stored
     * @throws BlobTooLargeException  as soon as the stream is longer than a pack can hold
     * @throws ReadOnlyStoreException if the store was opened read-only
     */
    default BlobRef put(InputStream in) throws IOException {
        return put(in.readAllBytes());
    }

    /**
     * Stores a file's bytes as one blob, as {@link #put(InputStream)} does; a file longer than a
     * pack can hold is refused before it is read.
     *
     * @param file the file
     * @return its reference
     * @throws IOException            if the file cannot be read; nothing is stored
     * @throws BlobTooLargeException  if the file cannot fit in a pack
     * @throws ReadOnlyStoreException if the store was opened read-only
     */
    default BlobRef put(Path file) throws IOException {
        return put(Files.readAllBytes(file));
    }

    /**
     * Writes a blob to a stream (not closed), checking its hash as it goes. The store's
     * implementation reads the stored bytes in bounded pieces and decodes them as they come, so
     * memory does not grow with the blob; the bytes reach {@code out} before the hash of the
     * whole is known, and a blob that fails its check makes this throw once the last byte is
     * written: whatever {@code out} received is then to be thrown away.
     *
     * <p>This default calls {@link #get(BlobRef)}.
     *
     * @param ref the blob's reference
     * @param out where its bytes go
     * @throws IOException                if writing to {@code out} fails
     * @throws BlobNotFoundException      if the store does not hold the blob
     * @throws CorruptPackException       if its stored bytes are damaged: at the end, after the bytes
     * @throws UnsupportedCodecException  if the codec that wrote it is not on the class path
     */
    default void get(BlobRef ref, OutputStream out) throws IOException {
        out.write(get(ref));
    }

    /**
     * Opens a blob for reading, as {@link #get(BlobRef, OutputStream)} reads it: in bounded
     * pieces, its hash checked by the end of the stream. A blob that fails its check makes the
     * read that would return the end of the stream (-1) throw an {@link IOException} whose cause
     * is the {@link CorruptPackException}; a stream read to its end without an exception has
     * delivered exactly the blob. One thread at a time. Close it unless it is read to its end
     * or fails (both free what it holds): until then it keeps a file of the pack open, and some
     * codecs' decoders native memory. It goes on reading the pack it opened when maintenance
     * replaces that pack meanwhile; a stream whose store is closed fails its next read.
     *
     * <p>This default reads the whole blob with {@link #get(BlobRef)}.
     *
     * @param ref the blob's reference
     * @return the blob's bytes
     * @throws BlobNotFoundException if the store does not hold the blob
     */
    default InputStream open(BlobRef ref) {
        return new ByteArrayInputStream(get(ref));
    }

    /**
     * @param ref the blob's reference
     * @return whether the store holds the blob (read from the index, no pack is touched)
     */
    boolean exists(BlobRef ref);

    /**
     * @param ref the blob's reference
     * @return the blob's uncompressed length
     * @throws BlobNotFoundException if the store does not hold it
     */
    long size(BlobRef ref);

    /** @return every blob, ordered by reference; see {@link #enumerate(Range)} */
    default Stream<BlobInfo> enumerate() {
        return enumerate(Range.all());
    }

    /**
     * Lists blobs ordered by reference. The stream reads the index page by page, holds no
     * resource between pages and may be left unclosed; blobs put while it runs may or may not
     * appear.
     *
     * @param range which blobs
     * @return their index records
     */
    Stream<BlobInfo> enumerate(Range range);

    /** @return a snapshot of the store's counters */
    StoreStats stats();

    /** @return the sealed pack files, in pack order: they never change again */
    List<Path> sealedPacks();

    /** @param listener told of every pack sealed from now on, in the sealing thread */
    void addSealListener(SealListener listener);

    /**
     * Times every put, get, delete and pack force from now on; see {@link OperationListener}.
     *
     * @param listener told of each operation as it completes, in the thread that did it
     */
    void addOperationListener(OperationListener listener);

    /**
     * Reads every byte of every pack and checks it: headers, every blob's hash, EOF entries and
     * padding, parity entries and the Reed-Solomon consistency of sealed packs.
     *
     * @return what was found; {@link VerifyReport#isClean()} when nothing is damaged
     */
    default VerifyReport verify() {
        return verify(Progress.NONE);
    }

    /**
     * As {@link #verify()}, telling {@code progress} the bytes checked so far.
     *
     * @param progress told of progress
     * @return what was found
     */
    VerifyReport verify(Progress progress);

    /**
     * Checks every local pack as {@link #verify(Progress)} does, and the archived copy of every
     * pack evicted to the archive as {@code options} say.
     *
     * @param options  how to check evicted packs
     * @param progress told of bytes checked
     * @return what was checked and found
     */
    VerifyReport verify(VerifyOptions options, Progress progress);

    /**
     * Repairs every damaged sealed pack from its parity and replaces it atomically; a pack that
     * cannot be repaired is moved to {@code quarantine/} with a note, and its blobs are reported
     * lost. Puts wait while it runs.
     *
     * @return what was done
     */
    default RepairReport repair() {
        return repair(Progress.NONE);
    }

    /**
     * As {@link #repair()}, telling {@code progress} the bytes processed so far.
     *
     * @param progress told of progress
     * @return what was done
     * @throws ReadOnlyStoreException if the store was opened read-only
     */
    RepairReport repair(Progress progress);

    /**
     * Throws the index away and rebuilds it by scanning every pack, in parallel. Puts, and
     * reads that need the index, wait while it runs; none of them fails or misses a blob.
     *
     * @throws ReadOnlyStoreException if the store was opened read-only
     */
    void rebuildIndex();

    /**
     * Deletes a blob. From when this returns it is absent for every read, {@link #enumerate} and
     * {@link #stats()}, also after a crash, a power cut (in the durability modes that force) or
     * an index rebuild; putting the same bytes again stores it again. Its bytes stay in its pack,
     * counted as garbage, until {@link #compact} rewrites the pack.
     *
     * @param ref the blob
     * @return true when the blob was stored
     * @throws ReadOnlyStoreException if the store was opened read-only
     */
    boolean delete(BlobRef ref);

    /**
     * Deletes blobs in one step, as {@link #delete} each, with one force for all.
     *
     * @param refs the blobs
     * @return those that were stored, in the order given, each once
     * @throws ReadOnlyStoreException if the store was opened read-only
     */
    List<BlobRef> deleteAll(Collection<BlobRef> refs);

    /**
     * Mark and sweep: deletes every blob stored when the sweep began for which {@code live}
     * returns false. A blob put, or put again, after the sweep began is never deleted by it.
     * Puts and gets go on meanwhile; the sweep walks the index in order and holds no more than
     * a batch of blobs in memory.
     *
     * @param live says which blobs to keep; called from the sweeping thread
     * @return what the sweep did
     * @throws ReadOnlyStoreException if the store was opened read-only
     */
    SweepReport sweep(Predicate<BlobRef> live);

    /**
     * As {@link #sweep(Predicate)}, with the live set given as refs in ascending order (the
     * order of {@link BlobRef#compareTo}), read alongside the index so that the set is never held
     * in memory. Repeated refs are allowed.
     *
     * @param liveInOrder the blobs to keep, ascending
     * @return what the sweep did
     * @throws IllegalArgumentException if a ref comes after a greater one, seen as the set is read
     *                                  one ref ahead of the index: the batch being decided then
     *                                  is not deleted, but earlier batches may have been, with
     *                                  blobs the set named only out of order
     * @throws ReadOnlyStoreException   if the store was opened read-only
     */
    SweepReport sweep(Stream<BlobRef> liveInOrder);

    /**
     * Rewrites the sealed packs whose garbage reaches the default threshold, with no rate limit:
     * see {@link #compact(CompactionOptions, Progress)}.
     *
     * @return what was done
     * @throws ReadOnlyStoreException if the store was opened read-only
     */
    default CompactionReport compact() {
        return compact(CompactionOptions.defaults(), Progress.NONE);
    }

    /**
     * Gives back the space of deleted blobs: each sealed pack whose dead bytes reach the
     * threshold has its live blobs copied to the write side (each checked as it is read; a
     * damaged one is repaired from parity first, or the pack is left as it is and reported), and is
     * then replaced by an empty sealed pack, so pack numbers stay dense and every pack stays v1.
     * Puts and gets go on meanwhile, and a get of a blob being moved never fails because of it.
     * A crash at any point loses no live blob and brings back no deleted one; running it again
     * finishes the work.
     *
     * @param options  the threshold and the rate limit
     * @param progress told of the live bytes moved so far
     * @return what was done
     * @throws ReadOnlyStoreException if the store was opened read-only
     */
    CompactionReport compact(CompactionOptions options, Progress progress);

    /**
     * Uploads to the archive every sealed pack it does not hold yet, each with its manifest, and
     * returns once they are archived; the store also does this in the background after each seal.
     * Objects already in the archive are never replaced.
     *
     * @param progress told of bytes uploaded out of those to upload
     * @return what was uploaded and what was left, with reasons
     * @throws ArchiveException when the store has no archive or it cannot be reached
     */
    ArchiveReport archive(Progress progress);

    /**
     * Removes the local file of sealed packs the archive holds as they are, keeping the newest
     * {@code keepLocal} sealed packs and the last pack. Before a file goes, ranges of its archived
     * copy are compared with it and the copy's manifest is kept beside the packs. A blob of an
     * evicted pack is read from the archive, one ranged read, checked against its hash, through a
     * bounded cache; verify checks the archived copy, and the index keeps every blob.
     *
     * @param keepLocal how many of the newest sealed packs stay local, at least 0
     * @return what was evicted and what was kept, with reasons
     * @throws ArchiveException when the store has no archive or it cannot be reached
     */
    EvictionReport evict(int keepLocal);

    /** @return the store directory */
    Path directory();

    /**
     * Finishes in-flight work and releases the directory. Calling it again does nothing.
     */
    @Override
    void close();
}
