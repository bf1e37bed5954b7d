package dev.vitals.it.poolapp;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A HikariCP application driven over stdin, one command per line, answering on stdout with one
 * numbered line per command:
 * <ul>
 *   <li>{@code borrow N} — N times: borrow, run {@code SELECT 1}, give back; answers {@code done N}</li>
 *   <li>{@code report} — one JSON line with what the app counted and what its Micrometer registry holds</li>
 *   <li>{@code close} — closes the pool; {@code drop} — forgets it and runs a GC</li>
 *   <li>{@code exit}</li>
 * </ul>
 * Options: {@code --micrometer} gives the pool a Micrometer registry (HikariCP then installs its own
 * Micrometer metrics tracker), {@code --name NAME} names the pool.
 */
public final class PoolApp {

    private static HikariDataSource dataSource;
    private static long borrows;
    private static int answers;

    private PoolApp() {
    }

    public static void main(String[] args) throws Exception {
        boolean micrometer = false;
        String name = "app-pool";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--micrometer")) {
                micrometer = true;
            } else if (args[i].equals("--name")) {
                name = args[++i];
            }
        }
        MeterRegistry registry = micrometer ? new SimpleMeterRegistry() : null;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:pool-app;DB_CLOSE_DELAY=-1");
        config.setPoolName(name);
        config.setMaximumPoolSize(4);
        if (registry != null) {
            config.setMetricRegistry(registry);
        }
        dataSource = new HikariDataSource(config);
        System.out.println("pool-app ready pool=" + name);
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] words = line.trim().split("\\s+");
            switch (words[0]) {
                case "borrow" -> {
                    int n = Integer.parseInt(words[1]);
                    for (int i = 0; i < n; i++) {
                        borrowOnce();
                    }
                    answer("done " + n);
                }
                case "report" -> answer(report(registry, name));
                case "close" -> {
                    dataSource.close();
                    answer("closed");
                }
                case "drop" -> {
                    dataSource = null;
                    System.gc();
                    answer("dropped");
                }
                case "exit" -> System.exit(0);
                default -> answer("unknown " + words[0]);
            }
        }
        // Stdin closed: keep running until killed, as a server would.
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void borrowOnce() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT 1")) {
            borrows++;
            rows.next();
        }
    }

    private static String report(MeterRegistry registry, String pool) {
        StringBuilder json = new StringBuilder("{\"borrows\":").append(borrows);
        if (registry != null) {
            Timer acquire = registry.find("hikaricp.connections.acquire").tag("pool", pool).timer();
            Timer usage = registry.find("hikaricp.connections.usage").tag("pool", pool).timer();
            Counter timeouts = registry.find("hikaricp.connections.timeout").tag("pool", pool).counter();
            json.append(",\"micrometer\":{\"acquire_count\":").append(acquire == null ? -1 : acquire.count())
                    .append(",\"usage_count\":").append(usage == null ? -1 : usage.count())
                    .append(",\"timeouts\":").append(timeouts == null ? -1 : (long) timeouts.count())
                    .append('}');
        }
        return json.append('}').toString();
    }

    /** Answers are numbered ({@code #1 done 5}) so a test can wait for the answer to its own command. */
    private static void answer(String line) {
        System.out.println("#" + (++answers) + " " + line);
        System.out.flush();
    }
}
