package dev.vitals.agent.snapshot;

/**
 * One statement key at one moment, as {@code /api/v1/performance/queries} shows it: a normalized
 * SQL text on one data source (snake_case names, durations in seconds).
 *
 * @param sql the normalized SQL ({@code ?} for values, folded lists); for the buckets, a
 *     description in parentheses
 * @param dataSource the HikariCP pool name, or the data source's scrubbed JDBC URL without
 *     parameters ({@code h2:mem:orders}, {@code postgresql://db:5432/shop})
 * @param kind {@code statement}; {@code other} for the statements past {@code sql.max_statements},
 *     folded together; {@code unknown} for executions whose SQL text Vitals never saw (statements
 *     prepared before an attach, or on another thread and evicted)
 * @param calls executions, failed ones included (a batch is one)
 * @param errors executions that threw
 * @param totalTime time spent in the executions, seconds
 * @param avgTime mean execution time, seconds
 * @param p50Time median execution time, seconds (at most 6.25 % above the true value)
 * @param p95Time 95th percentile, seconds
 * @param p99Time 99th percentile, seconds
 * @param maxTime longest execution, seconds
 * @param rows update counts returned, summed (queries and unknown counts add nothing)
 * @param lastSeen when the last execution ended (ISO-8601 UTC)
 */
public record StatementSnapshot(String sql, String dataSource, String kind, long calls, long errors,
        double totalTime, double avgTime, double p50Time, double p95Time, double p99Time, double maxTime,
        long rows, String lastSeen) {
}
