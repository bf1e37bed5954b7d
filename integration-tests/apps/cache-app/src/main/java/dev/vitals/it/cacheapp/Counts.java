package dev.vitals.it.cacheapp;

import com.github.benmanes.caffeine.cache.stats.CacheStats;

/**
 * What the app counted itself for one cache, with Caffeine's definitions: a lookup is a hit if it
 * found a value without running the loader on the calling thread, else a miss; a load is one run
 * of the loader, failed if it threw or returned null; an eviction is a removal-listener call
 * whose cause was an eviction. Single-threaded app: plain fields.
 */
final class Counts {
    long hits;
    long misses;
    long loads;
    long loadFailures;
    long evictions;

    void lookup(boolean hit) {
        if (hit) {
            hits++;
        } else {
            misses++;
        }
    }

    void load(boolean failed) {
        loads++;
        if (failed) {
            loadFailures++;
        }
    }

    /** This as JSON, with the cache's own {@code stats()} and whether it says it records them. */
    String json(CacheStats stats, boolean recording) {
        return "{\"gets\":" + (hits + misses) + ",\"hits\":" + hits + ",\"misses\":" + misses + ",\"loads\":" + loads
                + ",\"load_failures\":" + loadFailures + ",\"evictions\":" + evictions
                + ",\"recording\":" + recording + ",\"stats_empty\":" + stats.equals(CacheStats.empty())
                + ",\"stats\":{\"hits\":" + stats.hitCount() + ",\"misses\":" + stats.missCount()
                + ",\"load_success\":" + stats.loadSuccessCount() + ",\"load_failure\":" + stats.loadFailureCount()
                + ",\"evictions\":" + stats.evictionCount() + "}}";
    }
}
