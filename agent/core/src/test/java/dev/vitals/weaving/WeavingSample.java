package dev.vitals.weaving;

import java.sql.SQLException;

/**
 * A class shaped like a driver's statement, with the control flow that makes weaving hard: several
 * returns, loops, a handler of its own, two-slot locals and parameters, a parameter overwritten.
 * {@code WeaverTest} weaves the JDBC statement hooks into it. (Outside {@code dev.vitals.agent},
 * which the weaver never touches.)
 */
public class WeavingSample {

    public int closes;

    public int executeUpdate(String sql) throws SQLException {
        long total = 0;
        for (int i = 0; i < sql.length(); i++) {
            total += sql.charAt(i);
            if (total > 1_000_000) {
                return -2;
            }
        }
        try {
            if (sql.startsWith("fail")) {
                throw new SQLException("failed: " + sql);
            }
            if (sql.startsWith("state")) {
                throw new IllegalStateException(sql);
            }
            sql = sql.trim(); // the exit must still see the argument as it came in
        } catch (IllegalStateException e) {
            return -3;
        }
        return sql.length();
    }

    public long executeLargeUpdate(String sql, long factor, double scale) {
        double product = factor * scale;
        long rows = (long) product;
        while (rows > 100) {
            rows /= 2;
        }
        return rows + sql.length();
    }

    public boolean execute() {
        return closes >= 0;
    }

    public void addBatch(String sql) {
        if (sql.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
    }

    public void close() {
        closes++;
    }

    /** Not a JDBC signature: left alone. */
    public int executeUpdate(int notSql) {
        return notSql;
    }

    /** No method of a JDBC signature at all. */
    public static class Unrelated {
        public int size() {
            return 1;
        }
    }
}
