package dev.vitals.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.agent.snapshot.DataSourceSnapshot;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DataSourceRecorderTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final DataSourceRecorder recorder = new DataSourceRecorder(Clock.fixed(NOW, ZoneOffset.UTC), nanos::get);

    /** A data source with a URL property, as DBCP2's and most drivers' have. */
    public static final class UrlDataSource {
        private final String url;

        UrlDataSource(String url) {
            this.url = url;
        }

        public String getUrl() {
            return url;
        }
    }

    /** The application's own wrapper: no URL of its own. */
    public static final class RoutingDataSource {
    }

    private void connect(Object dataSource, long millis, Throwable thrown) {
        long start = recorder.connecting();
        nanos.addAndGet(Duration.ofMillis(millis).toNanos());
        recorder.connected(dataSource, start, thrown);
    }

    @Test
    void timesEachCallAndCountsFailures() {
        UrlDataSource dbcp = new UrlDataSource("jdbc:postgresql://app:pw@db:5432/shop?password=pw");

        connect(dbcp, 4, null);
        connect(dbcp, 6, null);
        connect(dbcp, 250, new SQLException("timeout"));

        assertThat(recorder.snapshot()).singleElement().satisfies(ds -> {
            assertThat(ds.dataSource()).isEqualTo("postgresql://db:5432/shop");
            assertThat(ds.type()).isEqualTo(UrlDataSource.class.getName());
            assertThat(ds.connections()).isEqualTo(3);
            assertThat(ds.errors()).isEqualTo(1);
            assertThat(ds.maxWaitTime()).isEqualTo(0.25);
            assertThat(ds.avgWaitTime()).isEqualTo(0.26 / 3);
            assertThat(ds.firstSeen()).isEqualTo(NOW.toString());
            assertThat(ds.lastSeen()).isEqualTo(NOW.toString());
        });
        assertThat(recorder.snapshot().toString()).doesNotContain("pw");
    }

    @Test
    void aWrapperCountsOnceUnderTheDataSourceItWraps() {
        RoutingDataSource routing = new RoutingDataSource();
        UrlDataSource pool = new UrlDataSource("jdbc:h2:mem:orders");

        for (int i = 0; i < 5; i++) {
            long outer = recorder.connecting();
            long inner = recorder.connecting();
            nanos.addAndGet(1_000_000);
            recorder.connected(pool, inner, null);
            recorder.connected(routing, outer, null);
            assertThat(inner).isZero();
        }

        assertThat(recorder.snapshot()).singleElement().satisfies(ds -> {
            assertThat(ds.dataSource()).isEqualTo("h2:mem:orders");
            assertThat(ds.connections()).isEqualTo(5);
        });
    }

    @Test
    void aHikariPoolInsideIsLeftToThePoolHook() {
        RoutingDataSource routing = new RoutingDataSource();
        UrlDataSource plain = new UrlDataSource("jdbc:h2:mem:plain");

        // routing.getConnection() -> HikariDataSource.getConnection()
        long outer = recorder.connecting();
        assertThat(recorder.poolBorrowing()).isTrue();
        recorder.poolBorrowed();
        recorder.connected(routing, outer, null);
        // HikariCP filling its pool on its own thread: PoolBase.newConnection() -> a driver's data source
        recorder.delegating();
        long inner = recorder.connecting();
        recorder.connected(plain, inner, null);
        recorder.delegated();
        // and then an ordinary call on the same thread is counted, under its own name
        connect(plain, 1, null);

        assertThat(recorder.snapshot()).extracting(DataSourceSnapshot::dataSource, DataSourceSnapshot::connections)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("h2:mem:plain", 1L));
    }

    @Test
    void aHikariBorrowMarksNothingUntilAnotherDataSourceIsUsed() throws Exception {
        UrlDataSource plain = new UrlDataSource("jdbc:h2:mem:plain");

        // HikariDataSource.getConnection() in an application with Hikari pools only: nothing to mark.
        assertThat(recorder.poolBorrowing()).isFalse();
        // HikariCP opening a connection through a driver's data source is not "another data source".
        recorder.delegating();
        recorder.connected(plain, recorder.connecting(), null);
        recorder.delegated();
        assertThat(recorder.poolBorrowing()).isFalse();
        // Another thread asks another data source: from then on Hikari borrows are marked, and the
        // mark is gone after each (the ordinary call that follows is counted once).
        Thread other = new Thread(() -> recorder.connected(plain, recorder.connecting(), null));
        other.start();
        other.join();
        assertThat(recorder.poolBorrowing()).isTrue();
        recorder.poolBorrowed();
        connect(plain, 1, null);

        assertThat(recorder.snapshot()).singleElement().satisfies(ds -> assertThat(ds.connections()).isEqualTo(2));
        assertThat(recorder.poolBorrowing()).isTrue();
        recorder.poolBorrowed();
    }

    @Test
    void aDataSourceWithoutUrlIsNamedByItsClass() {
        connect(new RoutingDataSource(), 1, null);
        connect(new RoutingDataSource(), 1, null);

        assertThat(recorder.snapshot()).singleElement().satisfies(ds -> {
            assertThat(ds.dataSource()).isEqualTo("RoutingDataSource");
            assertThat(ds.connections()).isEqualTo(2);
        });
    }

    @Test
    void dataSourcesPastTheBoundShareOneEntry() {
        for (int i = 0; i < DataSourceRecorder.MAX_DATA_SOURCES + 10; i++) {
            connect(new UrlDataSource("jdbc:h2:mem:db" + i), 1, null);
        }

        assertThat(recorder.snapshot()).hasSize(DataSourceRecorder.MAX_DATA_SOURCES);
        assertThat(recorder.snapshot().get(DataSourceRecorder.MAX_DATA_SOURCES - 1)).satisfies(other -> {
            assertThat(other.dataSource()).isEqualTo(DataSourceRecorder.OTHER_DATA_SOURCES);
            assertThat(other.connections()).isEqualTo(11);
        });
    }
}
