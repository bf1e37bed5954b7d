package dev.vitals.agent.sampling;

import dev.vitals.agent.histogram.LatencyHistogram;
import dev.vitals.agent.snapshot.CacheSnapshot;
import dev.vitals.agent.snapshot.PoolSnapshot;
import java.time.Instant;
import java.util.Map;

/**
 * What happened between two samples: the increase of every counter, and the gauges at the end.
 * The score window is a run of these. Histograms are kept sparse, so an interval of a quiet
 * pool costs a few dozen bytes, not 5 KB.
 *
 * @param end when the interval ended (the later sample's time)
 * @param seconds how long it was
 * @param pools by pool id, the pools live at its end
 * @param caches by cache name, the caches live at its end
 * @param sql all SQL in it
 * @param available whether every pool lent without a timeout and the interval's own health was
 *     not critical (see docs/SCORING.md, "Availability"); null when the interval had nothing to
 *     score (no traffic, no waiter): such a sample does not count for availability
 */
record Interval(Instant end, double seconds, Map<Integer, PoolDelta> pools, Map<String, CacheDelta> caches,
        SqlDelta sql, Boolean available) {

    /**
     * One pool over the interval.
     *
     * @param end the pool at the interval's end (its gauges)
     * @param attempts borrow attempts, successful or timed out
     * @param timeouts attempts that timed out
     * @param acquire every attempt's wait
     * @param usage every returned connection's time lent out
     */
    record PoolDelta(PoolSnapshot end, long attempts, long timeouts, LatencyHistogram.Sparse acquire,
            LatencyHistogram.Sparse usage) {

        long borrows() {
            return Math.max(0, attempts - timeouts);
        }
    }

    /**
     * One cache over the interval.
     *
     * @param end the cache at the interval's end (its size and settings)
     */
    record CacheDelta(CacheSnapshot end, long hits, long misses, long evictions, long loads, long loadFailures) {
    }

    /**
     * All SQL over the interval.
     *
     * @param calls executions
     * @param errors executions that threw
     * @param all every execution's time
     * @param statements by statement key id, the keys executed in the interval: {@code {calls, nanos}}
     * @param sqlById the SQL text of those keys
     */
    record SqlDelta(long calls, long errors, LatencyHistogram.Sparse all, Map<Integer, long[]> statements,
            Map<Integer, String> sqlById) {

        static final SqlDelta NONE = new SqlDelta(0, 0, LatencyHistogram.Sparse.EMPTY, Map.of(), Map.of());
    }

    /** Rough heap held, bytes: what bounds the window. */
    long footprintBytes() {
        long bytes = 256;
        for (PoolDelta p : pools.values()) {
            bytes += 128 + p.acquire().footprintBytes() + p.usage().footprintBytes();
        }
        bytes += 96L * caches.size();
        bytes += sql.all().footprintBytes() + 96L * sql.statements().size();
        return bytes;
    }
}
