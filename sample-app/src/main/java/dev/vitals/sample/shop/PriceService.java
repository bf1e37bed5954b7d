package dev.vitals.sample.shop;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.vitals.sample.db.StatementRunner;
import dev.vitals.sample.db.Tables;
import dev.vitals.sample.db.TrackedPool;
import dev.vitals.sample.truth.CacheTruth;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

/**
 * Product prices, read through the {@link #prices} loading cache.
 *
 * <p>{@code prices} is a {@link LoadingCache} built with {@code build(loader)} and deliberately
 * <em>without</em> {@code recordStats()}: Caffeine keeps no statistics for it, so whatever Vitals
 * reports it had to count itself. Vitals names caches by their creation site, so this field's name
 * is part of the contract with the integration tests.
 *
 * <p>Counting: one {@link #priceCents} is one lookup ({@code prices.get}). It is a miss if the
 * loader ran during that call, else a hit. Caffeine runs a synchronous cache's loader on the
 * calling thread, inside {@code get}, so a per-thread count of loader invocations taken before and
 * after the call tells exactly; a thread that waited while another thread loaded the same key is a
 * hit, which is also how Caffeine's statistics would record it. Every miss is one load.
 *
 * <p>Thread-safe: Caffeine caches are, the per-thread load count is confined to its thread, and the
 * truth only bumps counters.
 */
public final class PriceService {
    /** Entries the cache holds; steady's hot products fit, cache-thrash's key space is 4 times this. */
    public static final int MAXIMUM_SIZE = 500;
    /** Prices change; a cached one is reloaded after this long, which gives steady its rare misses. */
    private static final Duration EXPIRE_AFTER_WRITE = Duration.ofMinutes(1);

    /** Loader invocations by the current thread; compared around {@code get} to tell hits from misses. */
    private static final ThreadLocal<long[]> LOADS_ON_THIS_THREAD = ThreadLocal.withInitial(() -> new long[1]);

    private final LoadingCache<Long, Long> prices;
    private final CacheTruth truth = new CacheTruth("prices", MAXIMUM_SIZE, false);
    private final TrackedPool pool;
    private final StatementRunner sql;
    private final String priceById;
    private final String firstPrices;

    public PriceService(TrackedPool pool, StatementRunner sql, Tables tables) {
        this.pool = pool;
        this.sql = sql;
        this.priceById = "SELECT price_cents FROM " + tables.products() + " WHERE id = ?";
        this.firstPrices = "SELECT id, price_cents FROM " + tables.products() + " WHERE id <= ?";
        this.prices = Caffeine.newBuilder()
                .maximumSize(MAXIMUM_SIZE)
                .expireAfterWrite(EXPIRE_AFTER_WRITE)
                // As in CustomerService: evictions happen, and are counted, on the app's own threads.
                .executor(Runnable::run)
                .evictionListener((Long id, Long price, RemovalCause cause) -> truth.recordEviction())
                .build(this::load);
    }

    /** The price of a product in cents, from the cache or loaded from the database. */
    public long priceCents(long productId) throws SQLException {
        long[] loads = LOADS_ON_THIS_THREAD.get();
        long before = loads[0];
        try {
            Long price = prices.get(productId);
            if (price == null) {
                throw new SQLException("no product with id " + productId);
            }
            return price;
        } catch (CompletionException e) {
            // Caffeine wraps the loader's checked exception; give callers the SQL failure itself.
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            throw e;
        } finally {
            if (loads[0] != before) {
                truth.recordMiss();
            } else {
                truth.recordHit();
            }
        }
    }

    /** The loader: one query on {@code orders-pool}; {@code null} (a failed load) if there is no such product. */
    private Long load(Long productId) throws SQLException {
        LOADS_ON_THIS_THREAD.get()[0]++;
        boolean failed = true;
        try (Connection c = pool.borrow()) {
            Long price = sql.query(c, priceById, ps -> ps.setLong(1, productId),
                    rs -> rs.next() ? rs.getLong(1) : null);
            failed = price == null;
            return price;
        } finally {
            truth.recordLoad(failed);
        }
    }

    /**
     * Fills the cache with the prices of products {@code 1..count} in one query, as an app warms
     * its cache at start-up. Uses {@code put}: no lookup, no load, nothing counted but the query.
     */
    public void warmUp(int count) throws SQLException {
        try (Connection c = pool.borrow()) {
            sql.query(c, firstPrices, ps -> ps.setLong(1, count), rs -> {
                while (rs.next()) {
                    prices.put(rs.getLong(1), rs.getLong(2));
                }
                return null;
            });
        }
    }

    /** Runs pending maintenance, so evictions owed are done and counted before a final snapshot. */
    public void cleanUp() {
        prices.cleanUp();
    }

    public CacheTruth truth() {
        return truth;
    }
}
