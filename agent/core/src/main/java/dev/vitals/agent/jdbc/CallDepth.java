package dev.vitals.agent.jdbc;

import java.util.function.LongSupplier;

/**
 * The per-thread call-depth guard shared by the JDBC recorders: wrappers delegate to wrappers
 * (HikariCP's proxy → the driver's statement, a DataSource around a DataSource), and only the
 * outermost call is timed and counted. The depth lives in a slot of the caller's per-thread
 * {@code long[]} (JDK types only: see {@link StatementRecorder}).
 *
 * <p>Overhead: array reads and writes only; one clock read for an outermost call.
 */
final class CallDepth {

    private CallDepth() {
    }

    /**
     * Enters a call: its start time if it is the outermost, else 0 (a real reading of 0 is
     * returned as 1 so that 0 can mean "nested").
     */
    static long enter(long[] numbers, int depth, LongSupplier nanoTime) {
        if (++numbers[depth] != 1) {
            return 0L;
        }
        long now = nanoTime.getAsLong();
        return now == 0L ? 1L : now;
    }

    /** Leaves a call; never below zero (a call entered before an attach leaves after it). */
    static void leave(long[] numbers, int depth) {
        if (numbers[depth] > 0) {
            numbers[depth]--;
        }
    }
}
