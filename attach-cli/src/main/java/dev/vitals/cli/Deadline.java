package dev.vitals.cli;

import java.time.Duration;

/** A point in time ({@link System#nanoTime()} based) by which a command must be done. Immutable. */
final class Deadline {

    private final long endNanos;
    private final Duration total;

    private Deadline(Duration total) {
        this.total = total;
        this.endNanos = System.nanoTime() + total.toNanos();
    }

    static Deadline in(Duration total) {
        return new Deadline(total);
    }

    /** What the user asked for, for messages ("within 30s"). */
    Duration total() {
        return total;
    }

    /** Time left, never negative. */
    Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    boolean expired() {
        return endNanos - System.nanoTime() <= 0;
    }

    /** Sleeps for {@code pause} or until the deadline, whichever comes first. */
    void pause(Duration pause) {
        long nanos = Math.min(pause.toNanos(), remaining().toNanos());
        if (nanos > 0) {
            try {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailure("interrupted");
            }
        }
    }
}
