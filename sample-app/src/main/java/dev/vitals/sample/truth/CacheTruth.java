package dev.vitals.sample.truth;

import java.util.concurrent.atomic.LongAdder;

/**
 * Exact counts of lookups on one Caffeine cache, as the app observes them.
 *
 * <p>Definitions (the services that own the caches follow them):
 * <ul>
 *   <li>hit / miss: one lookup call ({@code getIfPresent} or {@code LoadingCache.get}) that
 *       found a value, or did not (for a loading cache: that ran the loader on the calling thread);
 *       {@code gets = hits + misses};</li>
 *   <li>load: one invocation of the cache's loader; a load failure is one that threw or returned
 *       {@code null}, as Caffeine defines it;</li>
 *   <li>eviction: one call of the cache's eviction listener (size or expiry), as Caffeine counts
 *       evictions.</li>
 * </ul>
 *
 * <p>Concurrency: {@code record*} are called by worker threads (and, for evictions, by whichever
 * thread runs the cache's maintenance); they only bump {@link LongAdder}s. {@link #snapshot()} may
 * run at any time on any thread. Accuracy: as {@link PoolTruth}.
 */
public final class CacheTruth {
    private final String name;
    private final long maximumSize;
    private final boolean recordsStats;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder evictions = new LongAdder();

    /**
     * @param name         the cache's name in the truth file (its field name in the owning service)
     * @param maximumSize  the cache's {@code maximumSize}
     * @param recordsStats whether the cache was built with {@code recordStats()}
     */
    public CacheTruth(String name, long maximumSize, boolean recordsStats) {
        this.name = name;
        this.maximumSize = maximumSize;
        this.recordsStats = recordsStats;
    }

    public String name() {
        return name;
    }

    public void recordHit() {
        hits.increment();
    }

    public void recordMiss() {
        misses.increment();
    }

    /** A loader invocation has ended; {@code failed} if it threw or returned {@code null}. */
    public void recordLoad(boolean failed) {
        loads.increment();
        if (failed) {
            loadFailures.increment();
        }
    }

    public void recordEviction() {
        evictions.increment();
    }

    /** The counts so far; {@code gets} is computed as {@code hits + misses} of the same read. */
    public TruthSnapshot.CacheCounts snapshot() {
        long h = hits.sum();
        long m = misses.sum();
        return new TruthSnapshot.CacheCounts(h + m, h, m, loads.sum(), loadFailures.sum(), evictions.sum(),
                maximumSize, recordsStats);
    }
}
