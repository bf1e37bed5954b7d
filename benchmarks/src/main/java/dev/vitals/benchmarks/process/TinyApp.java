package dev.vitals.benchmarks.process;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The start-up figure's application: the least that touches everything Vitals instruments — one
 * HikariCP pool over H2 in memory, one Caffeine cache, one query — then exits. Prints
 * {@code tiny-app ok peak_rss_kb=N} (the JVM's own {@code VmHWM}, for machines without
 * {@code /usr/bin/time}).
 */
public final class TinyApp {

    private TinyApp() {
    }

    public static void main(String[] args) throws SQLException, IOException {
        Cache<Integer, String> names = Caffeine.newBuilder().maximumSize(100).build();
        HikariConfig config = new HikariConfig();
        config.setPoolName("tiny-pool");
        config.setJdbcUrl("jdbc:h2:mem:tiny");
        config.setMaximumPoolSize(1);
        String name;
        try (HikariDataSource pool = new HikariDataSource(config);
                Connection connection = pool.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT ? || '-tiny'")) {
            select.setString(1, "one");
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                name = rows.getString(1);
            }
        }
        names.put(1, name);
        if (!"one-tiny".equals(names.getIfPresent(1))) {
            throw new IllegalStateException("the cache lost its entry");
        }
        System.out.println("tiny-app ok peak_rss_kb=" + peakRssKb());
        System.exit(0);
    }

    /** {@code VmHWM} from {@code /proc/self/status}: the peak resident set so far, in KiB; -1 off Linux. */
    static long peakRssKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.substring("VmHWM:".length()).replace("kB", "").trim());
            }
        }
        return -1;
    }
}
