package dev.vitals.benchmarks.hotpath;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 * A plain {@code Statement} with the value written into the SQL, a new text on every call: the
 * path where an agent must normalize the SQL (Vitals, to group executions by statement; the
 * OpenTelemetry agent, to sanitize it for the span) instead of seeing one prepared text.
 *
 * <p>The connection is borrowed once, in set-up, so the figure is the statement path alone
 * ({@link PoolBenchmark} measures the borrow).
 *
 * <p>Threading: one benchmark thread per state ({@link Scope#Thread}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StatementBenchmark {

    private HikariDataSource pool;
    private Connection connection;
    private int nextId;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        pool = BenchmarkDatabase.open("bench-statement");
        connection = pool.getConnection();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        connection.close();
        BenchmarkDatabase.close(pool);
    }

    /** {@code createStatement().executeQuery("SELECT name FROM item WHERE id = " + id)}, read the row. */
    @Benchmark
    public String literalStatement() throws SQLException {
        int id = nextId;
        nextId = id + 1 == BenchmarkDatabase.ROWS ? 0 : id + 1;
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(BenchmarkDatabase.SELECT_BY_LITERAL_ID + id)) {
            return rows.next() ? rows.getString(1) : null;
        }
    }
}
