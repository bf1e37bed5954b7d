package dev.vitals.agent.jdbc;

import dev.vitals.agent.histogram.LatencyHistogram;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * What Vitals keeps about one data source label: {@code getConnection()} times and failures.
 *
 * <p>Concurrency: written by application threads (a lock-free histogram, an adder, a volatile
 * {@link LastSeen}), read by agent threads. Memory: one {@link LatencyHistogram} (about 5 KB), fixed.
 */
final class DataSourceRecord {

    final int id;
    final String label;
    final String type;
    final Instant firstSeen;
    final LatencyHistogram nanos = new LatencyHistogram();
    final LongAdder errors = new LongAdder();
    /** When the last call ended. */
    final LastSeen lastSeen = new LastSeen();

    DataSourceRecord(int id, String label, String type, Instant firstSeen) {
        this.id = id;
        this.label = label;
        this.type = type;
        this.firstSeen = firstSeen;
    }

    /** One {@code getConnection()} call: allocation-free, lock-free. */
    void record(long elapsedNanos, boolean failed, long endNanos) {
        nanos.record(elapsedNanos);
        if (failed) {
            errors.increment();
        }
        lastSeen.update(endNanos);
    }
}
