package dev.vitals.sample.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vitals.sample.truth.PoolTruth;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * One HikariCP pool whose every {@code getConnection()} the app makes is timed and counted in a
 * {@link PoolTruth}. The app borrows only through {@link #borrow()}, so the counts are exact.
 *
 * <p>Thread-safe: HikariCP's data source is, and the truth only bumps counters.
 */
public final class TrackedPool implements AutoCloseable {
    /**
     * Hikari's floor for both timeouts. Validation must not outlast the borrow that triggered it,
     * so it is capped at the connection timeout.
     */
    private static final Duration MIN_HIKARI_TIMEOUT = Duration.ofMillis(250);
    /** Hikari's default validation timeout, used when the connection timeout allows it. */
    private static final Duration VALIDATION_TIMEOUT = Duration.ofSeconds(5);

    private final HikariDataSource dataSource;
    private final PoolTruth truth;

    private TrackedPool(HikariDataSource dataSource, PoolTruth truth) {
        this.dataSource = dataSource;
        this.truth = truth;
    }

    /**
     * Opens a pool and fills it (HikariCP's fail-fast start: an unreachable database throws here).
     *
     * @param name              the pool's {@code poolName}, the name Vitals reports it under
     * @param settings          where to connect
     * @param maxSize           {@code maximumPoolSize} (and the idle minimum: a fixed-size pool)
     * @param connectionTimeout how long a borrow waits before it throws; at least 250 ms
     */
    public static TrackedPool open(String name, ConnectionSettings settings, int maxSize, Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(settings.jdbcUrl());
        settings.user().ifPresent(config::setUsername);
        settings.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(maxSize);
        Duration timeout = connectionTimeout.compareTo(MIN_HIKARI_TIMEOUT) < 0 ? MIN_HIKARI_TIMEOUT : connectionTimeout;
        config.setConnectionTimeout(timeout.toMillis());
        config.setValidationTimeout(Math.min(VALIDATION_TIMEOUT.toMillis(), timeout.toMillis()));
        // Exposes HikariPoolMXBean, which the agent may read for gauges such as active and idle.
        config.setRegisterMbeans(true);
        return new TrackedPool(new HikariDataSource(config), new PoolTruth(name, maxSize));
    }

    /**
     * Borrows a connection, timing the call with {@link System#nanoTime()}; close it to return it.
     *
     * @throws SQLTransientConnectionException no connection became free within the connection timeout
     */
    public Connection borrow() throws SQLException {
        long start = System.nanoTime();
        try {
            Connection c = dataSource.getConnection();
            truth.recordBorrow(System.nanoTime() - start);
            return c;
        } catch (SQLTransientConnectionException e) {
            truth.recordTimeout(System.nanoTime() - start);
            throw e;
        } catch (SQLException | RuntimeException e) {
            truth.recordError();
            throw e;
        }
    }

    public PoolTruth truth() {
        return truth;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
