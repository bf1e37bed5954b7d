package dev.vitals.benchmarks.hotpath;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The H2 in-memory database and HikariCP pool the JDBC benchmarks run against: one table
 * {@code item(id, name)} of {@link #ROWS} rows.
 */
final class BenchmarkDatabase {

    /** Rows in {@code item}; the benchmarks cycle through ids {@code 0 .. ROWS-1}, so every select finds one row. */
    static final int ROWS = 1_000;

    /** The prepared select of {@link PoolBenchmark#borrowPreparedSelect}. */
    static final String SELECT_BY_ID = "SELECT name FROM item WHERE id = ?";

    /** The literal select of {@link StatementBenchmark#literalStatement}, completed by an id. */
    static final String SELECT_BY_LITERAL_ID = "SELECT name FROM item WHERE id = ";

    /** Connections in the pool: the benchmarks run one thread, so one is used and one is spare. */
    private static final int POOL_SIZE = 2;

    private BenchmarkDatabase() {
    }

    /** A started pool named {@code poolName} over a fresh database of that name, with {@code item} filled. */
    static HikariDataSource open(String poolName) throws SQLException {
        return open(poolName, null);
    }

    /** As {@link #open(String)}, the pool reporting to the application's own {@code trackers} (null: none). */
    static HikariDataSource open(String poolName, MetricsTrackerFactory trackers) throws SQLException {
        HikariConfig config = new HikariConfig();
        if (trackers != null) {
            config.setMetricsTrackerFactory(trackers);
        }
        config.setPoolName(poolName);
        config.setJdbcUrl("jdbc:h2:mem:" + poolName + ";DB_CLOSE_DELAY=-1");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(POOL_SIZE);
        HikariDataSource pool = new HikariDataSource(config);
        try (Connection connection = pool.getConnection(); Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL)");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO item (id, name) VALUES (?, ?)")) {
                for (int id = 0; id < ROWS; id++) {
                    insert.setInt(1, id);
                    insert.setString(2, "item-" + id);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        return pool;
    }

    /** Closes the pool and drops its database. */
    static void close(HikariDataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement ddl = connection.createStatement()) {
            ddl.execute("DROP TABLE item");
        }
        pool.close();
    }
}
