package dev.vitals.agent.history;

/**
 * The fixed schema of a {@link HistoryPoint}: the derived numbers one sample keeps for history,
 * and how each combines when samples are rolled up into minutes, hours or query buckets.
 *
 * <p>Combining rules ({@link Combine}):
 * <ul>
 *   <li>{@code SUM} — counts over the interval (cache hits and requests, queries, errors, timeouts,
 *       covered seconds). Rates come from sums: hit rate = Σ hits / Σ requests, queries per second
 *       = Σ queries / Σ interval_seconds, error rate = Σ errors / Σ queries. Exact.</li>
 *   <li>{@code MEAN} — levels (score, health, availability, average wait, active and pending): the
 *       mean over the raw samples, each sample weighing one (a rollup weighs by the samples it
 *       holds). {@code avg_wait_time} is therefore a mean of per-sample means, not weighted by
 *       the number of acquisitions in each sample.</li>
 *   <li>{@code MAX} / {@code MIN} — extremes. A p99 rolled up is the maximum of the samples'
 *       p99s: an <em>upper bound</em> of the true p99 over the bucket (the exact value needs the
 *       histograms, which history does not keep), exact when the bucket is one sample.</li>
 * </ul>
 *
 * <p>A metric may be absent from a point (no pool, no cache, no SQL yet): absent values are left
 * out of every combination, never counted as zero. The constants' order is part of the file
 * format only through their names, which each segment file header lists; add new metrics at the
 * end, never rename one. At most {@value #MAX_METRICS} metrics (a 64-bit presence mask).
 */
public enum HistoryMetric {
    /** Overall score 0–100. */
    PERFORMANCE_SCORE(Combine.MEAN, null),
    /** System health as a number: healthy 1, degraded 0.5, critical 0; the mean over a bucket. */
    HEALTH(Combine.MEAN, null),
    /** The worst health in the bucket (same encoding); filled from {@link #HEALTH} for a sample. */
    WORST_HEALTH(Combine.MIN, HEALTH),
    /** 1 if in this sample every pool lent connections without timeouts and health was not critical, else 0; its mean is the availability share. */
    AVAILABLE(Combine.MEAN, null),
    /** Cache hits in the interval, all caches. */
    CACHE_HITS(Combine.SUM, null),
    /** Cache requests (hits + misses) in the interval, all caches. */
    CACHE_REQUESTS(Combine.SUM, null),
    /** Mean connection acquire wait in the interval, seconds. */
    AVG_WAIT_TIME(Combine.MEAN, null),
    /** p99 connection acquire wait in the interval, seconds; rolled up as a maximum (an upper bound). */
    P99_WAIT_TIME(Combine.MAX, null),
    /** Active connections, all pools, at the sample. */
    ACTIVE_CONNECTIONS(Combine.MEAN, null),
    /** Highest active connections in the bucket; filled from {@link #ACTIVE_CONNECTIONS} for a sample. */
    MAX_ACTIVE_CONNECTIONS(Combine.MAX, ACTIVE_CONNECTIONS),
    /** Threads waiting for a connection, all pools, at the sample. */
    PENDING_THREADS(Combine.MEAN, null),
    /** Most threads waiting in the bucket; filled from {@link #PENDING_THREADS} for a sample. */
    MAX_PENDING_THREADS(Combine.MAX, PENDING_THREADS),
    /** Connection acquisitions that timed out in the interval, all pools. */
    CONNECTION_TIMEOUTS(Combine.SUM, null),
    /** SQL statements executed in the interval. */
    QUERIES(Combine.SUM, null),
    /** p99 SQL latency in the interval, seconds; rolled up as a maximum (an upper bound). */
    QUERY_P99_TIME(Combine.MAX, null),
    /** SQL statements that failed in the interval. */
    ERRORS(Combine.SUM, null),
    /** Seconds the sample covers (the sampling interval); summed, it is the time a bucket covers. */
    INTERVAL_SECONDS(Combine.SUM, null);

    /** Upper bound on the number of metrics: the presence mask of a stored record is one long. */
    public static final int MAX_METRICS = 64;

    private static final HistoryMetric[] VALUES = values();

    /** How values of one metric combine across samples. */
    public enum Combine { SUM, MEAN, MAX, MIN }

    private final Combine combine;
    private final HistoryMetric source;

    HistoryMetric(Combine combine, HistoryMetric source) {
        this.combine = combine;
        this.source = source;
    }

    /** How this metric rolls up. */
    public Combine combine() {
        return combine;
    }

    /** The metric a raw sample copies this one from when it is not set explicitly, or null. */
    public HistoryMetric source() {
        return source;
    }

    /** The snake_case name used in files and JSON, e.g. {@code cache_hits}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The metric with this {@link #key()}, or null if this version does not know it. */
    public static HistoryMetric byKey(String key) {
        for (HistoryMetric m : VALUES) {
            if (m.key().equals(key)) {
                return m;
            }
        }
        return null;
    }

    static int count() {
        return VALUES.length;
    }

    static HistoryMetric of(int ordinal) {
        return VALUES[ordinal];
    }

    static {
        if (VALUES.length > MAX_METRICS) {
            throw new AssertionError("more than " + MAX_METRICS + " history metrics");
        }
    }
}
