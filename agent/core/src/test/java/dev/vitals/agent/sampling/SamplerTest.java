package dev.vitals.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.agent.MutableClock;
import dev.vitals.agent.hikari.PoolReading;
import dev.vitals.agent.histogram.LatencyHistogram;
import dev.vitals.agent.history.History;
import dev.vitals.agent.history.HistoryMetric;
import dev.vitals.agent.history.HistoryPoint;
import dev.vitals.agent.score.HealthScore;
import dev.vitals.agent.score.Recommendations;
import dev.vitals.agent.score.ScoreInput;
import dev.vitals.agent.snapshot.CacheSnapshot;
import dev.vitals.agent.snapshot.PoolSnapshot;
import dev.vitals.agent.snapshot.StatementCounts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final long MS = 1_000_000L;

    /** A pool whose cumulative figures the test moves forward. */
    private static final class FakePool {
        final int id;
        final String name;
        final int max;
        final LatencyHistogram acquire = new LatencyHistogram();
        final LatencyHistogram usage = new LatencyHistogram();
        long timeouts;
        int active;
        int pending;

        FakePool(int id, String name, int max) {
            this.id = id;
            this.name = name;
            this.max = max;
        }

        void borrow(long waitNanos, long usageNanos) {
            acquire.record(waitNanos);
            usage.record(usageNanos);
        }

        void timeout(long waitNanos) {
            acquire.record(waitNanos);
            timeouts++;
        }

        PoolReading read() {
            LatencyHistogram.Snapshot a = acquire.snapshot();
            LatencyHistogram.Snapshot u = usage.snapshot();
            PoolSnapshot s = new PoolSnapshot(name, "active", max, max, 1, active, max - active, pending, max,
                    a.count() - timeouts, null, null, null, null, null, null, null, timeouts, null, 30.0, null,
                    T0.toString(), false);
            return new PoolReading(id, s, a, u);
        }
    }

    /** Sources a test controls. */
    private static final class FakeSources implements Sources {
        final Map<Integer, FakePool> pools = new LinkedHashMap<>();
        final Map<String, long[]> caches = new LinkedHashMap<>(); // hits, misses, evictions, loads
        final List<LatencyHistogram> statements = new ArrayList<>();
        final List<long[]> statementErrors = new ArrayList<>();

        @Override
        public List<PoolReading> pools() {
            return pools.values().stream().map(FakePool::read).toList();
        }

        @Override
        public List<CacheSnapshot> caches() {
            List<CacheSnapshot> list = new ArrayList<>();
            caches.forEach((name, v) -> list.add(new CacheSnapshot(name, "bounded", "application", v[0], v[1],
                    v[0] + v[1], null, v[3], 0, null, v[2], v[2], 100, 100L, false, null, null, null, name,
                    T0.toString(), false)));
            return list;
        }

        @Override
        public SqlReading sql() {
            LatencyHistogram.Accumulator all = new LatencyHistogram.Accumulator();
            List<StatementCounts> counts = new ArrayList<>();
            for (int i = 0; i < statements.size(); i++) {
                long calls = statements.get(i).addTo(all);
                if (calls > 0) {
                    counts.add(new StatementCounts(i, "pool", "SELECT " + i, "statement", calls,
                            statementErrors.get(i)[0], statements.get(i).sumNanos()));
                }
            }
            return new SqlReading(counts, all.snapshot(), 0);
        }

        int statement() {
            statements.add(new LatencyHistogram());
            statementErrors.add(new long[1]);
            return statements.size() - 1;
        }

        void execute(int statement, long nanos, boolean failed) {
            statements.get(statement).record(nanos);
            if (failed) {
                statementErrors.get(statement)[0]++;
            }
        }
    }

    /** A wall clock and a monotonic clock that the test moves together. */
    private static final class Time {
        final MutableClock wall = new MutableClock(T0);
        long nanos = 1_000_000_000L;

        Clock clock() {
            return wall;
        }

        void advance(Duration d) {
            wall.advance(d);
            nanos += d.toNanos();
        }
    }

    private final Time time = new Time();
    private final FakeSources sources = new FakeSources();
    private final History history = new History(time.clock());

    private Sampler sampler(Duration interval, Duration window) {
        long started = time.nanos;
        return new Sampler(sources, history, time.clock(), () -> time.nanos, interval, window, started);
    }

    private Sample after(Sampler sampler, Duration d) {
        time.advance(d);
        return sampler.sampleNow();
    }

    @Test
    void intervalCountsAreDifferencesAndTheWindowSumsThem() {
        FakePool pool = new FakePool(1, "orders", 10);
        sources.pools.put(1, pool);
        Sampler sampler = sampler(Duration.ofSeconds(10), Duration.ofMinutes(5));
        for (int i = 0; i < 100; i++) {
            pool.borrow(1 * MS, 5 * MS);
        }
        Sample first = after(sampler, Duration.ofSeconds(10));
        assertThat(first.sequence()).isEqualTo(1);
        assertThat(first.intervalSeconds()).isEqualTo(10.0);
        assertThat(first.window().pools()).singleElement().satisfies(p -> {
            assertThat(p.borrows()).isEqualTo(100);
            assertThat(p.timeouts()).isZero();
        });

        for (int i = 0; i < 50; i++) {
            pool.borrow(200 * MS, 5 * MS);
        }
        pool.active = 7;
        Sample second = after(sampler, Duration.ofSeconds(10));
        ScoreInput.Pool windowed = second.window().pools().get(0);
        assertThat(windowed.borrows()).isEqualTo(150);
        assertThat(windowed.active()).isEqualTo(7);
        assertThat(windowed.peakActive()).isEqualTo(7);
        assertThat(windowed.lowestActive()).isZero();
        // p99 over all 150 waits of the window: one of the 200 ms ones (within the histogram's 6.25%).
        assertThat(windowed.p99WaitSeconds()).isBetween(0.200, 0.200 * (1 + LatencyHistogram.RELATIVE_ERROR));
        assertThat(windowed.avgWaitSeconds()).isCloseTo((100 * 0.001 + 50 * 0.2) / 150, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(second.window().windowSeconds()).isEqualTo(20.0);

        // The history point holds only the second interval: 50 borrows of 200 ms.
        HistoryPoint point = second.point();
        assertThat(point.get(HistoryMetric.AVG_WAIT_TIME)).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(point.get(HistoryMetric.ACTIVE_CONNECTIONS)).isEqualTo(7);
        assertThat(point.get(HistoryMetric.INTERVAL_SECONDS)).isEqualTo(10.0);
        assertThat(history.points(dev.vitals.agent.history.Resolution.RAW)).hasSize(2);
    }

    @Test
    void theWindowSlidesAndKeepsOnlyItsIntervals() {
        FakePool pool = new FakePool(1, "orders", 10);
        sources.pools.put(1, pool);
        Sampler sampler = sampler(Duration.ofSeconds(10), Duration.ofSeconds(30));
        Sample last = null;
        for (int s = 1; s <= 6; s++) {
            for (int i = 0; i < s; i++) {
                pool.borrow(MS, MS);
            }
            last = after(sampler, Duration.ofSeconds(10));
        }
        // Intervals 4, 5 and 6 are in the last 30 s: 4 + 5 + 6 borrows.
        assertThat(last.window().pools().get(0).borrows()).isEqualTo(15);
        assertThat(last.window().windowSeconds()).isEqualTo(30.0);
        assertThat(last.window().availability().samples()).isEqualTo(3);
    }

    @Test
    void aTimeoutMakesItsSampleUnavailableAndTheScoreNamesThePool() {
        FakePool pool = new FakePool(1, "orders", 4);
        sources.pools.put(1, pool);
        Sampler sampler = sampler(Duration.ofSeconds(10), Duration.ofMinutes(5));
        pool.borrow(MS, MS);
        after(sampler, Duration.ofSeconds(10));
        pool.active = 4;
        pool.pending = 3;
        pool.timeout(30_000 * MS);
        Sample starving = after(sampler, Duration.ofSeconds(10));
        pool.active = 1;
        pool.pending = 0;
        pool.borrow(MS, MS);
        Sample after = after(sampler, Duration.ofSeconds(10));

        assertThat(starving.point().get(HistoryMetric.AVAILABLE)).isZero();
        assertThat(starving.point().get(HistoryMetric.CONNECTION_TIMEOUTS)).isEqualTo(1);
        assertThat(after.point().get(HistoryMetric.AVAILABLE)).isEqualTo(1);
        assertThat(after.window().availability()).isEqualTo(new ScoreInput.Availability(3, 2));
        assertThat(after.score().systemHealth()).isEqualTo(HealthScore.CRITICAL);
        assertThat(after.score().reasons()).anyMatch(r -> r.contains("orders"));
        assertThat(after.recommendations()).anyMatch(r -> r.id().equals(Recommendations.POOL_TOO_SMALL)
                && r.resource().equals("pool:orders"));
    }

    @Test
    void aPoolThatIsGoneLeavesAndAResetCounterCountsFromZero() {
        FakePool first = new FakePool(1, "a", 10);
        sources.pools.put(1, first);
        Sampler sampler = sampler(Duration.ofSeconds(10), Duration.ofMinutes(5));
        first.borrow(MS, MS);
        after(sampler, Duration.ofSeconds(10));
        sources.pools.remove(1);
        FakePool second = new FakePool(2, "b", 10);
        sources.pools.put(2, second);
        second.borrow(MS, MS);
        second.borrow(MS, MS);
        Sample sample = after(sampler, Duration.ofSeconds(10));
        assertThat(sample.window().pools()).extracting(ScoreInput.Pool::name).containsExactly("b");
        assertThat(sample.window().pools().get(0).borrows()).isEqualTo(2);
        assertThat(sample.pools()).extracting(PoolSnapshot::poolName).containsExactly("b");
    }

    @Test
    void cachesAndSqlAreWindowed() {
        sources.caches.put("customers", new long[] {90, 10, 0, 10});
        int select = sources.statement();
        int update = sources.statement();
        for (int i = 0; i < 98; i++) {
            sources.execute(select, 2 * MS, false);
        }
        sources.execute(update, 900 * MS, false);
        sources.execute(update, 900 * MS, true);
        Sampler sampler = sampler(Duration.ofSeconds(10), Duration.ofMinutes(5));
        Sample first = after(sampler, Duration.ofSeconds(10));
        sources.caches.put("customers", new long[] {100, 100, 50, 100});
        Sample second = after(sampler, Duration.ofSeconds(10));

        ScoreInput.Cache cache = second.window().caches().get(0);
        assertThat(cache.hits()).isEqualTo(100);
        assertThat(cache.misses()).isEqualTo(100);
        assertThat(cache.evictions()).isEqualTo(50);
        assertThat(second.point().get(HistoryMetric.CACHE_HITS)).isEqualTo(10);
        assertThat(second.point().get(HistoryMetric.CACHE_REQUESTS)).isEqualTo(100);
        assertThat(second.point().get(HistoryMetric.QUERIES)).isZero();

        ScoreInput.Sql sql = first.window().sql();
        assertThat(sql.calls()).isEqualTo(100);
        assertThat(sql.errors()).isEqualTo(1);
        assertThat(sql.statementCount()).isEqualTo(2);
        assertThat(sql.topStatements().get(0).sql()).isEqualTo("SELECT 1");
        assertThat(sql.topStatements().get(0).totalSeconds()).isCloseTo(1.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(sql.p99Seconds()).isBetween(0.9, 0.9 * (1 + LatencyHistogram.RELATIVE_ERROR));
        assertThat(first.sql().calls()).isEqualTo(100);
        assertThat(first.sql().errors()).isEqualTo(1);
        assertThat(first.sql().top()).extracting(SqlTotals.StatementTotals::sql).containsExactly("SELECT 1", "SELECT 0");
        assertThat(first.point().errorRate()).isEqualTo(0.01);
        assertThat(first.point().queriesPerSecond()).isEqualTo(10.0);
    }

    @Test
    void thePreviousErrorRateIsTheWindowBeforeAndARiseIsRecommended() {
        int statement = sources.statement();
        Sampler sampler = sampler(Duration.ofSeconds(10), Duration.ofSeconds(20));
        Sample last = null;
        for (int s = 1; s <= 4; s++) {
            // 100 calls per interval; 1 error in each of the first two, 10 in each of the last two.
            int errors = s <= 2 ? 1 : 10;
            for (int i = 0; i < 100; i++) {
                sources.execute(statement, MS, i < errors);
            }
            last = after(sampler, Duration.ofSeconds(10));
        }
        assertThat(last.window().sql().previousErrorRate()).isEqualTo(0.01);
        assertThat(last.window().sql().errorRate()).isEqualTo(0.10);
        assertThat(last.recommendations()).anyMatch(r -> r.id().equals(Recommendations.SQL_ERRORS_RISING));
    }

    @Test
    void aFailingListenerIsCountedAndTheOthersStillRun() {
        Sampler sampler = sampler(Duration.ofSeconds(10), Duration.ofMinutes(5));
        List<Long> seen = new ArrayList<>();
        sampler.addListener(s -> {
            throw new IllegalStateException("boom");
        });
        sampler.addListener(s -> seen.add(s.sequence()));
        after(sampler, Duration.ofSeconds(10));
        after(sampler, Duration.ofSeconds(10));
        assertThat(seen).containsExactly(1L, 2L);
        assertThat(sampler.listenerFailures()).isEqualTo(2);
        assertThat(sampler.lastProblem()).contains("boom");
        assertThat(sampler.latest().sequence()).isEqualTo(2);
    }

    @Test
    void withNothingToSeeThereIsNoScoreButAPointStill() {
        Sampler sampler = sampler(Duration.ofSeconds(10), Duration.ofMinutes(5));
        Sample sample = after(sampler, Duration.ofSeconds(10));
        assertThat(sample.score().performanceScore()).isNull();
        assertThat(sample.recommendations()).extracting(r -> r.id()).containsExactly(Recommendations.OPTIMAL);
        assertThat(sample.point().has(HistoryMetric.PERFORMANCE_SCORE)).isFalse();
        assertThat(sample.point().has(HistoryMetric.AVAILABLE)).isFalse();
        assertThat(sample.window().availability()).isEqualTo(ScoreInput.Availability.NONE);
    }

    @Test
    void theScheduleRunsOnADaemonThreadAndStopsOnClose() throws Exception {
        Sampler sampler = new Sampler(sources, history, Clock.systemUTC(), System::nanoTime, Duration.ofSeconds(1),
                Duration.ofMinutes(5), System.nanoTime());
        AtomicReference<Thread> thread = new AtomicReference<>();
        sampler.addListener(s -> thread.set(Thread.currentThread()));
        sampler.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sampler.latest() == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        sampler.close();
        assertThat(sampler.latest()).isNotNull();
        assertThat(thread.get().getName()).isEqualTo("vitals-sampler");
        assertThat(thread.get().isDaemon()).isTrue();
        thread.get().join(5_000);
        assertThat(thread.get().isAlive()).isFalse();
    }
}
