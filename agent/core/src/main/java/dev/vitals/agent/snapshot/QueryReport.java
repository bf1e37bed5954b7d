package dev.vitals.agent.snapshot;

import java.util.List;

/**
 * The statements Vitals has seen, at one moment: the top of the list in the requested order, and
 * totals over all of them.
 *
 * @param queries the requested page, largest first
 * @param totalStatements statement keys tracked, including the {@code other} and {@code unknown}
 *     buckets (what {@code queries} would hold with no limit)
 * @param totalCalls executions seen, over every key: the sum of {@code calls} with no limit
 * @param otherCalls executions folded into {@code other} buckets because {@code sql.max_statements}
 *     keys were already tracked
 */
public record QueryReport(List<StatementSnapshot> queries, int totalStatements, long totalCalls, long otherCalls) {
}
