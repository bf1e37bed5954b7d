package dev.vitals.benchmarks.hotpath;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * HikariCP's borrow path (Vitals hooks it through the pool's own metrics tracker), alone and
 * around a prepared select on H2 in memory (Vitals also times the statement).
 *
 * <p>Threading: one benchmark thread per state ({@link Scope#Thread}); the pool never runs dry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PoolBenchmark {

    private HikariDataSource pool;
    private int nextId;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        pool = BenchmarkDatabase.open("bench-pool");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        BenchmarkDatabase.close(pool);
    }

    /** {@code getConnection().close()}: the connection goes back to the pool, not to H2. */
    @Benchmark
    public Connection borrowRelease() throws SQLException {
        try (Connection connection = pool.getConnection()) {
            return connection;
        }
    }

    /**
     * {@code getConnection().close()} on a pool whose application gave HikariCP a metrics tracker
     * of its own (as Spring Boot does with Micrometer): the cheapest one, which records nothing.
     * Without an agent, this minus {@link #borrowRelease} is what HikariCP's own metrics cost
     * (its extra clock reads around each borrow and release); with Vitals, its tracker is chained
     * behind the application's.
     */
    @Benchmark
    public Connection borrowReleaseAppTracker(AppTrackerPool appTracker) throws SQLException {
        try (Connection connection = appTracker.pool.getConnection()) {
            return connection;
        }
    }

    /** The pool of {@link #borrowReleaseAppTracker}. */
    @State(Scope.Thread)
    public static class AppTrackerPool {
        HikariDataSource pool;

        @Setup(Level.Trial)
        public void setUp() throws SQLException {
            pool = BenchmarkDatabase.open("bench-pool-app-tracker", (poolName, poolStats) -> new IMetricsTracker() {
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() throws SQLException {
            BenchmarkDatabase.close(pool);
        }
    }

    /** Borrow, prepare, bind, execute, read the one row, release. */
    @Benchmark
    public String borrowPreparedSelect() throws SQLException {
        int id = nextId;
        nextId = id + 1 == BenchmarkDatabase.ROWS ? 0 : id + 1;
        try (Connection connection = pool.getConnection();
                PreparedStatement select = connection.prepareStatement(BenchmarkDatabase.SELECT_BY_ID)) {
            select.setInt(1, id);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
