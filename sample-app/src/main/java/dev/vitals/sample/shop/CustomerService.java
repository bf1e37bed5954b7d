package dev.vitals.sample.shop;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.vitals.sample.db.StatementRunner;
import dev.vitals.sample.db.Tables;
import dev.vitals.sample.db.TrackedPool;
import dev.vitals.sample.truth.CacheTruth;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Looks customers up, cache-aside: the {@link #customers} cache first, the database on a miss.
 *
 * <p>{@code customers} is a plain bounded {@link Cache} built with {@code recordStats()}: the kind
 * of cache whose statistics Caffeine already keeps, so Vitals can read them. Vitals names caches by
 * their creation site, so this field's name is part of the contract with the integration tests.
 *
 * <p>Counting: one {@link #find} is one lookup ({@code getIfPresent}): a hit if it returned a value,
 * a miss if not — exactly what Caffeine's own statistics record for that call. Loading the customer
 * after a miss is a database query, not a cache load ({@code loads} stays 0).
 *
 * <p>Thread-safe: Caffeine caches are, and the truth only bumps counters.
 */
public final class CustomerService {
    /** Entries the cache holds; steady's hot customers fit, cache-thrash's key space is 5 times this. */
    public static final int MAXIMUM_SIZE = 1_000;

    private final Cache<Long, Customer> customers;
    private final CacheTruth truth = new CacheTruth("customers", MAXIMUM_SIZE, true);
    private final TrackedPool pool;
    private final StatementRunner sql;
    private final String findById;
    private final String firstCustomers;

    public CustomerService(TrackedPool pool, StatementRunner sql, Tables tables) {
        this.pool = pool;
        this.sql = sql;
        this.findById = "SELECT id, name, region FROM " + tables.customers() + " WHERE id = ?";
        this.firstCustomers = "SELECT id, name, region FROM " + tables.customers() + " WHERE id <= ?";
        this.customers = Caffeine.newBuilder()
                .maximumSize(MAXIMUM_SIZE)
                .recordStats()
                // Maintenance (and so eviction) runs on the thread that touched the cache rather
                // than ForkJoinPool.commonPool(): evictions are counted by the time a worker moves on.
                .executor(Runnable::run)
                .evictionListener((Long id, Customer c, RemovalCause cause) -> truth.recordEviction())
                .build();
    }

    /** The customer with this id, from the cache or else the database; empty if there is none. */
    public Optional<Customer> find(long id) throws SQLException {
        Customer cached = customers.getIfPresent(id);
        if (cached != null) {
            truth.recordHit();
            return Optional.of(cached);
        }
        truth.recordMiss();
        Customer loaded;
        try (Connection c = pool.borrow()) {
            loaded = sql.query(c, findById, ps -> ps.setLong(1, id),
                    rs -> rs.next() ? new Customer(rs.getLong(1), rs.getString(2), rs.getString(3)) : null);
        }
        if (loaded == null) {
            return Optional.empty();
        }
        customers.put(id, loaded);
        return Optional.of(loaded);
    }

    /**
     * Fills the cache with customers {@code 1..count} in one query, as an app warms its cache at
     * start-up. Uses {@code put}, which is neither a hit nor a miss, so lookup counts start at 0.
     */
    public void warmUp(int count) throws SQLException {
        try (Connection c = pool.borrow()) {
            sql.query(c, firstCustomers, ps -> ps.setLong(1, count), rs -> {
                while (rs.next()) {
                    customers.put(rs.getLong(1), new Customer(rs.getLong(1), rs.getString(2), rs.getString(3)));
                }
                return null;
            });
        }
    }

    /** Runs pending maintenance, so evictions owed are done and counted before a final snapshot. */
    public void cleanUp() {
        customers.cleanUp();
    }

    public CacheTruth truth() {
        return truth;
    }
}
