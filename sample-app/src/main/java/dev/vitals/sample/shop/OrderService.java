package dev.vitals.sample.shop;

import dev.vitals.sample.db.StatementRunner;
import dev.vitals.sample.db.Tables;
import dev.vitals.sample.db.TrackedPool;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Places and lists orders, on {@code orders-pool}.
 *
 * <p>Thread-safe: every call borrows its own connection and returns it before it returns.
 */
public final class OrderService {
    /** How many orders {@link #recentOrders} returns at most. */
    private static final int RECENT = 10;

    private final TrackedPool pool;
    private final StatementRunner sql;
    private final String insertOrder;
    private final String takeStock;
    private final String recentByCustomer;

    /** An order as listed. */
    public record Order(long id, long productId, int quantity, long amountCents) {
    }

    public OrderService(TrackedPool pool, StatementRunner sql, Tables tables) {
        this.pool = pool;
        this.sql = sql;
        this.insertOrder = "INSERT INTO " + tables.orders()
                + " (customer_id, product_id, quantity, amount_cents, created_at) VALUES (?, ?, ?, ?, ?)";
        this.takeStock = "UPDATE " + tables.products() + " SET stock = stock - ? WHERE id = ?";
        this.recentByCustomer = "SELECT id, product_id, quantity, amount_cents FROM " + tables.orders()
                + " WHERE customer_id = ? ORDER BY id DESC FETCH FIRST " + RECENT + " ROWS ONLY";
    }

    /** Places an order in one short transaction: insert it, take the stock. */
    public void placeOrder(long customerId, long productId, int quantity, long unitPriceCents) throws SQLException {
        try (Connection c = pool.borrow()) {
            inTransaction(c, () -> {
                insert(c, customerId, productId, quantity, unitPriceCents);
                sql.update(c, takeStock, ps -> {
                    ps.setInt(1, quantity);
                    ps.setLong(2, productId);
                });
            });
        }
    }

    /**
     * Places an order the way that starves pools: the transaction stays open, holding its
     * connection, while a slow remote call (a payment provider, simulated by sleeping
     * {@code paymentCall}) completes. The sleep is in the app, not the database: the connection is
     * busy but idle, which is exactly what a pool cannot tell apart from work.
     */
    public void checkoutWithPaymentCall(long customerId, long productId, int quantity, long unitPriceCents,
                                        Duration paymentCall) throws SQLException {
        try (Connection c = pool.borrow()) {
            inTransaction(c, () -> {
                recentOrders(c, customerId);
                insert(c, customerId, productId, quantity, unitPriceCents);
                try {
                    Thread.sleep(paymentCall.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted during the payment call", e);
                }
            });
        }
    }

    /** The customer's latest orders, newest first. */
    public List<Order> recentOrders(long customerId) throws SQLException {
        try (Connection c = pool.borrow()) {
            return recentOrders(c, customerId);
        }
    }

    private List<Order> recentOrders(Connection c, long customerId) throws SQLException {
        return sql.query(c, recentByCustomer, ps -> ps.setLong(1, customerId), rs -> {
            List<Order> orders = new ArrayList<>(RECENT);
            while (rs.next()) {
                orders.add(new Order(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getLong(4)));
            }
            return orders;
        });
    }

    private void insert(Connection c, long customerId, long productId, int quantity, long unitPriceCents)
            throws SQLException {
        sql.update(c, insertOrder, ps -> {
            ps.setLong(1, customerId);
            ps.setLong(2, productId);
            ps.setInt(3, quantity);
            ps.setLong(4, quantity * unitPriceCents);
            ps.setTimestamp(5, Timestamp.from(Instant.now()));
        });
    }

    @FunctionalInterface
    private interface Work {
        void run() throws SQLException;
    }

    /** Runs {@code work} as one transaction on {@code c}: commit if it returns, roll back if it throws. */
    private static void inTransaction(Connection c, Work work) throws SQLException {
        c.setAutoCommit(false);
        try {
            work.run();
            c.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException rollbackFailed) {
                e.addSuppressed(rollbackFailed);
            }
            throw e;
        } finally {
            // Hikari resets auto-commit on return anyway; doing it here keeps the connection sane if it does not.
            c.setAutoCommit(true);
        }
    }
}
