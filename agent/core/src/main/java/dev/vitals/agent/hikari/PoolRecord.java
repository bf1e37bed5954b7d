package dev.vitals.agent.hikari;

import dev.vitals.agent.histogram.LatencyHistogram;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * What Vitals keeps about one HikariCP pool: HikariCP's own measurements, accumulated. The pool
 * itself is held weakly, so a pool the application drops is collected and leaves the report.
 *
 * <p>Concurrency: written by application threads (lock-free histograms and adders), read by
 * agent threads. Memory: two histograms and a few adders per pool, fixed.
 */
final class PoolRecord {

    final int id;
    final WeakReference<Object> pool;
    final Instant firstSeen;
    final boolean sinceAttach;
    final LatencyHistogram acquireNanos = new LatencyHistogram();
    final LatencyHistogram usageNanos = new LatencyHistogram();
    final LongAdder timeouts = new LongAdder();
    final LongAdder created = new LongAdder();
    volatile boolean closed;
    /**
     * Usage reports at or above this are not usages (see {@code HikariRecorder.discover}); only
     * pools found after an attach set it.
     */
    volatile long implausibleUsageMillis = Long.MAX_VALUE;

    PoolRecord(int id, Object pool, Instant firstSeen, boolean sinceAttach) {
        this.id = id;
        this.pool = new WeakReference<>(pool);
        this.firstSeen = firstSeen;
        this.sinceAttach = sinceAttach;
    }
}
