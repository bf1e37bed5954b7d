package dev.vitals.agent.jdbc;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * When a statement or data source was last used, kept as the {@link System#nanoTime()} reading
 * the hot path already took to time the call, and turned into wall-clock time only when a
 * snapshot asks.
 *
 * <p>Why: reading the wall clock as well cost one more clock read per SQL execution (about 20 ns
 * on the 2-core benchmark machine, where every clock read is a vDSO call); the monotonic reading
 * is already there. Accuracy: to the millisecond; a wall-clock step (NTP) between the call and the
 * snapshot moves the answer with it.
 *
 * <p>Concurrency: written by application threads at most about once per millisecond (fewer
 * writes to a line every thread shares), read by agent threads.
 */
final class LastSeen {

    private static final long NEVER = Long.MIN_VALUE;
    private static final long WRITE_EVERY_NANOS = 1_000_000L;

    private volatile long nanos = NEVER;

    /** A call ended at {@code endNanos} ({@link System#nanoTime()}). */
    void update(long endNanos) {
        long last = nanos;
        if (last == NEVER || endNanos - last >= WRITE_EVERY_NANOS) {
            nanos = endNanos;
        }
    }

    /**
     * ISO-8601 UTC to the millisecond, given the wall clock and {@link System#nanoTime()} read
     * together now; null before the first call.
     */
    String asInstant(Instant wallNow, long nanosNow) {
        long last = nanos;
        return last == NEVER ? null : wallNow.minusNanos(nanosNow - last).truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
