package dev.vitals.agent.caffeine;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The caches already known, answering "which record is this local cache's?" on every lookup
 * without locks or allocation: an open-addressing table of weak references to Caffeine's internal
 * cache objects, indexed by identity hash, each holding its record.
 *
 * <p>Concurrency: {@link #get} is lock-free and allocates nothing; {@link #put} is called under
 * the recorder's lock. Accuracy: a cache that does not fit ({@link #PROBES} live neighbours) is
 * not cached here and takes the recorder's slow path on each lookup, which is correct, only
 * slower. Weak references: a cache the application drops is not kept alive here, and its slot is
 * reused.
 */
final class SeenCaches {

    /** Slots; a power of two, well above the caches a JVM has (Spring apps have dozens). */
    static final int SLOTS = 4096;
    /** Slots tried before giving up on caching a cache. */
    static final int PROBES = 8;

    /** A local cache held weakly, with its record. */
    private static final class Entry extends WeakReference<Object> {
        final CacheRecord record;

        Entry(Object localCache, CacheRecord record) {
            super(localCache);
            this.record = record;
        }
    }

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);

    /** The record of {@code localCache}, or null when it is not in the table. */
    CacheRecord get(Object localCache) {
        int start = System.identityHashCode(localCache);
        for (int i = 0; i < PROBES; i++) {
            Entry entry = slots.get((start + i) & (SLOTS - 1));
            if (entry != null && entry.get() == localCache) {
                return entry.record;
            }
        }
        return null;
    }

    /** Remembers {@code localCache}'s record; returns false when its neighbourhood is full. */
    boolean put(Object localCache, CacheRecord record) {
        int start = System.identityHashCode(localCache);
        for (int i = 0; i < PROBES; i++) {
            int index = (start + i) & (SLOTS - 1);
            Entry entry = slots.get(index);
            Object key = entry == null ? null : entry.get();
            if (key == null || key == localCache) {
                slots.set(index, new Entry(localCache, record));
                return true;
            }
        }
        return false;
    }
}
