package dev.vitals.benchmarks.hotpath;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Caffeine's hot paths as Vitals sees them: a lookup that hits, on a cache built without
 * statistics (Vitals gives it a stats counter of its own) and on one whose application called
 * {@code recordStats()} (Vitals only reads it); and a {@code LoadingCache.get} that always misses,
 * loads and evicts.
 *
 * <p>Run without an agent, {@link #getIfPresentHitAppStats} minus
 * {@link #getIfPresentHitWithoutStats} is what Caffeine's own {@code recordStats()} costs: the
 * bound for what Vitals may add to a cache without statistics.
 *
 * <p>Threading: one benchmark thread per state ({@link Scope#Thread}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CacheBenchmark {

    /** Keys the hit benchmarks cycle through: a power of two, so the index wraps with a mask; all present. */
    private static final int HIT_KEYS = 1 << 10;

    /** Bound of the hit caches: well above {@link #HIT_KEYS}, so a lookup never misses. */
    private static final int HIT_MAXIMUM = 10_000;

    /** Bound of the loading cache: small and full from the start, so every miss also evicts one entry. */
    private static final int LOADING_MAXIMUM = 1_000;

    private Cache<Integer, Integer> withoutStats;
    private Cache<Integer, Integer> appStats;
    private LoadingCache<Long, Long> loading;

    /** Boxed once, so the hit benchmarks allocate nothing of their own. */
    private Integer[] keys;
    private int nextHit;
    private long nextMiss;

    @Setup(Level.Trial)
    public void setUp() {
        withoutStats = Caffeine.newBuilder().maximumSize(HIT_MAXIMUM).build();
        appStats = Caffeine.newBuilder().maximumSize(HIT_MAXIMUM).recordStats().build();
        // Maintenance (eviction) on the calling thread: the measured operation is the whole
        // miss + load + evict, not a miss that leaves the eviction to the common pool.
        loading = Caffeine.newBuilder().maximumSize(LOADING_MAXIMUM).executor(Runnable::run).build(key -> key);

        keys = new Integer[HIT_KEYS];
        for (int i = 0; i < HIT_KEYS; i++) {
            keys[i] = i;
            withoutStats.put(keys[i], keys[i]);
            appStats.put(keys[i], keys[i]);
        }
        // Fill the loading cache, so the benchmark starts in its steady state (full, evicting).
        for (nextMiss = 0; nextMiss < 2L * LOADING_MAXIMUM; nextMiss++) {
            loading.get(nextMiss);
        }
        loading.cleanUp();
    }

    @Benchmark
    public Integer getIfPresentHitWithoutStats() {
        return withoutStats.getIfPresent(keys[nextHit++ & (HIT_KEYS - 1)]);
    }

    @Benchmark
    public Integer getIfPresentHitAppStats() {
        return appStats.getIfPresent(keys[nextHit++ & (HIT_KEYS - 1)]);
    }

    /** Every key is new: a miss, a load on this thread and, the cache being full, an eviction. */
    @Benchmark
    public Long loadingGetMiss() {
        return loading.get(nextMiss++);
    }
}
