package dev.vitals.agent.sampling;

import java.util.List;

/**
 * SQL since the agent started, all data sources together, as one sample read it.
 *
 * @param calls statement executions
 * @param errors executions that threw
 * @param totalSeconds summed execution time, seconds
 * @param statements distinct statement keys with executions (normalized SQL per data source,
 *     plus the {@code other}/{@code unknown} buckets)
 * @param slowQueries executions at or over {@code sql.slow_threshold}
 * @param top the statement keys with the most total time, most first, at most
 *     {@link #TOP_STATEMENTS}: the bounded set {@code /metrics} exports per statement
 */
public record SqlTotals(long calls, long errors, double totalSeconds, int statements, long slowQueries,
        List<StatementTotals> top) {

    /** How many statements {@link #top} keeps. */
    public static final int TOP_STATEMENTS = 20;

    public static final SqlTotals NONE = new SqlTotals(0, 0, 0, 0, 0, List.of());

    public SqlTotals {
        top = List.copyOf(top);
    }

    /**
     * One statement key since the agent started.
     *
     * @param dataSource the data source label (pool name, or the data source's)
     * @param sql the normalized SQL text
     * @param kind {@code statement}, {@code other} or {@code unknown}
     * @param calls executions
     * @param errors executions that threw
     * @param totalSeconds summed execution time, seconds
     */
    public record StatementTotals(String dataSource, String sql, String kind, long calls, long errors,
            double totalSeconds) {
    }
}
