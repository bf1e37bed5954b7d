package dev.vitals.agent.snapshot;

/**
 * One data source other than HikariCP's at one moment, as
 * {@code /api/v1/performance/data-sources} shows it: how long {@code getConnection()} took.
 *
 * @param dataSource its scrubbed JDBC URL without parameters, or its class's simple name when it
 *     has no URL property
 * @param type the class of the data source that handed out the connections (the innermost one
 *     when data sources wrap each other)
 * @param connections {@code getConnection()} calls, failed ones included
 * @param errors calls that threw
 * @param avgWaitTime mean time a call took, seconds
 * @param p50WaitTime median, seconds
 * @param p95WaitTime 95th percentile, seconds
 * @param p99WaitTime 99th percentile, seconds
 * @param maxWaitTime longest call, seconds
 * @param firstSeen when Vitals first saw it (ISO-8601 UTC)
 * @param lastSeen when the last call ended (ISO-8601 UTC)
 */
public record DataSourceSnapshot(String dataSource, String type, long connections, long errors, double avgWaitTime,
        double p50WaitTime, double p95WaitTime, double p99WaitTime, double maxWaitTime, String firstSeen,
        String lastSeen) {
}
