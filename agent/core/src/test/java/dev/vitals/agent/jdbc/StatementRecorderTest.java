package dev.vitals.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.example.orders.OrderRepository;
import com.zaxxer.hikari.pool.FakeProxyConnection;
import com.zaxxer.hikari.pool.FakeProxyStatement;
import dev.vitals.agent.histogram.LatencyHistogram;
import dev.vitals.agent.snapshot.QueryReport;
import dev.vitals.agent.snapshot.SlowQuerySnapshot;
import dev.vitals.agent.snapshot.StatementSnapshot;
import java.lang.ref.WeakReference;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatementRecorderTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final String H2_URL = "jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1;PASSWORD=hunter2";

    /** The fake monotonic clock executions are timed with, advanced by the tests. */
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final ExecutorService otherThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopOtherThread() {
        otherThread.shutdownNow();
    }

    private StatementRecorder recorder(int maxStatements) {
        return new StatementRecorder(maxStatements, Duration.ofSeconds(1), clock, nanos::get);
    }

    // ---- what the advice does, one level deep ----

    private static void prepare(StatementRecorder recorder, Object connection, Object statement, String sql) {
        boolean outermost = recorder.creating();
        recorder.created(connection, statement, sql, outermost, null);
    }

    private static void create(StatementRecorder recorder, Object connection, Object statement) {
        boolean outermost = recorder.creating();
        recorder.created(connection, statement, null, outermost, null);
    }

    private void execute(StatementRecorder recorder, Object statement, String sql, long millis, Throwable thrown,
            long rows) {
        long start = recorder.executing();
        nanos.addAndGet(Duration.ofMillis(millis).toNanos());
        recorder.executed(statement, sql, start, thrown, rows);
    }

    private void batch(StatementRecorder recorder, Object statement, long millis, Object updateCounts) {
        long start = recorder.executing();
        nanos.addAndGet(Duration.ofMillis(millis).toNanos());
        recorder.executedBatch(statement, start, null, updateCounts);
    }

    private static StatementSnapshot entry(StatementRecorder recorder, String sql) {
        return recorder.snapshot().stream().filter(e -> e.sql().equals(sql)).findFirst()
                .orElseThrow(() -> new AssertionError(sql + " not in " + recorder.snapshot()));
    }

    private static long totalCalls(StatementRecorder recorder) {
        return recorder.snapshot().stream().mapToLong(StatementSnapshot::calls).sum();
    }

    @Test
    void countsEveryExecutionUnderItsNormalizedSqlExactly() {
        StatementRecorder recorder = recorder(1000);
        Connection connection = FakeJdbc.connection(H2_URL);
        PreparedStatement prepared = FakeJdbc.statement(connection);
        Statement plain = FakeJdbc.statement(connection);
        PreparedStatement update = FakeJdbc.statement(connection);
        prepare(recorder, connection, prepared, "select * from orders where id = ?");
        create(recorder, connection, plain);
        prepare(recorder, connection, update, "UPDATE orders SET state = ? WHERE customer_id = ?");

        execute(recorder, prepared, null, 10, null, -1);
        execute(recorder, prepared, null, 20, null, -1);
        execute(recorder, prepared, null, 30, null, -1);
        execute(recorder, prepared, null, 5, new SQLException("deadlock"), -1);
        execute(recorder, plain, "SELECT * FROM orders WHERE id = 42", 1, null, -1);
        execute(recorder, plain, "SELECT *\n  FROM orders WHERE id = 7 -- again", 1, null, -1);
        execute(recorder, update, null, 2, null, 3);
        execute(recorder, update, null, 2, null, 4);
        execute(recorder, update, null, 2, new SQLException("constraint"), 0);

        StatementSnapshot select = entry(recorder, "SELECT * FROM orders WHERE id = ?");
        assertThat(select.calls()).isEqualTo(6);
        assertThat(select.errors()).isEqualTo(1);
        assertThat(select.totalTime()).isEqualTo(0.067);
        assertThat(select.maxTime()).isEqualTo(0.030);
        assertThat(select.rows()).isZero();
        assertThat(select.dataSource()).isEqualTo("h2:mem:shop");
        assertThat(select.kind()).isEqualTo("statement");
        // The fixed wall clock says NOW; the three update executions (6 ms) ended after the last select.
        assertThat(select.lastSeen()).isEqualTo(NOW.minusMillis(6).toString());
        StatementSnapshot updates = entry(recorder, "UPDATE orders SET state = ? WHERE customer_id = ?");
        assertThat(updates.calls()).isEqualTo(3);
        assertThat(updates.errors()).isEqualTo(1);
        assertThat(updates.rows()).isEqualTo(7);
        assertThat(recorder.snapshot()).hasSize(2);
        assertThat(recorder.unattributed()).isZero();
    }

    @Test
    void wrappersAreCountedOnceAndNamedAfterTheDriversConnectionWithoutCredentials() {
        StatementRecorder recorder = recorder(1000);
        Connection driver = FakeJdbc.connection("jdbc:postgresql://app:s3cret@db.internal:5432/shop?password=s3cret");
        Connection wrapper = FakeJdbc.connection("jdbc:wrapper:whatever");
        PreparedStatement driverStatement = FakeJdbc.statement(driver);
        PreparedStatement wrapperStatement = FakeJdbc.statement(wrapper);

        for (int i = 0; i < 3; i++) {
            // wrapper.prepareStatement(sql) calls driver.prepareStatement(sql): innermost returns first
            boolean outer = recorder.creating();
            boolean inner = recorder.creating();
            recorder.created(driver, driverStatement, "SELECT 1", inner, null);
            recorder.created(wrapper, wrapperStatement, "SELECT 1", outer, null);
            long outerStart = recorder.executing();
            long innerStart = recorder.executing();
            nanos.addAndGet(1_000_000);
            recorder.executed(driverStatement, null, innerStart, null, -1);
            recorder.executed(wrapperStatement, null, outerStart, null, -1);
            assertThat(innerStart).isZero();
        }

        assertThat(recorder.snapshot()).singleElement().satisfies(e -> {
            assertThat(e.sql()).isEqualTo("SELECT ?");
            assertThat(e.calls()).isEqualTo(3);
            assertThat(e.dataSource()).isEqualTo("postgresql://db.internal:5432/shop");
        });
        assertThat(recorder.snapshot().toString()).doesNotContain("s3cret");
    }

    @Test
    void aPooledConnectionIsNamedAfterItsPoolEvenIfThePoolUsedItFirst() {
        StatementRecorder recorder = recorder(1000);
        Connection driver = FakeJdbc.connection("jdbc:postgresql://db:5432/shop");
        Object proxy = new FakeProxyConnection("orders-pool");
        Statement validation = FakeJdbc.statement(driver);
        PreparedStatement driverStatement = FakeJdbc.statement(driver);
        PreparedStatement proxyStatement = FakeJdbc.statement(driver);
        // The pool validates the connection: the driver creates a statement on it, no proxy involved.
        create(recorder, driver, validation);
        execute(recorder, validation, "", 1, null, -1);

        for (int i = 0; i < 2; i++) {
            boolean outer = recorder.creating();
            boolean inner = recorder.creating();
            recorder.created(driver, driverStatement, "SELECT 1", inner, null);
            recorder.created(proxy, proxyStatement, "SELECT 1", outer, null);
            execute(recorder, proxyStatement, null, 1, null, -1);
        }

        assertThat(recorder.snapshot()).extracting(StatementSnapshot::sql, StatementSnapshot::dataSource,
                StatementSnapshot::calls).containsExactlyInAnyOrder(
                        tuple("", "postgresql://db:5432/shop", 1L),
                        tuple("SELECT ?", "orders-pool", 2L));
    }

    @Test
    void throughAHikariProxyTheDriversStatementIsTheOneRemembered() {
        StatementRecorder recorder = recorder(1000);
        Connection driver = FakeJdbc.connection("jdbc:postgresql://db:5432/shop");
        Object proxy = new FakeProxyConnection("orders-pool");
        PreparedStatement driverStatement = FakeJdbc.statement(driver);
        PreparedStatement internal = FakeJdbc.statement(driver);
        Object proxyStatement = new FakeProxyStatement();

        for (int i = 0; i < 3; i++) {
            // HikariProxyConnection's method calls ProxyConnection's, which calls the driver's.
            boolean outer = recorder.creating();
            boolean superCall = recorder.creating();
            boolean inner = recorder.creating();
            // The driver prepares something of its own first, nested deeper (pgjdbc does for some calls).
            boolean internalCall = recorder.creating();
            recorder.created(driver, internal, "SET search_path TO shop", internalCall, null);
            recorder.created(driver, driverStatement, "SELECT name FROM item WHERE id = 7", inner, null);
            recorder.created(proxy, proxyStatement, "SELECT name FROM item WHERE id = 7", superCall, null);
            recorder.created(proxy, proxyStatement, "SELECT name FROM item WHERE id = 7", outer, null);
            // HikariCP's statement proxy is not instrumented: only the driver's statement reports.
            execute(recorder, driverStatement, null, 2, null, -1);
            recorder.closed(driverStatement);
        }

        assertThat(recorder.snapshot()).singleElement().satisfies(e -> {
            assertThat(e.sql()).isEqualTo("SELECT name FROM item WHERE id = ?");
            assertThat(e.dataSource()).isEqualTo("orders-pool");
            assertThat(e.calls()).isEqualTo(3);
        });
        assertThat(recorder.unattributed()).isZero();
    }

    @Test
    void aHikariProxyWithNoInstrumentedStatementInsideIsNotHeld() throws InterruptedException {
        StatementRecorder recorder = recorder(1000);
        Object proxy = new FakeProxyConnection("orders-pool");
        Object proxyStatement = new FakeProxyStatement();
        WeakReference<Object> released = new WeakReference<>(proxyStatement);
        // The driver's classes were not transformed: HikariCP's own calls are the only ones seen,
        // HikariProxyConnection's around ProxyConnection's, both returning the proxy.
        boolean outer = recorder.creating();
        boolean inner = recorder.creating();
        recorder.created(proxy, proxyStatement, "SELECT 1", inner, null);
        recorder.created(proxy, proxyStatement, "SELECT 1", outer, null);
        proxyStatement = null;

        // Held in this thread's ring it would keep its connection, and so its pool, reachable.
        for (int i = 0; i < 50 && released.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(released.get()).isNull();
    }

    @Test
    void statementsPastTheBoundFoldIntoTheirDataSourcesOtherEntry() {
        StatementRecorder recorder = recorder(10);
        Connection connection = FakeJdbc.connection(H2_URL);
        Statement plain = FakeJdbc.statement(connection);
        create(recorder, connection, plain);

        for (int table = 0; table < 15; table++) {
            for (int call = 0; call <= table; call++) {
                execute(recorder, plain, "SELECT * FROM t" + table + " WHERE id = " + call, 1, null, -1);
            }
        }

        QueryReport report = recorder.queries(QuerySort.CALLS, 1000);
        assertThat(report.totalStatements()).isEqualTo(11);
        assertThat(report.totalCalls()).isEqualTo(120);
        assertThat(report.otherCalls()).isEqualTo(11 + 12 + 13 + 14 + 15);
        assertThat(report.queries().get(0)).satisfies(other -> {
            assertThat(other.sql()).isEqualTo(StatementRecorder.OTHER_SQL);
            assertThat(other.kind()).isEqualTo("other");
            assertThat(other.calls()).isEqualTo(65);
            assertThat(other.dataSource()).isEqualTo("h2:mem:shop");
        });
        assertThat(report.queries()).filteredOn(e -> e.kind().equals("statement"))
                .extracting(StatementSnapshot::sql)
                .containsExactlyInAnyOrder("SELECT * FROM t0 WHERE id = ?", "SELECT * FROM t1 WHERE id = ?",
                        "SELECT * FROM t2 WHERE id = ?", "SELECT * FROM t3 WHERE id = ?", "SELECT * FROM t4 WHERE id = ?",
                        "SELECT * FROM t5 WHERE id = ?", "SELECT * FROM t6 WHERE id = ?", "SELECT * FROM t7 WHERE id = ?",
                        "SELECT * FROM t8 WHERE id = ?", "SELECT * FROM t9 WHERE id = ?");
    }

    @Test
    void memoryStaysBoundedWhateverTheNumberOfDistinctSqlTexts() {
        int distinct = 1_000_000;
        StatementRecorder recorder = recorder(1000);
        Connection connection = FakeJdbc.connection(H2_URL);
        Statement plain = FakeJdbc.statement(connection);
        create(recorder, connection, plain);

        for (int i = 0; i < distinct; i++) {
            // Every text differs, and so does every normalized key (the column name).
            long start = recorder.executing();
            recorder.executed(plain, "SELECT c" + i + " FROM wide_table WHERE id = " + i, start, null, -1);
        }

        assertThat(recorder.statementKeys()).isEqualTo(1000);
        assertThat(recorder.records()).isEqualTo(1001); // the keys and one other entry
        assertThat(recorder.rawCacheSize()).isLessThanOrEqualTo(StatementRecorder.RAW_CACHE_ENTRIES);
        assertThat(recorder.rawCacheChars()).isLessThanOrEqualTo(StatementRecorder.RAW_CACHE_CHARS);
        assertThat(recorder.rawCacheResets()).isGreaterThanOrEqualTo(distinct / StatementRecorder.RAW_CACHE_ENTRIES - 1);
        QueryReport report = recorder.queries(QuerySort.CALLS, 1000);
        assertThat(report.totalCalls()).isEqualTo(distinct);
        assertThat(report.otherCalls()).isEqualTo(distinct - 1000);
        // What the recorder can hold at most, in bytes: each record's histogram and key (2 bytes a
        // char at worst), and the raw-text cache at its bounds (each entry a node, two strings).
        long recordBytes = recorder.records() * (LatencyHistogram.FOOTPRINT_BYTES + 2L * SqlNormalizer.MAX_LENGTH_CHARS + 256);
        long cacheBytes = StatementRecorder.RAW_CACHE_ENTRIES * 200L + 2 * StatementRecorder.RAW_CACHE_CHARS * 2;
        assertThat(recordBytes + cacheBytes).isLessThan(40L << 20);
    }

    @Test
    void slowExecutionsAreLoggedNewestFirstWithTheirApplicationFrameAndTheLogKeepsTheLast200() {
        StatementRecorder recorder = recorder(1000);
        Connection connection = FakeJdbc.connection(H2_URL);
        PreparedStatement report = FakeJdbc.statement(connection);
        prepare(recorder, connection, report, "SELECT SLEEP_MS(?) AS paused, COUNT(*) FROM orders");

        OrderRepository.findRecent(() -> execute(recorder, report, null, 999, null, -1));
        for (int i = 0; i < 250; i++) {
            int extra = i;
            OrderRepository.findRecent(() -> execute(recorder, report, null, 1000 + extra, null, -1));
        }
        execute(recorder, report, null, 1500, new SQLException("canceled"), -1);

        List<SlowQuerySnapshot> slow = recorder.slowQueries(SlowQueryLog.CAPACITY);
        assertThat(recorder.slowTotal()).isEqualTo(251);
        assertThat(slow).hasSize(200);
        assertThat(slow.get(0).failed()).isTrue();
        assertThat(slow.get(1)).satisfies(newest -> {
            assertThat(newest.duration()).isEqualTo(1.249);
            assertThat(newest.sql()).isEqualTo("SELECT SLEEP_MS(?) AS paused, COUNT(*) FROM orders");
            assertThat(newest.dataSource()).isEqualTo("h2:mem:shop");
            assertThat(newest.thread()).isEqualTo(Thread.currentThread().getName());
            assertThat(newest.applicationFrame()).startsWith("com.example.orders.OrderRepository.findRecent(OrderRepository.java:");
            assertThat(newest.time()).isEqualTo(NOW.toString());
            assertThat(newest.failed()).isFalse();
        });
        assertThat(slow.get(199).duration()).isEqualTo(1.051);
        assertThat(recorder.slowQueries(5)).hasSize(5);
        assertThat(recorder.slowThresholdSeconds()).isEqualTo(1.0);
    }

    @Test
    void statementsPushedOutOfTheRingAreStillAttributed() {
        StatementRecorder recorder = recorder(1000);
        Connection connection = FakeJdbc.connection(H2_URL);
        List<PreparedStatement> open = new ArrayList<>();
        for (int i = 0; i < StatementRecorder.RING + 4; i++) {
            PreparedStatement statement = FakeJdbc.statement(connection);
            prepare(recorder, connection, statement, "SELECT ? FROM t" + i);
            open.add(statement);
        }
        for (PreparedStatement statement : open) {
            execute(recorder, statement, null, 1, null, -1);
        }

        assertThat(recorder.evictions()).isEqualTo(4);
        assertThat(recorder.unattributed()).isZero();
        assertThat(recorder.snapshot()).hasSize(StatementRecorder.RING + 4)
                .allSatisfy(e -> assertThat(e.calls()).isEqualTo(1))
                .allSatisfy(e -> assertThat(e.kind()).isEqualTo("statement"));
    }

    @Test
    void closedStatementsFreeTheirSlot() {
        StatementRecorder recorder = recorder(1000);
        Connection connection = FakeJdbc.connection(H2_URL);
        for (int i = 0; i < 100; i++) {
            PreparedStatement statement = FakeJdbc.statement(connection);
            prepare(recorder, connection, statement, "SELECT ? FROM t");
            execute(recorder, statement, null, 1, null, -1);
            recorder.closed(statement);
        }

        assertThat(recorder.evictions()).isZero();
        assertThat(entry(recorder, "SELECT ? FROM t").calls()).isEqualTo(100);
    }

    @Test
    void aStatementCreatedOnAnotherThreadIsCountedUnderItsDataSourcesUnknownEntry() throws Exception {
        StatementRecorder recorder = recorder(1000);
        Connection connection = FakeJdbc.connection(H2_URL);
        PreparedStatement prepared = FakeJdbc.statement(connection);
        Statement plain = FakeJdbc.statement(connection);
        otherThread.submit(() -> {
            prepare(recorder, connection, prepared, "SELECT name FROM customers WHERE id = ?");
            create(recorder, connection, plain);
        }).get();

        execute(recorder, prepared, null, 1, null, -1);
        execute(recorder, plain, "DELETE FROM carts WHERE id = 9", 1, null, 1);

        assertThat(recorder.unattributed()).isEqualTo(2);
        assertThat(recorder.snapshot()).extracting(StatementSnapshot::sql, StatementSnapshot::kind,
                StatementSnapshot::dataSource, StatementSnapshot::calls).containsExactlyInAnyOrder(
                        tuple(StatementRecorder.UNKNOWN_SQL, "unknown", "h2:mem:shop", 1L),
                        tuple("DELETE FROM carts WHERE id = ?", "statement", "h2:mem:shop", 1L));
    }

    @Test
    void aPlainStatementsBatchIsNamedAfterItsFirstSqlAndRowsAreSummed() {
        StatementRecorder recorder = recorder(1000);
        Connection connection = FakeJdbc.connection(H2_URL);
        Statement plain = FakeJdbc.statement(connection);
        PreparedStatement prepared = FakeJdbc.statement(connection);
        create(recorder, connection, plain);
        prepare(recorder, connection, prepared, "INSERT INTO t VALUES (?)");

        recorder.batchAdded(plain, "INSERT INTO t VALUES (1)");
        recorder.batchAdded(plain, "INSERT INTO u VALUES (2)");
        batch(recorder, plain, 1, new int[] {1, 1, Statement.SUCCESS_NO_INFO});
        recorder.batchAdded(plain, "DELETE FROM t");
        batch(recorder, plain, 1, new int[] {2});
        batch(recorder, prepared, 1, new long[] {2, 3});

        assertThat(entry(recorder, "INSERT INTO t VALUES (?)").calls()).isEqualTo(2);
        assertThat(entry(recorder, "INSERT INTO t VALUES (?)").rows()).isEqualTo(7);
        assertThat(entry(recorder, "DELETE FROM t").calls()).isEqualTo(1);
        assertThat(entry(recorder, "DELETE FROM t").rows()).isEqualTo(2);
        assertThat(recorder.snapshot()).hasSize(2);
    }

    @Test
    void anExitWithoutItsEntryNeverLeavesTheThreadNested() {
        StatementRecorder recorder = recorder(1000);
        Connection connection = FakeJdbc.connection(H2_URL);
        Statement plain = FakeJdbc.statement(connection);
        create(recorder, connection, plain);

        // An enter that was suppressed, or ran on the no-op listener before the recorder was installed.
        recorder.executed(plain, "SELECT 1", 0L, null, -1);
        recorder.executed(plain, "SELECT 1", 0L, null, -1);
        execute(recorder, plain, "SELECT 2", 1, null, -1);

        assertThat(entry(recorder, "SELECT ?").calls()).isEqualTo(1);
    }

    @Test
    void aStatementThatWasNeverExecutedIsNotListed() {
        StatementRecorder recorder = recorder(1000);
        Connection connection = FakeJdbc.connection(H2_URL);
        prepare(recorder, connection, FakeJdbc.statement(connection), "SELECT 1");

        assertThat(recorder.snapshot()).isEmpty();
        assertThat(recorder.queries(QuerySort.DEFAULT, 50).totalCalls()).isZero();
    }

    @Test
    void queriesAreSortedLargestFirstAndLimited() {
        StatementRecorder recorder = recorder(1000);
        Connection connection = FakeJdbc.connection(H2_URL);
        Statement plain = FakeJdbc.statement(connection);
        create(recorder, connection, plain);
        for (int i = 0; i < 5; i++) {
            execute(recorder, plain, "SELECT * FROM many_fast", 1, null, -1);
        }
        execute(recorder, plain, "SELECT * FROM one_slow", 50, null, -1);
        execute(recorder, plain, "SELECT * FROM failing", 2, new SQLException(), -1);
        execute(recorder, plain, "SELECT * FROM failing", 2, new SQLException(), -1);

        assertThat(recorder.queries(QuerySort.TOTAL_TIME, 10).queries()).extracting(StatementSnapshot::sql)
                .containsExactly("SELECT * FROM one_slow", "SELECT * FROM many_fast", "SELECT * FROM failing");
        assertThat(recorder.queries(QuerySort.CALLS, 10).queries()).extracting(StatementSnapshot::sql)
                .containsExactly("SELECT * FROM many_fast", "SELECT * FROM failing", "SELECT * FROM one_slow");
        assertThat(recorder.queries(QuerySort.ERRORS, 1).queries()).extracting(StatementSnapshot::sql)
                .containsExactly("SELECT * FROM failing");
        assertThat(recorder.queries(QuerySort.P99_TIME, 2).queries()).extracting(StatementSnapshot::sql)
                .containsExactly("SELECT * FROM one_slow", "SELECT * FROM failing");
        assertThat(recorder.queries(QuerySort.P99_TIME, 2).totalStatements()).isEqualTo(3);
    }

    @Test
    void unknownDataSourcesPastTheBoundShareOneLabel() {
        StatementRecorder recorder = recorder(1000);
        for (int i = 0; i < StatementRecorder.MAX_DATA_SOURCES + 5; i++) {
            Connection connection = FakeJdbc.connection("jdbc:h2:mem:db" + i);
            Statement plain = FakeJdbc.statement(connection);
            create(recorder, connection, plain);
            execute(recorder, plain, "SELECT 1", 1, null, -1);
        }

        assertThat(recorder.snapshot()).hasSize(StatementRecorder.MAX_DATA_SOURCES);
        assertThat(recorder.snapshot()).filteredOn(e -> e.dataSource().equals(StatementRecorder.OTHER_DATA_SOURCES))
                .singleElement().satisfies(e -> assertThat(e.calls()).isEqualTo(6));
    }
}
