package dev.vitals.agent.history;

import static dev.vitals.agent.history.HistoryMetric.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollupTest {

    private static final Instant T = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void sumsAddMeansAverageExtremesTakeTheExtreme() {
        HistoryPoint a = HistoryPoint.at(T).set(CACHE_HITS, 90).set(CACHE_REQUESTS, 100).set(QUERIES, 10).set(ERRORS, 1)
                .set(PERFORMANCE_SCORE, 80).set(HEALTH, 1).set(P99_WAIT_TIME, 0.2).set(ACTIVE_CONNECTIONS, 4)
                .set(PENDING_THREADS, 0).set(QUERY_P99_TIME, 0.5).set(INTERVAL_SECONDS, 10).build();
        HistoryPoint b = HistoryPoint.at(T.plusSeconds(10)).set(CACHE_HITS, 10).set(CACHE_REQUESTS, 100).set(QUERIES, 30).set(ERRORS, 3)
                .set(PERFORMANCE_SCORE, 60).set(HEALTH, 0).set(P99_WAIT_TIME, 0.7).set(ACTIVE_CONNECTIONS, 10)
                .set(PENDING_THREADS, 6).set(QUERY_P99_TIME, 0.1).set(INTERVAL_SECONDS, 10).build();

        HistoryPoint r = Rollup.of(T, List.of(a, b));

        assertThat(r.time()).isEqualTo(T);
        assertThat(r.samples()).isEqualTo(2);
        assertThat(r.get(CACHE_HITS)).isEqualTo(100);
        assertThat(r.get(CACHE_REQUESTS)).isEqualTo(200);
        assertThat(r.cacheHitRate()).isEqualTo(0.5);
        assertThat(r.get(QUERIES)).isEqualTo(40);
        assertThat(r.queriesPerSecond()).isEqualTo(2.0);
        assertThat(r.errorRate()).isEqualTo(0.1);
        assertThat(r.get(PERFORMANCE_SCORE)).isEqualTo(70);
        assertThat(r.get(HEALTH)).isEqualTo(0.5);
        assertThat(r.get(WORST_HEALTH)).isEqualTo(0);
        assertThat(r.get(P99_WAIT_TIME)).isEqualTo(0.7);
        assertThat(r.get(QUERY_P99_TIME)).isEqualTo(0.5);
        assertThat(r.get(ACTIVE_CONNECTIONS)).isEqualTo(7);
        assertThat(r.get(MAX_ACTIVE_CONNECTIONS)).isEqualTo(10);
        assertThat(r.get(PENDING_THREADS)).isEqualTo(3);
        assertThat(r.get(MAX_PENDING_THREADS)).isEqualTo(6);
        assertThat(r.get(INTERVAL_SECONDS)).isEqualTo(20);
    }

    @Test
    void absentValuesAreSkippedNotCountedAsZero() {
        HistoryPoint withCache = HistoryPoint.at(T).set(PERFORMANCE_SCORE, 90).set(CACHE_HITS, 5).set(CACHE_REQUESTS, 10).build();
        HistoryPoint noCache = HistoryPoint.at(T.plusSeconds(1)).set(PERFORMANCE_SCORE, 50).build();
        HistoryPoint r = Rollup.of(T, List.of(withCache, noCache));
        assertThat(r.get(CACHE_HITS)).isEqualTo(5);
        assertThat(r.cacheHitRate()).isEqualTo(0.5);
        assertThat(r.get(PERFORMANCE_SCORE)).isEqualTo(70);
        assertThat(r.has(QUERIES)).isFalse();
        assertThat(r.queriesPerSecond()).isNaN();
        assertThat(r.errorRate()).isNaN();
    }

    @Test
    void rollupOfRollupsEqualsRollupOfSamples() {
        HistoryPoint s1 = sample(0, 10, 1);
        HistoryPoint s2 = sample(1, 20, 2);
        HistoryPoint s3 = sample(2, 60, 9);
        HistoryPoint firstTwo = Rollup.of(T, List.of(s1, s2));
        HistoryPoint nested = Rollup.of(T, List.of(firstTwo, s3));
        HistoryPoint flat = Rollup.of(T, List.of(s1, s2, s3));
        assertThat(nested.samples()).isEqualTo(3);
        for (HistoryMetric m : HistoryMetric.values()) {
            if (flat.has(m)) {
                assertThat(nested.get(m)).as(m.key()).isCloseTo(flat.get(m), within(1e-9));
            } else {
                assertThat(nested.has(m)).as(m.key()).isFalse();
            }
        }
        assertThat(flat.get(PERFORMANCE_SCORE)).isEqualTo(30);
        assertThat(flat.get(P99_WAIT_TIME)).isEqualTo(9);
    }

    @Test
    void companionsAreFilledFromTheirSourceUnlessSet() {
        HistoryPoint p = HistoryPoint.at(T).set(HEALTH, 0.5).set(ACTIVE_CONNECTIONS, 3).set(PENDING_THREADS, 2)
                .set(MAX_PENDING_THREADS, 7).build();
        assertThat(p.get(WORST_HEALTH)).isEqualTo(0.5);
        assertThat(p.get(MAX_ACTIVE_CONNECTIONS)).isEqualTo(3);
        assertThat(p.get(MAX_PENDING_THREADS)).isEqualTo(7);
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> HistoryPoint.at(T).set(QUERIES, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("queries must be finite, was Infinity");
        assertThatThrownBy(() -> HistoryPoint.at(T).samples(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("samples must be at least 1, was 0");
        assertThatThrownBy(() -> new Rollup().toPoint(T)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keysAreSnakeCaseAndRoundTrip() {
        assertThat(CACHE_HITS.key()).isEqualTo("cache_hits");
        assertThat(QUERY_P99_TIME.key()).isEqualTo("query_p99_time");
        for (HistoryMetric m : HistoryMetric.values()) {
            assertThat(HistoryMetric.byKey(m.key())).isEqualTo(m);
        }
        assertThat(HistoryMetric.byKey("nope")).isNull();
    }

    private static HistoryPoint sample(int second, double score, double p99) {
        return HistoryPoint.at(T.plusSeconds(second)).set(PERFORMANCE_SCORE, score).set(P99_WAIT_TIME, p99)
                .set(CACHE_HITS, second).set(CACHE_REQUESTS, 10).set(HEALTH, second == 2 ? 0 : 1).build();
    }
}
