package dev.vitals.sample.shop;

import dev.vitals.sample.db.Database;
import dev.vitals.sample.db.StatementRunner;
import dev.vitals.sample.db.TrackedPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The revenue report: one query that really takes long inside the database, on its own pool
 * ({@code reports-pool}) as reporting often is, so a slow report does not take an order's connection.
 *
 * <p>The query stands for a report over a big table; the database sleeps for the requested time
 * once per execution (the sleep sits in the select list of an aggregate without {@code GROUP BY},
 * which yields exactly one row), then aggregates the real orders.
 *
 * <p>Thread-safe: every call borrows its own connection.
 */
public final class ReportService {
    private final TrackedPool pool;
    private final StatementRunner sql;
    private final String revenueReport;

    /** The report's figures. */
    public record Revenue(long orders, long revenueCents) {
    }

    public ReportService(TrackedPool pool, StatementRunner sql, Database database) {
        this.pool = pool;
        this.sql = sql;
        this.revenueReport = "SELECT " + database.sleepMillisCall() + " AS paused, COUNT(*) AS orders, "
                + "SUM(amount_cents) AS revenue_cents FROM " + database.tables().orders();
    }

    /** Runs the report; the statement takes at least {@code databaseTime}. */
    public Revenue revenue(Duration databaseTime) throws SQLException {
        try (Connection c = pool.borrow()) {
            return sql.query(c, revenueReport, ps -> ps.setLong(1, databaseTime.toMillis()), rs -> {
                rs.next();
                return new Revenue(rs.getLong(2), rs.getLong(3));
            });
        }
    }
}
