package dev.vitals.sample.db;

import dev.vitals.sample.truth.StatementTruth;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs the app's statements and counts every execution in {@link StatementTruth}. All the app's
 * {@code execute*} calls go through here, so the counts are exact.
 *
 * <p>Only the {@code execute*} call itself is counted and timed (and, if it throws, counted as an
 * error); preparing the statement and reading its rows are not executions.
 *
 * <p>Stateless apart from the shared truth; safe from any thread (each call uses the caller's
 * connection).
 */
public final class StatementRunner {
    private final StatementTruth truth;

    public StatementRunner(StatementTruth truth) {
        this.truth = truth;
    }

    /** Sets a prepared statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Reads a whole result set into a value. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Adds the rows of a batch: sets parameters and calls {@code addBatch()} per row. */
    @FunctionalInterface
    public interface BatchFiller {
        void fill(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    private interface Execution<T> {
        T run() throws SQLException;
    }

    /** Runs a query and reads its result. */
    public <T> T query(Connection c, String sql, Binder binder, Reader<T> reader) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = counted(sql, ps::executeQuery)) {
                return reader.read(rs);
            }
        }
    }

    /** Runs an insert, update or delete; returns the affected row count. */
    public int update(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return counted(sql, ps::executeUpdate);
        }
    }

    /** Runs a batch: one execution, however many rows {@code filler} adds. */
    public int[] batch(Connection c, String sql, BatchFiller filler) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            filler.fill(ps);
            return counted(sql, ps::executeBatch);
        }
    }

    /** Runs a parameterless statement (DDL) through a plain {@link Statement}. */
    public void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            counted(sql, () -> st.execute(sql));
        }
    }

    private <T> T counted(String sql, Execution<T> execution) throws SQLException {
        boolean failed = true;
        long start = System.nanoTime();
        try {
            T result = execution.run();
            failed = false;
            return result;
        } finally {
            truth.record(sql, failed, System.nanoTime() - start);
        }
    }
}
