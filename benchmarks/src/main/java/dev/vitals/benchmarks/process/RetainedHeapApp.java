package dev.vitals.benchmarks.process;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The retained-heap figure's application: opens {@code pools} HikariCP pools and {@code caches}
 * Caffeine caches (used, so an agent has something to track for each), runs {@code statements}
 * distinct SQL texts — distinct after normalization too, each a new column alias — spread over the
 * pools, waits {@code settle-ms} (so an agent's sampler has taken a sample of all this), then
 * runs full GCs and prints {@code retained-heap used_bytes=N}: the heap still used by everything
 * alive. With an agent minus without is what the agent keeps.
 *
 * <pre>java ... RetainedHeapApp [pools] [caches] [statements] [settle-ms]</pre>
 */
public final class RetainedHeapApp {

    /** Entries put in each cache: a small working set, the same with and without an agent. */
    private static final int ENTRIES_PER_CACHE = 100;

    /** Full GCs before reading the heap: the later ones collect what reference processing of the first let go. */
    private static final int FULL_GCS = 3;

    private RetainedHeapApp() {
    }

    public static void main(String[] args) throws SQLException, InterruptedException {
        int poolCount = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int cacheCount = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int statementCount = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        long settleMillis = args.length > 3 ? Long.parseLong(args[3]) : 2_500;

        List<HikariDataSource> pools = new ArrayList<>();
        for (int i = 0; i < poolCount; i++) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("heap-pool-" + i);
            config.setJdbcUrl("jdbc:h2:mem:heap" + i + ";DB_CLOSE_DELAY=-1");
            config.setMaximumPoolSize(2);
            config.setMinimumIdle(1);
            pools.add(new HikariDataSource(config));
        }
        List<Cache<Integer, Integer>> caches = new ArrayList<>();
        for (int i = 0; i < cacheCount; i++) {
            Cache<Integer, Integer> cache = Caffeine.newBuilder().maximumSize(1_000).build();
            for (int key = 0; key < ENTRIES_PER_CACHE; key++) {
                cache.put(key, key);
                cache.getIfPresent(key);
                cache.getIfPresent(-key - 1);
            }
            caches.add(cache);
        }

        long rows = 0;
        List<Connection> connections = new ArrayList<>();
        List<Statement> statements = new ArrayList<>();
        for (HikariDataSource pool : pools) {
            Connection connection = pool.getConnection();
            connections.add(connection);
            statements.add(connection.createStatement());
        }
        for (int i = 0; i < statementCount; i++) {
            try (ResultSet result = statements.get(i % statements.size()).executeQuery("SELECT " + i + " AS c" + i)) {
                rows += result.next() ? 1 : 0;
            }
        }
        for (int i = 0; i < connections.size(); i++) {
            statements.get(i).close();
            connections.get(i).close();
        }
        if (rows != statementCount) {
            throw new IllegalStateException("expected " + statementCount + " rows, read " + rows);
        }

        Thread.sleep(settleMillis);
        for (int i = 0; i < FULL_GCS; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.println("retained-heap used_bytes=" + used);
        // What the figure is about stays alive until the heap was read.
        Reference.reachabilityFence(pools);
        Reference.reachabilityFence(caches);
        for (HikariDataSource pool : pools) {
            pool.close();
        }
        System.exit(0);
    }
}
