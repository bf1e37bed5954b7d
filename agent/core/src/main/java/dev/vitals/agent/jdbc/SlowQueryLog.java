package dev.vitals.agent.jdbc;

import dev.vitals.agent.snapshot.SlowQuerySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@link #CAPACITY} slow executions, newest first when read.
 *
 * <p>Concurrency: {@link #add} is lock-free (a sequence number picks the slot; a writer that laps
 * another may overwrite it, which only loses an entry that was about to be overwritten anyway)
 * and runs on the application thread whose execution was slow; {@link #newest} runs on agent
 * threads. Memory: {@link #CAPACITY} immutable entries at most.
 */
final class SlowQueryLog {

    /** Slow executions kept: the original design's slow-query list length. */
    static final int CAPACITY = 200;

    private final AtomicReferenceArray<SlowQuerySnapshot> slots = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicLong added = new AtomicLong();

    void add(SlowQuerySnapshot entry) {
        long sequence = added.getAndIncrement();
        slots.set((int) (sequence % CAPACITY), entry);
    }

    /** Slow executions seen since the start, including those no longer kept. */
    long total() {
        return added.get();
    }

    /**
     * Up to {@code limit} entries, newest first. A slot whose writer is still in flight may show
     * the entry it is replacing: reads are a moment's view, never blocked.
     */
    List<SlowQuerySnapshot> newest(int limit) {
        long end = added.get();
        List<SlowQuerySnapshot> result = new ArrayList<>();
        for (long sequence = end - 1; sequence >= 0 && sequence >= end - CAPACITY && result.size() < limit; sequence--) {
            SlowQuerySnapshot entry = slots.get((int) (sequence % CAPACITY));
            if (entry != null) {
                result.add(entry);
            }
        }
        return result;
    }
}
