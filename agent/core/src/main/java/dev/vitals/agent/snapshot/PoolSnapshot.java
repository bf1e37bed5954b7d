package dev.vitals.agent.snapshot;

/**
 * One connection pool at one moment, as the API shows it (snake_case names, durations in
 * seconds as in the original API's {@code avg_wait_time: 0.023}).
 *
 * @param poolName the pool's own name
 * @param state {@code active} or {@code closed}
 * @param poolSize connections open now (total)
 * @param maxPoolSize the configured maximum
 * @param minIdle the configured minimum idle
 * @param active connections lent out now
 * @param idle connections waiting in the pool now
 * @param pending threads waiting for a connection now
 * @param connectionsCreated physical connections created since first seen
 * @param borrows borrows that got a connection since first seen
 * @param avgWaitTime mean time waited for a connection, seconds, over every borrow attempt
 *     (those that timed out waited too); null before the first attempt
 * @param p50WaitTime median wait, seconds
 * @param p95WaitTime 95th percentile wait, seconds
 * @param p99WaitTime 99th percentile wait, seconds
 * @param maxWaitTime longest wait, seconds
 * @param avgUsageTime mean time a connection stayed lent out, seconds
 * @param p99UsageTime 99th percentile usage, seconds
 * @param poolExhaustedCount borrows that timed out waiting
 * @param hitRate share of borrow attempts that got a connection ({@code 1 - timeouts / attempts});
 *     null before the first attempt
 * @param connectionTimeout the configured connection timeout, seconds
 * @param jdbcUrl the JDBC URL without credentials, or null when the pool uses a DataSource
 * @param firstSeen when Vitals first saw the pool (ISO-8601 UTC)
 * @param sinceAttach true when the pool existed before Vitals and is measured from first sight
 */
public record PoolSnapshot(String poolName, String state, int poolSize, int maxPoolSize, int minIdle, int active,
        int idle, int pending, long connectionsCreated, long borrows, Double avgWaitTime, Double p50WaitTime,
        Double p95WaitTime, Double p99WaitTime, Double maxWaitTime, Double avgUsageTime, Double p99UsageTime,
        long poolExhaustedCount, Double hitRate, double connectionTimeout, String jdbcUrl, String firstSeen,
        boolean sinceAttach) {
}
