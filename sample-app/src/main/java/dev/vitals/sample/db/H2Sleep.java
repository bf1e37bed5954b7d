package dev.vitals.sample.db;

/**
 * The body of H2's {@code SLEEP_MS} alias, so a statement can really take long inside the
 * database. Our own method rather than an alias of {@code Thread.sleep}: since Java 19
 * {@code Thread.sleep(Duration)} exists too, and H2 cannot choose between one-argument overloads.
 *
 * <p>Called by H2 on the thread executing the statement.
 */
public final class H2Sleep {
    private H2Sleep() {
    }

    /** Sleeps {@code millis} and returns it; an interrupt ends the sleep early and is kept. */
    public static long sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return millis;
    }
}
