package dev.vitals.agent.jdbc;

import dev.vitals.agent.histogram.LatencyHistogram;
import java.util.concurrent.atomic.LongAdder;

/**
 * What Vitals keeps about one statement key: one normalized SQL text on one data source, or the
 * {@code other} / {@code unknown} bucket of a data source.
 *
 * <p>Concurrency: written by application threads (a lock-free histogram, adders, a volatile
 * time), read by agent threads. Memory: one {@link LatencyHistogram} (about 5 KB) and a few
 * adders, fixed; the key strings are shared with the recorder's maps.
 */
final class StatementRecord {

    /** What a record stands for. */
    enum Kind {
        /** One normalized SQL text. */
        STATEMENT("statement"),
        /** Statements past {@code sql.max_statements}, folded together. */
        OTHER("other"),
        /** Executions whose SQL text was never seen (see {@link StatementRecorder}). */
        UNKNOWN("unknown");

        final String apiName;

        Kind(String apiName) {
            this.apiName = apiName;
        }
    }

    final int id;
    final String dataSource;
    final String sql;
    final Kind kind;
    final LatencyHistogram nanos = new LatencyHistogram();
    final LongAdder errors = new LongAdder();
    final LongAdder rows = new LongAdder();
    /** When the last execution ended. */
    final LastSeen lastSeen = new LastSeen();

    StatementRecord(int id, String dataSource, String sql, Kind kind) {
        this.id = id;
        this.dataSource = dataSource;
        this.sql = sql;
        this.kind = kind;
    }

    /** One execution: allocation-free, lock-free. */
    void record(long elapsedNanos, boolean failed, long updateCount, long endNanos) {
        nanos.record(elapsedNanos);
        if (failed) {
            errors.increment();
        } else if (updateCount > 0) {
            rows.add(updateCount);
        }
        lastSeen.update(endNanos);
    }
}
