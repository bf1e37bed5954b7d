package dev.vitals.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A target JVM that uses JDBC in every way the agent must tell apart, with counts fixed in advance
 * (see {@link #mix}). Launched with the test-classes directory and the sample app's jar (for H2 and
 * HikariCP) on its class path; it names neither at compile time.
 *
 * <p>Prints {@code jdbc-app ready pid=<pid>} on stdout, then answers commands on stdin:
 * <ul>
 *   <li>{@code warm}: runs some JDBC on a database of its own ({@code warmup}), so the driver's and
 *       the pool's classes are loaded before an attach; prints {@code warm done};
 *   <li>{@code mix}: runs {@link #mix}, prints {@code mix done executed=<n> errors=<n>};
 *   <li>{@code flood <n> <from>}: executes {@code n} distinct SQL texts, each with a distinct
 *       normalized key ({@code SELECT ? AS c<i>} for i from {@code from}), as plain statements on
 *       one connection; prints {@code flood done <n>};
 *   <li>{@code exit}.
 * </ul>
 *
 * <p>Threading: commands run on {@code main}; the mix uses one more thread for a statement
 * executed where it was not prepared.
 */
public final class JdbcApp {

    public static final String READY = "jdbc-app ready";

    /** The in-memory H2 database the mix runs on. */
    public static final String URL = "jdbc:h2:mem:jdbcapp;DB_CLOSE_DELAY=-1";
    /** The HikariCP pool's name, which the agent labels its statements with. */
    public static final String POOL = "jdbc-app-pool";

    // What mix() does, as the agent should report it (normalized SQL, on URL unless said otherwise).
    public static final String CREATE = "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(?))";
    public static final String INSERT = "INSERT INTO items (id, name) VALUES (?, ?)";
    /** 40 executeUpdate + 5 batches of 10 + 3 failing + 1 plain batch of 2. */
    public static final long INSERT_CALLS = 49;
    public static final long INSERT_ERRORS = 3;
    public static final long INSERT_ROWS = 92;
    public static final String SELECT_NAME = "SELECT name FROM items WHERE id = ?";
    public static final long SELECT_NAME_CALLS = 30;
    public static final String MISSING_TABLE = "SELECT * FROM no_such_table";
    public static final long MISSING_TABLE_CALLS = 7;
    /** On {@link #POOL}. */
    public static final String COUNT = "SELECT COUNT(*) FROM items";
    public static final long COUNT_CALLS = 20;
    /** On {@link #POOL}. */
    public static final String RENAME = "UPDATE items SET name = ? WHERE id = ?";
    public static final long RENAME_CALLS = 10;
    /** Held open together, more than a thread's ring of 16; each executed once: {@code SELECT id AS c<k> …}. */
    public static final int HELD_OPEN = 20;
    /** Prepared on main, executed on another thread: the agent's {@code unknown} entry. */
    public static final long CROSS_THREAD_CALLS = 2;
    public static final long EXECUTED = 1 + INSERT_CALLS + SELECT_NAME_CALLS + MISSING_TABLE_CALLS + COUNT_CALLS
            + RENAME_CALLS + HELD_OPEN + CROSS_THREAD_CALLS;
    public static final long ERRORS = INSERT_ERRORS + MISSING_TABLE_CALLS;
    /** getConnection() on H2's own data source (through the application's wrapper, or directly). */
    public static final long H2_CONNECTIONS = 27;
    /** Of which failed (a wrong password). */
    public static final long H2_CONNECTION_ERRORS = 2;

    private JdbcApp() {
    }

    public static void main(String[] args) throws Exception {
        String password = args.length > 0 ? args[0] : "";
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        out.println(READY + " pid=" + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Connection flood = null;
        for (String line; (line = in.readLine()) != null; ) {
            String[] command = line.trim().split("\\s+");
            switch (command[0]) {
                case "warm" -> {
                    warm();
                    out.println("warm done");
                }
                case "mix" -> {
                    long[] counts = mix(password);
                    out.println("mix done executed=" + counts[0] + " errors=" + counts[1]);
                }
                case "flood" -> {
                    if (flood == null) {
                        flood = h2("jdbc:h2:mem:flood;DB_CLOSE_DELAY=-1", "sa", "").getConnection();
                    }
                    int n = Integer.parseInt(command[1]);
                    int from = Integer.parseInt(command[2]);
                    try (Statement statement = flood.createStatement()) {
                        for (int i = from; i < from + n; i++) {
                            statement.execute("SELECT " + i + " AS c" + i);
                        }
                    }
                    out.println("flood done " + n);
                }
                case "exit" -> System.exit(0);
                default -> out.println("unknown command: " + line);
            }
        }
    }

    private static void warm() throws Exception {
        DataSource h2 = h2("jdbc:h2:mem:warmup;DB_CLOSE_DELAY=-1", "sa", "");
        DataSource pool = hikari("jdbc:h2:mem:warmup;DB_CLOSE_DELAY=-1", "sa", "", "warmup-pool");
        for (DataSource dataSource : List.of(h2, pool)) {
            try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
                    PreparedStatement ps = c.prepareStatement("SELECT ?")) {
                st.execute("SELECT 1");
                ps.setInt(1, 1);
                ps.executeQuery().close();
            }
        }
    }

    /**
     * Runs the mix the constants above describe.
     *
     * @return executions and failed executions, as the application counted them
     */
    static long[] mix(String password) throws Exception {
        long[] counts = new long[2];
        DataSource h2 = h2(URL, "sa", password);
        DataSource wrapper = new WrappingDataSource(h2);
        try (Connection c = wrapper.getConnection()) {
            try (Statement st = c.createStatement()) {
                count(counts, () -> st.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(50))"));
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name) VALUES (?, ?)")) {
                for (int i = 1; i <= 40; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "item " + i);
                    count(counts, ps::executeUpdate);
                }
            }
            try (Statement st = c.createStatement()) {
                for (int i = 1; i <= 30; i++) {
                    int id = i;
                    count(counts, () -> {
                        try (ResultSet rs = st.executeQuery("SELECT name FROM items WHERE id = " + id)) {
                            return rs.next();
                        }
                    });
                }
            }
            try (PreparedStatement ps = c.prepareStatement("insert into items (id, name)\n values (?, ?)")) {
                for (int batch = 0; batch < 5; batch++) {
                    for (int row = 0; row < 10; row++) {
                        ps.setInt(1, 100 + batch * 10 + row);
                        ps.setString(2, "batched");
                        ps.addBatch();
                    }
                    count(counts, ps::executeBatch);
                }
            }
            try (Statement st = c.createStatement()) {
                for (int i = 0; i < 7; i++) {
                    count(counts, () -> st.execute("SELECT * FROM no_such_table"));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (id, name) VALUES (?, ?)")) {
                for (int i = 0; i < 3; i++) {
                    ps.setInt(1, 1);
                    ps.setString(2, "duplicate");
                    count(counts, ps::executeUpdate);
                }
            }
            try (Statement st = c.createStatement()) {
                st.addBatch("INSERT INTO items (id, name) VALUES (1000, 'a')");
                st.addBatch("INSERT INTO items (id, name) VALUES (1001, 'b')");
                count(counts, st::executeBatch);
            }
            List<PreparedStatement> held = new ArrayList<>();
            for (int k = 0; k < HELD_OPEN; k++) {
                held.add(c.prepareStatement("SELECT id AS c" + k + " FROM items WHERE id = ?"));
            }
            for (PreparedStatement ps : held) {
                ps.setInt(1, 1);
                count(counts, () -> {
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next();
                    }
                });
                ps.close();
            }
            PreparedStatement elsewhere = c.prepareStatement("SELECT name FROM items WHERE id = ? AND name IS NOT NULL");
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                for (int i = 0; i < CROSS_THREAD_CALLS; i++) {
                    other.submit(() -> {
                        elsewhere.setInt(1, 1);
                        count(counts, () -> {
                            try (ResultSet rs = elsewhere.executeQuery()) {
                                return rs.next();
                            }
                        });
                        return null;
                    }).get();
                }
            } finally {
                other.shutdown();
                elsewhere.close();
            }
        }
        for (int i = 0; i < 24; i++) {
            wrapper.getConnection().close();
        }
        DataSource wrongPassword = h2(URL, "sa", password + "-wrong");
        for (int i = 0; i < H2_CONNECTION_ERRORS; i++) {
            try {
                wrongPassword.getConnection().close();
                throw new IllegalStateException("a wrong password was accepted");
            } catch (SQLException expected) {
                // Counted by the agent as a failed getConnection.
            }
        }

        DataSource pool = hikari(URL, "sa", password, POOL);
        DataSource pooled = new WrappingDataSource(pool);
        for (int i = 0; i < 10; i++) {
            pooled.getConnection().close(); // a wrapper around a Hikari pool: the pool hook's, not ours
        }
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM items")) {
                for (int i = 0; i < COUNT_CALLS; i++) {
                    count(counts, () -> {
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next();
                        }
                    });
                }
            }
            try (Statement st = c.createStatement()) {
                for (int i = 0; i < RENAME_CALLS; i++) {
                    int id = i + 1;
                    count(counts, () -> st.executeUpdate("UPDATE items SET name = 'renamed' WHERE id = " + id));
                }
            }
        }
        ((AutoCloseable) pool).close();
        return counts;
    }

    @FunctionalInterface
    private interface Execution {
        Object run() throws SQLException;
    }

    /** Runs one execution and counts it, and its failure, as the sample app's ground truth does. */
    private static synchronized void count(long[] counts, Execution execution) {
        counts[0]++;
        try {
            execution.run();
        } catch (SQLException e) {
            counts[1]++;
        }
    }

    /** H2's own data source ({@code org.h2.jdbcx.JdbcDataSource}), made by reflection. */
    private static DataSource h2(String url, String user, String password) throws Exception {
        Object dataSource = Class.forName("org.h2.jdbcx.JdbcDataSource").getConstructor().newInstance();
        set(dataSource, "setURL", url);
        set(dataSource, "setUser", user);
        set(dataSource, "setPassword", password);
        return (DataSource) dataSource;
    }

    /** A started HikariCP pool ({@code com.zaxxer.hikari.HikariDataSource}), made by reflection. */
    private static DataSource hikari(String url, String user, String password, String name) throws Exception {
        Object dataSource = Class.forName("com.zaxxer.hikari.HikariDataSource").getConstructor().newInstance();
        set(dataSource, "setJdbcUrl", url);
        set(dataSource, "setUsername", user);
        set(dataSource, "setPassword", password);
        set(dataSource, "setPoolName", name);
        Method maximumPoolSize = dataSource.getClass().getMethod("setMaximumPoolSize", int.class);
        maximumPoolSize.invoke(dataSource, 2);
        return (DataSource) dataSource;
    }

    private static void set(Object bean, String setter, String value) throws Exception {
        bean.getClass().getMethod(setter, String.class).invoke(bean, value);
    }

    /** The application's own data source wrapper: delegates everything. */
    static final class WrappingDataSource implements DataSource {
        private final DataSource delegate;

        WrappingDataSource(DataSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return delegate.getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return delegate.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return delegate.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return delegate.isWrapperFor(iface);
        }
    }
}
