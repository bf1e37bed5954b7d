package dev.vitals.sample.truth;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Exact counts of the app's own JDBC statement executions, per SQL text.
 *
 * <p>One execution is one call of {@code execute}, {@code executeQuery}, {@code executeUpdate} or
 * {@code executeBatch} (a batch counts once, whatever its size), counted when the call returns or
 * throws; a call that threw is also an error. The SQL text is exactly the string the app passed to
 * {@code prepareStatement} or {@code execute}: all of it is constant and parameterised, so the
 * map stays small.
 *
 * <p>An execution that took at least {@link #SLOW_THRESHOLD} (timed with {@code System.nanoTime()}
 * around the call) is also counted as slow, the ground truth for a slow-query log.
 *
 * <p>Concurrency: {@link #record} is called by worker threads; it does a map lookup and bumps a
 * {@link LongAdder}. {@link #snapshot()} may run at any time on any thread. Accuracy: as
 * {@link PoolTruth}; {@code executed} in a snapshot is the sum of its {@code by_sql} values.
 */
public final class StatementTruth {
    /** An execution at least this long is slow; matches the design's critical p99 SQL latency. */
    public static final Duration SLOW_THRESHOLD = Duration.ofSeconds(1);

    private final ConcurrentHashMap<String, LongAdder> bySql = new ConcurrentHashMap<>();
    private final LongAdder errors = new LongAdder();
    private final LongAdder slow = new LongAdder();

    /**
     * One execution of {@code sql} has returned ({@code failed == false}) or thrown, after
     * {@code elapsedNanos}.
     */
    public void record(String sql, boolean failed, long elapsedNanos) {
        bySql.computeIfAbsent(sql, k -> new LongAdder()).increment();
        if (failed) {
            errors.increment();
        }
        if (elapsedNanos >= SLOW_THRESHOLD.toNanos()) {
            slow.increment();
        }
    }

    /** The counts so far, {@code by_sql} sorted by SQL text. */
    public TruthSnapshot.StatementCounts snapshot() {
        Map<String, Long> counts = new TreeMap<>();
        long executed = 0;
        for (Map.Entry<String, LongAdder> e : bySql.entrySet()) {
            long n = e.getValue().sum();
            counts.put(e.getKey(), n);
            executed += n;
        }
        return new TruthSnapshot.StatementCounts(executed, errors.sum(), slow.sum(), SLOW_THRESHOLD.toMillis(), counts);
    }
}
