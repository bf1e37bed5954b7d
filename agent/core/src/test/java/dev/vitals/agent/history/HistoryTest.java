package dev.vitals.agent.history;

import static dev.vitals.agent.history.HistoryMetric.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.agent.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HistoryTest {

    private static final Instant T0 = Instant.parse("2026-01-31T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final List<Object[]> sunk = new ArrayList<>();
    private final History history = new History(clock, (r, p) -> sunk.add(new Object[] {r, p}));

    /** Sets the clock to the sample's time and adds it, as the sampler would. */
    private void sample(Instant time, double hits, double requests, double score, double p99) {
        clock.set(time);
        history.add(HistoryPoint.at(time).set(CACHE_HITS, hits).set(CACHE_REQUESTS, requests)
                .set(PERFORMANCE_SCORE, score).set(P99_WAIT_TIME, p99).set(QUERIES, 1).set(INTERVAL_SECONDS, 10).build());
    }

    @Test
    void minuteRollupClosesWhenASampleArrivesInTheNextMinute() {
        sample(T0.plusSeconds(50), 1, 2, 60, 0.1);
        sample(T0.plusMillis(59_999), 3, 4, 80, 0.3);
        assertThat(history.points(Resolution.MINUTE)).isEmpty();

        sample(T0.plusSeconds(60), 100, 100, 10, 9);

        List<HistoryPoint> minutes = history.points(Resolution.MINUTE);
        assertThat(minutes).hasSize(1);
        HistoryPoint m = minutes.get(0);
        assertThat(m.time()).isEqualTo(T0);
        assertThat(m.samples()).isEqualTo(2);
        assertThat(m.get(CACHE_HITS)).isEqualTo(4);
        assertThat(m.get(CACHE_REQUESTS)).isEqualTo(6);
        assertThat(m.get(PERFORMANCE_SCORE)).isEqualTo(70);
        assertThat(m.get(P99_WAIT_TIME)).isEqualTo(0.3);
        assertThat(sunk).extracting(e -> e[0]).containsExactly(Resolution.RAW, Resolution.RAW, Resolution.RAW, Resolution.MINUTE);
        assertThat(sunk.get(3)[1]).isEqualTo(m);
    }

    @Test
    void hourRollupClosesWithTheFirstMinuteOfTheNextHourAndSumsAcrossMinutes() {
        for (int minute = 0; minute < 60; minute++) {
            sample(T0.plusSeconds(60L * minute), 1, 2, minute < 30 ? 100 : 50, minute);
            sample(T0.plusSeconds(60L * minute + 30), 1, 2, minute < 30 ? 100 : 50, minute);
        }
        sample(T0.plusSeconds(3_600), 0, 0, 0, 0); // closes minute 10:59, hour stays open
        assertThat(history.points(Resolution.HOUR)).isEmpty();
        assertThat(history.points(Resolution.MINUTE)).hasSize(60);
        sample(T0.plusSeconds(3_660), 0, 0, 0, 0); // closes minute 11:00 → hour 10:00 closes

        List<HistoryPoint> hours = history.points(Resolution.HOUR);
        assertThat(hours).hasSize(1);
        HistoryPoint h = hours.get(0);
        assertThat(h.time()).isEqualTo(T0);
        assertThat(h.samples()).isEqualTo(120);
        assertThat(h.get(CACHE_HITS)).isEqualTo(120);
        assertThat(h.get(CACHE_REQUESTS)).isEqualTo(240);
        assertThat(h.get(PERFORMANCE_SCORE)).isEqualTo(75);
        assertThat(h.get(P99_WAIT_TIME)).isEqualTo(59);
        assertThat(h.get(INTERVAL_SECONDS)).isEqualTo(1_200);
    }

    @Test
    void rawRetentionIsExactlyOneHour() {
        sample(T0, 1, 1, 1, 1);
        sample(T0.plusMillis(1), 1, 1, 1, 1);
        sample(T0.plus(Duration.ofHours(1)).plusMillis(1), 1, 1, 1, 1);
        assertThat(history.points(Resolution.RAW)).extracting(HistoryPoint::time)
                .containsExactly(T0.plusMillis(1), T0.plus(Duration.ofHours(1)).plusMillis(1));
    }

    @Test
    void minuteAndHourRetentionAreExactly24HoursAnd30Days() {
        Instant now = Instant.parse("2026-03-01T00:00:00Z");
        clock.set(now);
        HistoryPoint minuteKept = point(now.minus(Duration.ofHours(24)));
        HistoryPoint minuteDropped = point(now.minus(Duration.ofHours(24)).minusSeconds(60));
        HistoryPoint hourKept = point(now.minus(Duration.ofDays(30)));
        HistoryPoint hourDropped = point(now.minus(Duration.ofDays(30)).minusSeconds(3_600));
        history.restore(List.of(), List.of(minuteDropped, minuteKept), List.of(hourDropped, hourKept));
        assertThat(history.points(Resolution.MINUTE)).containsExactly(minuteKept);
        // the stored minutes after the last stored hour rebuild the hour a crash left open (23:00),
        // closed by the next minute (00:00); the hour at exactly now - 30 d is kept
        assertThat(history.points(Resolution.HOUR)).containsExactly(hourKept,
                Rollup.of(Instant.parse("2026-02-27T23:00:00Z"), List.of(minuteDropped)));
    }

    @Test
    void queryResolutionSwitchesAtTheRetentionBoundaries() {
        Instant now = T0;
        assertThat(History.resolutionFor(now.minus(Duration.ofHours(1)), now)).isEqualTo(Resolution.RAW);
        assertThat(History.resolutionFor(now.minus(Duration.ofHours(1)).minusMillis(1), now)).isEqualTo(Resolution.MINUTE);
        assertThat(History.resolutionFor(now.minus(Duration.ofHours(24)), now)).isEqualTo(Resolution.MINUTE);
        assertThat(History.resolutionFor(now.minus(Duration.ofHours(24)).minusMillis(1), now)).isEqualTo(Resolution.HOUR);
    }

    @Test
    void queryReturnsOnlyBucketsWithDataAlignedToTheInterval() {
        sample(T0.plusSeconds(61), 1, 2, 10, 1);   // 10:01:01
        sample(T0.plusSeconds(299), 1, 2, 20, 2);  // 10:04:59
        sample(T0.plusSeconds(300), 5, 5, 30, 3);  // 10:05:00
        sample(T0.plusSeconds(1_500), 7, 7, 40, 4); // 10:25:00 (10:10–10:25 has no data)

        List<HistoryPoint> fiveMinutes = history.query(T0, T0.plusSeconds(1_800), Duration.ofMinutes(5));
        assertThat(fiveMinutes).extracting(HistoryPoint::time)
                .containsExactly(T0, T0.plusSeconds(300), T0.plusSeconds(1_500));
        assertThat(fiveMinutes.get(0).samples()).isEqualTo(2);
        assertThat(fiveMinutes.get(0).cacheHitRate()).isEqualTo(0.5);
        assertThat(fiveMinutes.get(0).get(PERFORMANCE_SCORE)).isEqualTo(15);
        assertThat(fiveMinutes.get(0).get(P99_WAIT_TIME)).isEqualTo(2);

        List<HistoryPoint> oneMinute = history.query(T0, T0.plusSeconds(1_800), Duration.ofMinutes(1));
        assertThat(oneMinute).extracting(HistoryPoint::time)
                .containsExactly(T0.plusSeconds(60), T0.plusSeconds(240), T0.plusSeconds(300), T0.plusSeconds(1_500));

        // from and to are inclusive
        assertThat(history.query(T0.plusSeconds(299), T0.plusSeconds(300), Duration.ofMinutes(1)))
                .extracting(HistoryPoint::samples).containsExactly(1, 1);
        assertThat(history.query(T0.plusSeconds(1_501), T0.plusSeconds(1_800), Duration.ofMinutes(1))).isEmpty();
    }

    @Test
    void coarseQueriesIncludeTheOpenRollupsSoNoSampleIsMissing() {
        int n = 0;
        for (long s = 0; s < 3 * 3_600; s += 10) {
            sample(T0.plusSeconds(s), 1, 1, 50, 1);
            n++;
        }
        Instant now = clock.instant();
        List<HistoryPoint> day = history.query(now.minus(Duration.ofHours(20)), now, Duration.ofHours(1));
        List<HistoryPoint> week = history.query(now.minus(Duration.ofDays(7)), now, Duration.ofHours(1));
        List<HistoryPoint> month = history.query(now.minus(Duration.ofDays(30)), now, Duration.ofDays(1));
        for (List<HistoryPoint> q : List.of(day, week)) {
            assertThat(q).extracting(HistoryPoint::time)
                    .containsExactly(T0, T0.plusSeconds(3_600), T0.plusSeconds(7_200));
            assertThat(q).extracting(HistoryPoint::samples).containsExactly(360, 360, 360);
        }
        assertThat(month).hasSize(1);
        assertThat(month.get(0).time()).isEqualTo(Instant.parse("2026-01-31T00:00:00Z"));
        assertThat(month.get(0).samples()).isEqualTo(n);
        assertThat(month.get(0).get(CACHE_HITS)).isEqualTo(n);
    }

    @Test
    void aWindowComputedAMomentAgoStillReadsTheResolutionItFits() {
        for (long s = 0; s <= 3_600; s += 10) {
            sample(T0.plusSeconds(s), 1, 1, 50, 1);
        }
        // The caller took "now", then the clock moved on a few milliseconds before the query ran.
        Instant callerNow = clock.instant();
        clock.set(callerNow.plusMillis(5));
        List<HistoryPoint> hour = history.query(callerNow.minus(Duration.ofHours(1)), callerNow, Duration.ofMinutes(5));
        // Raw samples, bucketed by 5 minutes: the first bucket starts at T0 and holds 30 samples.
        assertThat(hour.get(0).time()).isEqualTo(T0);
        assertThat(hour.get(0).samples()).isEqualTo(30);
        List<HistoryPoint> day = history.query(callerNow.minus(Duration.ofHours(24)), callerNow, Duration.ofMinutes(5));
        // Minute rollups, not hourly ones: 5-minute buckets.
        assertThat(day).hasSizeGreaterThan(2);
        assertThat(day.get(1).time()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void samplesOlderThanTheLastAreDropped() {
        sample(T0.plusSeconds(10), 1, 1, 1, 1);
        sample(T0.plusSeconds(5), 1, 1, 1, 1);
        assertThat(history.points(Resolution.RAW)).hasSize(1);
        assertThat(history.droppedOutOfOrder()).isEqualTo(1);
    }

    @Test
    void rejectsBadQueries() {
        assertThatThrownBy(() -> history.query(T0.plusSeconds(1), T0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("from 2026-01-31T10:00:01Z is after to 2026-01-31T10:00:00Z");
        assertThatThrownBy(() -> history.query(T0, T0, Duration.ofMillis(999)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval must be whole milliseconds and at least PT1S, was PT0.999S");
        assertThatThrownBy(() -> history.query(T0, T0, Duration.ofMinutes(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void restoreMustComeFirst() {
        sample(T0, 1, 1, 1, 1);
        assertThatThrownBy(() -> history.restore(List.of(), List.of(), List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessage("restore must come before the first add");
    }

    @Test
    void readersRunConcurrentlyWithTheWriter() throws Exception {
        clock.set(T0.plus(Duration.ofHours(2))); // queries from T0 read minutes, the writer crosses 33 of them
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            started.countDown();
            int lastTotal = 0;
            try {
                while (!done.get()) {
                    int total = 0;
                    for (HistoryPoint p : history.query(T0, T0.plus(Duration.ofDays(1)), Duration.ofMinutes(5))) {
                        total += p.samples();
                    }
                    if (total < lastTotal) {
                        throw new AssertionError("total went back from " + lastTotal + " to " + total);
                    }
                    lastTotal = total;
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        started.await();
        for (int i = 0; i < 20_000; i++) {
            history.add(HistoryPoint.at(T0.plusMillis(100L * i)).set(QUERIES, 1).build());
        }
        done.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(history.query(T0, T0.plus(Duration.ofDays(1)), Duration.ofHours(1)).get(0).get(QUERIES)).isEqualTo(20_000);
    }

    private static HistoryPoint point(Instant time) {
        return HistoryPoint.at(time).set(QUERIES, 1).build();
    }
}
