package org.blobsfile.core.internal.index;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.blobsfile.api.BlobInfo;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.Range;
import org.blobsfile.api.spi.IndexRecord;

/**
 * An ordered walk over the index for {@link Range}, one page at a time; it holds nothing open
 * between pages, so an abandoned stream leaks nothing.
 */
public final class IndexWalk extends Spliterators.AbstractSpliterator<BlobInfo> {
    private static final int PAGE = 1024;

    /** How fetching a page enters and leaves a call of the store, which may have closed meanwhile. */
    public interface Guard {
        /** @return what {@link #exit} needs back */
        boolean enter();

        /**
         * Leaves the call {@link #enter} began.
         *
         * @param entered what {@link #enter} returned
         */
        void exit(boolean entered);
    }

    private final StoreIndex index;
    private final Guard guard;
    private final String prefix;
    private final byte[] to;
    private long remaining;
    private byte[] next;
    private boolean done;
    private final ArrayDeque<BlobInfo> buffer = new ArrayDeque<>();

    IndexWalk(StoreIndex index, Range range, Guard guard) {
        super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL);
        this.index = index;
        this.guard = guard;
        this.prefix = range.prefix();
        this.to = range.to().map(BlobRef::bytes).orElse(null);
        this.remaining = range.limit();
        byte[] low = lowerBound(prefix);
        byte[] from = range.from().map(BlobRef::bytes).orElse(new byte[0]);
        this.next = Arrays.compareUnsigned(from, low) > 0 ? from : low;
    }

    /** @return the smallest key that can start with the hex prefix */
    private static byte[] lowerBound(String hex) {
        byte[] b = new byte[(hex.length() + 1) / 2];
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            b[i / 2] |= (byte) (i % 2 == 0 ? d << 4 : d);
        }
        return b;
    }

    Stream<BlobInfo> stream() {
        return StreamSupport.stream(this, false);
    }

    @Override
    public boolean tryAdvance(Consumer<? super BlobInfo> action) {
        if (buffer.isEmpty() && !done) {
            fill();
        }
        BlobInfo b = buffer.poll();
        if (b == null) {
            return false;
        }
        action.accept(b);
        return true;
    }

    private void fill() {
        if (remaining == 0) {
            done = true;
            return;
        }
        List<IndexRecord> page;
        boolean entered = guard.enter();
        try {
            page = index.scan(next, (int) Math.min(PAGE, remaining));
        } finally {
            guard.exit(entered);
        }
        for (IndexRecord r : page) {
            BlobRef ref = BlobRef.of(r.key());
            if (!ref.hex().startsWith(prefix) || (to != null && Arrays.compareUnsigned(r.key(), to) >= 0)) {
                done = true;
                return;
            }
            buffer.add(Location.decode(r.value()).toInfo(ref));
            remaining--;
        }
        if (page.isEmpty() || remaining == 0) {
            done = true;
            return;
        }
        byte[] last = page.get(page.size() - 1).key();
        next = Arrays.copyOf(last, last.length + 1);
    }
}
