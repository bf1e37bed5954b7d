package dev.vitals.agent.bridge;

/**
 * What advice on JDBC {@code Connection} and {@code Statement} implementations reports. JDK
 * types only: connections and statements travel as {@link Object}.
 *
 * <p>Every method runs on an application thread, inside the driver's or the pool's own call:
 * implementations must not block, log or throw, and allocate only on first sight of something
 * (a thread, a connection, an SQL text). Wrappers delegate to wrappers (HikariCP's proxy
 * statement to the driver's), so each {@code *ing()} call is answered with a token saying whether
 * it is the outermost JDBC call on this thread; only the outermost one is counted, and the token
 * goes back, unchanged, to the matching {@code *ed(...)} call, which runs whether the call returned
 * or threw.
 */
public interface StatementListener {

    /** Does nothing; installed until the agent starts and again after it detaches. */
    StatementListener NONE = new StatementListener() {
        @Override
        public boolean creating() {
            return false;
        }

        @Override
        public void created(Object connection, Object statement, String sql, boolean outermost, Throwable thrown) {
        }

        @Override
        public long executing() {
            return 0L;
        }

        @Override
        public void executed(Object statement, String sql, long start, Throwable thrown, long rows) {
        }

        @Override
        public void executedBatch(Object statement, long start, Throwable thrown, Object updateCounts) {
        }

        @Override
        public void batchAdded(Object statement, String sql) {
        }

        @Override
        public void closed(Object statement) {
        }
    };

    /**
     * {@code Connection.prepareStatement}, {@code prepareCall} or {@code createStatement} begins.
     *
     * @return true when this is the outermost JDBC call on this thread
     */
    boolean creating();

    /**
     * The call {@link #creating()} announced has ended.
     *
     * @param connection the connection it was called on
     * @param statement what it returned; null when it threw
     * @param sql the SQL text given to {@code prepare*}; null for {@code createStatement}
     * @param outermost what {@link #creating()} answered
     * @param thrown what it threw, or null
     */
    void created(Object connection, Object statement, String sql, boolean outermost, Throwable thrown);

    /**
     * A {@code Statement.execute*} call begins.
     *
     * @return {@link System#nanoTime()} (never 0) when this is the outermost JDBC call on this
     *     thread, else 0
     */
    long executing();

    /**
     * The call {@link #executing()} announced has ended.
     *
     * @param statement the statement it was called on
     * @param sql the SQL text passed to it ({@code execute(String)}), or null ({@code PreparedStatement.execute()})
     * @param start what {@link #executing()} answered
     * @param thrown what it threw, or null
     * @param rows the update count it returned, or -1 when it returns none ({@code executeQuery}, {@code execute})
     */
    void executed(Object statement, String sql, long start, Throwable thrown, long rows);

    /**
     * An {@code executeBatch} or {@code executeLargeBatch} call announced by {@link #executing()}
     * has ended.
     *
     * @param updateCounts the {@code int[]} or {@code long[]} it returned; null when it threw
     */
    void executedBatch(Object statement, long start, Throwable thrown, Object updateCounts);

    /** {@code Statement.addBatch(sql)} was called: how a plain statement's batch gets its SQL. */
    void batchAdded(Object statement, String sql);

    /** {@code Statement.close()} was called. */
    void closed(Object statement);
}
