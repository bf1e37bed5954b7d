package dev.vitals.agent.jdbc;

import dev.vitals.agent.snapshot.StatementSnapshot;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The orders {@code /api/v1/performance/queries} can list statements in: largest first, ties by SQL. */
public enum QuerySort {
    TOTAL_TIME(Comparator.comparingDouble(StatementSnapshot::totalTime)),
    P99_TIME(Comparator.comparingDouble(StatementSnapshot::p99Time)),
    CALLS(Comparator.comparingLong(StatementSnapshot::calls)),
    ERRORS(Comparator.comparingLong(StatementSnapshot::errors));

    /** The default order: where the database time goes. */
    public static final QuerySort DEFAULT = TOTAL_TIME;

    private final Comparator<StatementSnapshot> order;

    QuerySort(Comparator<StatementSnapshot> ascending) {
        this.order = ascending.reversed()
                .thenComparing(Comparator.comparingLong(StatementSnapshot::calls).reversed())
                .thenComparing(StatementSnapshot::sql)
                .thenComparing(StatementSnapshot::dataSource);
    }

    /** The name used in the API ({@code total_time}). */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Largest first. */
    public Comparator<StatementSnapshot> order() {
        return order;
    }

    /** The value for {@code text} (an API name, exactly), or null. */
    public static QuerySort fromApiName(String text) {
        for (QuerySort sort : values()) {
            if (sort.apiName().equals(text)) {
                return sort;
            }
        }
        return null;
    }

    /** {@code total_time, p99_time, calls, errors}: for messages. */
    public static String apiNames() {
        return Stream.of(values()).map(QuerySort::apiName).collect(Collectors.joining(", "));
    }
}
