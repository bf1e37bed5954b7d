package dev.vitals.agent.snapshot;

/**
 * One statement key's cumulative counts, without percentiles: what the sampler reads for every
 * key each sample (cheap: no histogram copy).
 *
 * @param id the key's stable index in the recorder (keys are never removed)
 * @param dataSource the data source label
 * @param sql the normalized SQL text
 * @param kind {@code statement}, {@code other} or {@code unknown}
 * @param calls executions so far
 * @param errors executions that threw so far
 * @param sumNanos summed execution time so far, nanoseconds
 */
public record StatementCounts(int id, String dataSource, String sql, String kind, long calls, long errors,
        long sumNanos) {
}
