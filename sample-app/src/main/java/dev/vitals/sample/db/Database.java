package dev.vitals.sample.db;

/**
 * The databases the app can run on, and the few places where their SQL differs.
 *
 * <p>Immutable.
 */
public enum Database {
    /**
     * Embedded H2 (the default, in memory). Its tables are unprefixed: the database belongs to this
     * JVM. The sleep is a Java function of ours that {@link Schema} registers as an alias.
     */
    H2("h2", "", "SLEEP_MS(?)"),
    /**
     * PostgreSQL, which may be shared with other applications and reused between runs: our tables
     * carry a prefix so they cannot collide with anyone else's.
     */
    POSTGRESQL("postgresql", "vitals_sample_", "pg_sleep(? / 1000.0)");

    private final String id;
    private final String tablePrefix;
    private final String sleepMillisCall;

    Database(String id, String tablePrefix, String sleepMillisCall) {
        this.id = id;
        this.tablePrefix = tablePrefix;
        this.sleepMillisCall = sleepMillisCall;
    }

    /** The database for a JDBC URL that the option parser has already accepted. */
    public static Database forUrl(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:") ? POSTGRESQL : H2;
    }

    /** Short name for the truth file: {@code h2} or {@code postgresql}. */
    public String id() {
        return id;
    }

    /** Our table names in this database. */
    public Tables tables() {
        return new Tables(tablePrefix + "customers", tablePrefix + "products", tablePrefix + "orders");
    }

    /**
     * An SQL expression that sleeps inside the database for as many milliseconds as its one
     * parameter (bind a {@code long}), evaluated once per row it appears in.
     */
    public String sleepMillisCall() {
        return sleepMillisCall;
    }
}
