package dev.vitals.agent.caffeine.inject;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads a cache through Caffeine's public API — its {@code Policy} and {@code stats()} — for the
 * agent, which cannot see Caffeine's types. Defined in Caffeine's class loader; references
 * Caffeine's API only (the part common to 2.9 and 3.x).
 *
 * <p>Called on agent threads only. Thread-safe: Caffeine's policy and statistics are.
 */
public final class VitalsCacheReader {

    /** Index of each value in what {@link #read} returns; {@code -1} stands for "none". */
    public static final int SIZE = 0;
    public static final int MAXIMUM = 1;
    public static final int WEIGHTED = 2;
    public static final int EXPIRE_AFTER_WRITE_NANOS = 3;
    public static final int EXPIRE_AFTER_ACCESS_NANOS = 4;
    public static final int RECORDING_STATS = 5;
    public static final int LOADING = 6;
    public static final int ASYNC = 7;
    public static final int HITS = 8;
    public static final int MISSES = 9;
    public static final int LOAD_SUCCESSES = 10;
    public static final int LOAD_FAILURES = 11;
    public static final int LOAD_NANOS = 12;
    public static final int EVICTIONS = 13;
    public static final int EVICTION_WEIGHT = 14;
    public static final int LENGTH = 15;

    private VitalsCacheReader() {
    }

    /**
     * The size, policy and statistics of {@code cache} (any public Caffeine cache) as longs,
     * booleans as 0/1; statistics as {@code cache.stats()} returns them (empty when the
     * application did not enable statistics).
     */
    public static long[] read(Object cache) {
        boolean async = cache instanceof AsyncCache;
        Cache<?, ?> sync = async ? ((AsyncCache<?, ?>) cache).synchronous() : (Cache<?, ?>) cache;
        Policy<?, ?> policy = sync.policy();
        long[] values = new long[LENGTH];
        values[SIZE] = sync.estimatedSize();
        Optional<? extends Policy.Eviction<?, ?>> eviction = policy.eviction();
        values[MAXIMUM] = eviction.isPresent() ? eviction.get().getMaximum() : -1;
        values[WEIGHTED] = eviction.isPresent() && eviction.get().isWeighted() ? 1 : 0;
        values[EXPIRE_AFTER_WRITE_NANOS] = expiresAfterNanos(policy.expireAfterWrite());
        values[EXPIRE_AFTER_ACCESS_NANOS] = expiresAfterNanos(policy.expireAfterAccess());
        values[RECORDING_STATS] = policy.isRecordingStats() ? 1 : 0;
        values[LOADING] = cache instanceof LoadingCache || cache instanceof AsyncLoadingCache ? 1 : 0;
        values[ASYNC] = async ? 1 : 0;
        CacheStats stats = sync.stats();
        values[HITS] = stats.hitCount();
        values[MISSES] = stats.missCount();
        values[LOAD_SUCCESSES] = stats.loadSuccessCount();
        values[LOAD_FAILURES] = stats.loadFailureCount();
        values[LOAD_NANOS] = stats.totalLoadTime();
        values[EVICTIONS] = stats.evictionCount();
        values[EVICTION_WEIGHT] = stats.evictionWeight();
        return values;
    }

    /**
     * The duration of a fixed expiration policy, or -1 without one. Its type is
     * {@code Policy.Expiration} in Caffeine 2.x and {@code Policy.FixedExpiration} in 3.x, with the
     * same {@code getExpiresAfter(TimeUnit)}: called through whichever public interface has it.
     */
    private static long expiresAfterNanos(Optional<?> expiration) {
        if (!expiration.isPresent()) {
            return -1;
        }
        Object policy = expiration.get();
        for (Class<?> type = policy.getClass(); type != null; type = type.getSuperclass()) {
            for (Class<?> contract : type.getInterfaces()) {
                try {
                    Method method = contract.getMethod("getExpiresAfter", TimeUnit.class);
                    return (Long) method.invoke(policy, TimeUnit.NANOSECONDS);
                } catch (NoSuchMethodException e) {
                    // Not this interface.
                } catch (ReflectiveOperationException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
