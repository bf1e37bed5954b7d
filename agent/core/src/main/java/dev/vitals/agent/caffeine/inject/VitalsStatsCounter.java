package dev.vitals.agent.caffeine.inject;

import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import dev.vitals.agent.bridge.CacheListener;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link StatsCounter} Vitals gives a cache whose application did not ask for statistics.
 * Defined at run time in Caffeine's own class loader (never loaded by the agent core): it may
 * reference Caffeine's API and the bootstrap bridge only.
 *
 * <p>The application's view is unchanged: {@link #snapshot()} answers {@link CacheStats#empty()},
 * exactly what {@code cache.stats()} returns for a cache built without {@code recordStats()}.
 * Vitals reads the counts through {@link CacheListener.Counts} instead.
 *
 * <p>Concurrency: Caffeine calls the {@code record*} methods on application threads (and on the
 * thread that runs maintenance, for evictions). Each is one {@link LongAdder} update: no lock, no
 * allocation once a contended adder has grown its cells. The counts only grow; a reader sees
 * each one exactly, and counters of one event (a load's count and its time) at most a few events
 * apart while lookups run.
 *
 * <p>Works with Caffeine 2.9 as well as 3.x: the eviction methods Caffeine 2.x declared (and
 * 3.x removed) are implemented too, counting the same way.
 */
public final class VitalsStatsCounter implements StatsCounter, CacheListener.Counts {

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loadSuccesses = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder evictedWeight = new LongAdder();

    @Override
    public void recordHits(int count) {
        hits.add(count);
    }

    @Override
    public void recordMisses(int count) {
        misses.add(count);
    }

    @Override
    public void recordLoadSuccess(long loadTime) {
        loadSuccesses.increment();
        loadNanos.add(loadTime);
    }

    @Override
    public void recordLoadFailure(long loadTime) {
        loadFailures.increment();
        loadNanos.add(loadTime);
    }

    @Override
    public void recordEviction(int weight, RemovalCause cause) {
        evictions.increment();
        evictedWeight.add(weight);
    }

    /** Caffeine 2.x only (abstract there, and what its default methods end in). */
    public void recordEviction() {
        evictions.increment();
    }

    /** Caffeine 2.x only. */
    public void recordEviction(int weight) {
        evictions.increment();
        evictedWeight.add(weight);
    }

    /** What the application would see without Vitals: it did not enable statistics. */
    @Override
    public CacheStats snapshot() {
        return CacheStats.empty();
    }

    @Override
    public long hitCount() {
        return hits.sum();
    }

    @Override
    public long missCount() {
        return misses.sum();
    }

    @Override
    public long loadSuccessCount() {
        return loadSuccesses.sum();
    }

    @Override
    public long loadFailureCount() {
        return loadFailures.sum();
    }

    @Override
    public long totalLoadTime() {
        return loadNanos.sum();
    }

    @Override
    public long evictionCount() {
        return evictions.sum();
    }

    @Override
    public long evictionWeight() {
        return evictedWeight.sum();
    }

    @Override
    public String toString() {
        return "VitalsStatsCounter{hits=" + hitCount() + ", misses=" + missCount() + "}";
    }
}
