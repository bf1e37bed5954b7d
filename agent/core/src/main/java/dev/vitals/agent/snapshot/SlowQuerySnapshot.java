package dev.vitals.agent.snapshot;

/**
 * One execution that took at least {@code sql.slow_threshold}, as
 * {@code /api/v1/performance/slow-queries} shows it.
 *
 * @param time when it ended (ISO-8601 UTC)
 * @param duration how long it took, seconds
 * @param sql the normalized SQL
 * @param dataSource as in {@link StatementSnapshot#dataSource()}
 * @param thread the name of the thread that ran it
 * @param applicationFrame the first caller outside JDBC, pool, driver, data-access framework and
 *     agent code ({@code com.shop.OrderRepository.find(OrderRepository.java:42)}), or null if the
 *     whole stack was such code
 * @param failed whether it threw
 */
public record SlowQuerySnapshot(String time, double duration, String sql, String dataSource, String thread,
        String applicationFrame, boolean failed) {
}
