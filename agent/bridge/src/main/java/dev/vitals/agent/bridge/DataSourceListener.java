package dev.vitals.agent.bridge;

/**
 * What advice on {@code javax.sql.DataSource.getConnection} reports. JDK types only: data sources
 * travel as {@link Object}.
 *
 * <p>Every method runs on an application thread: implementations must not block, log or throw,
 * and allocate only on first sight of a thread or a data source. A data source may wrap another
 * (an application's routing or lazy proxy around a pool, a pool around a driver's data source):
 * only the outermost {@code getConnection} on a thread is timed, and it is attributed to the
 * innermost data source, the one that really hands out connections. HikariCP's connection set-up
 * only {@linkplain #delegating() marks} the thread, and HikariCP's data sources do so only once
 * another data source has been used ({@link #poolBorrowing()}): its pool hook already counts
 * those borrows.
 */
public interface DataSourceListener {

    /** Does nothing; installed until the agent starts and again after it detaches. */
    DataSourceListener NONE = new DataSourceListener() {
        @Override
        public long connecting() {
            return 0L;
        }

        @Override
        public void connected(Object dataSource, long start, Throwable thrown) {
        }

        @Override
        public void delegating() {
        }

        @Override
        public void delegated() {
        }

        @Override
        public boolean poolBorrowing() {
            return false;
        }

        @Override
        public void poolBorrowed() {
        }
    };

    /**
     * {@code DataSource.getConnection} begins.
     *
     * @return {@link System#nanoTime()} (never 0) when this is the outermost such call on this
     *     thread, else 0
     */
    long connecting();

    /**
     * The call {@link #connecting()} announced has ended, by returning or by throwing
     * {@code thrown}.
     *
     * @param start what {@link #connecting()} answered
     */
    void connected(Object dataSource, long start, Throwable thrown);

    /** A HikariCP data source or HikariCP's connection set-up begins: what happens inside is the pool's. */
    void delegating();

    /** The call {@link #delegating()} announced has ended. */
    void delegated();

    /**
     * A HikariCP data source's {@code getConnection} begins: on every borrow from a Hikari pool,
     * so it must cost next to nothing while no other data source has been asked for a connection.
     *
     * @return true when the thread was marked as by {@link #delegating()} (then, and only then,
     *     {@link #poolBorrowed()} must follow)
     */
    boolean poolBorrowing();

    /** The call {@link #poolBorrowing()} marked has ended. */
    void poolBorrowed();
}
