package dev.vitals.agent.bridge;

/**
 * What Caffeine advice and the statistics classes Vitals injects next to Caffeine report. JDK
 * types only: builders, caches, counters and functions travel as {@link Object}.
 *
 * <p>Two kinds of caller:
 * <ul>
 *   <li>Builder advice ({@link #statsSupplier}, {@link #statsCounterCreated}, {@link #built},
 *       {@link #named}) runs once per cache, on the thread that builds it; it may allocate and
 *       take locks, as building a cache does anyway.</li>
 *   <li>Lookup advice ({@link #lookedUp}, {@link #computing}, {@link #loading}) runs on every
 *       lookup of every cache while caches built before the agent may exist: implementations
 *       must answer with an identity check and a counter update, no allocation, no lock, no
 *       logging, and never throw. {@link #loading} runs on the miss path only.</li>
 * </ul>
 * "Local cache" below is Caffeine's internal cache object ({@code BoundedLocalCache} or
 * {@code UnboundedLocalCache}), which the public {@code Cache} wraps.
 */
public interface CacheListener {

    /** Does nothing; installed until the agent starts and again after it detaches. */
    CacheListener NONE = new CacheListener() {
        @Override
        public Object statsSupplier(Object builder) {
            return null;
        }

        @Override
        public boolean isStatsSupplier(Object supplier) {
            return false;
        }

        @Override
        public void statsCounterCreated(Object counter) {
        }

        @Override
        public void built(Object builder, Object cache) {
        }

        @Override
        public void named(Object cache, String name, String framework) {
        }

        @Override
        public void lookedUp(Object localCache, boolean recordStats, boolean hit) {
        }

        @Override
        public void computing(Object localCache, boolean recordStats) {
        }

        @Override
        public Object loading(Object localCache, Object mappingFunction, boolean recordLoad) {
            return mappingFunction;
        }
    };

    /**
     * {@code builder} (a {@code Caffeine}) is about to build a cache and the application did not
     * enable statistics: returns the {@code Supplier<StatsCounter>} to put in the builder so that
     * Caffeine records statistics for Vitals, or null to leave the builder alone.
     */
    Object statsSupplier(Object builder);

    /** Whether {@code supplier}, found in a builder, is one {@link #statsSupplier} handed out. */
    boolean isStatsSupplier(Object supplier);

    /** The supplier installed by {@link #statsSupplier} created {@code counter} for the cache being built on this thread. */
    void statsCounterCreated(Object counter);

    /**
     * {@code builder} returned {@code cache} (a {@code Cache}, {@code LoadingCache},
     * {@code AsyncCache} or {@code AsyncLoadingCache}), or threw ({@code cache} is null).
     */
    void built(Object builder, Object cache);

    /** A framework ({@code spring}, {@code jcache}) named {@code cache} (a public Caffeine cache). */
    void named(Object cache, String name, String framework);

    /**
     * A {@code getIfPresent} on {@code localCache} returned: a hit if it found a value.
     * {@code recordStats} is Caffeine's own flag: false for lookups it never counts (map views).
     */
    void lookedUp(Object localCache, boolean recordStats, boolean hit);

    /** A {@code computeIfAbsent} (the path of {@code get(key, function)} and {@code LoadingCache.get}) on {@code localCache} starts. */
    void computing(Object localCache, boolean recordStats);

    /**
     * {@code localCache} missed and is about to run {@code mappingFunction} (a
     * {@code java.util.function.Function}); returns the function to run instead, or the same one.
     * Runs on the miss path only.
     */
    Object loading(Object localCache, Object mappingFunction, boolean recordLoad);

    /**
     * Statistics a counter of Vitals holds (implemented by the {@code StatsCounter} Vitals gives
     * Caffeine). Read by agent threads; values only grow.
     */
    interface Counts {

        long hitCount();

        long missCount();

        long loadSuccessCount();

        long loadFailureCount();

        /** Nanoseconds spent loading, successful or not, as Caffeine timed it. */
        long totalLoadTime();

        long evictionCount();

        long evictionWeight();
    }
}
