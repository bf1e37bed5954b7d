package dev.vitals.agent.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.agent.score.HealthScore;
import dev.vitals.agent.score.ScoreInput;
import dev.vitals.agent.score.ScoreInput.Availability;
import dev.vitals.agent.score.ScoreInput.Cache;
import dev.vitals.agent.score.ScoreInput.Pool;
import dev.vitals.agent.score.ScoreInput.Sql;
import dev.vitals.agent.score.ScoreModel;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThresholdAlertsTest {

    static final HealthScore NO_SCORE = new HealthScore(null, HealthScore.HEALTHY, List.of(), List.of());

    static ScoreInput window(List<Pool> pools, List<Cache> caches, Sql sql, Availability availability) {
        return new ScoreInput(300, pools, caches, sql, availability);
    }

    static List<ActiveAlert> alerts(ScoreInput window) {
        return ThresholdAlerts.evaluate(window, NO_SCORE);
    }

    static Pool waitingPool(Double avgWait, Double p99Wait) {
        return new Pool("orders", 10, 2, 8, 0, 100, 0, avgWait, p99Wait, 0.01, 2, 1);
    }

    static Cache cache(long hits, long misses) {
        return new Cache("customers", hits, misses, 0, 0, misses, 0, 1000L, 500, null, null);
    }

    static String describe(List<ActiveAlert> alerts) {
        return alerts.isEmpty() ? "none" : alerts.get(0).severity() + " " + alerts.get(0).threshold();
    }

    @ParameterizedTest(name = "p99 wait {0} s → {1}")
    @CsvSource({"0.05, none", "0.1, none", "0.1001, warning 0.1", "0.5, warning 0.1", "0.5001, critical 0.5",
            "3, critical 0.5"})
    void connectionWaitEdges(double p99, String expected) {
        assertThat(describe(alerts(window(List.of(waitingPool(0.001, p99)), List.of(), null, null))))
                .isEqualTo(expected);
    }

    @Test
    void connectionWaitUsesTheMeanWithoutAP99() {
        List<ActiveAlert> alerts = alerts(window(List.of(waitingPool(0.3, null)), List.of(), null, null));

        assertThat(alerts).containsExactly(new ActiveAlert("connection_wait", "pool:orders", 0.3, 0.1, "warning",
                "pool orders: avg connection wait 0.300 s is past the good edge 0.1 s"));
        assertThat(alerts(window(List.of(waitingPool(null, null)), List.of(), null, null))).isEmpty();
    }

    @ParameterizedTest(name = "{0} waiting for 10 connections → {1}")
    @CsvSource({"1, none", "2, warning 0.1", "5, warning 0.1", "6, critical 0.5", "30, critical 0.5"})
    void pendingThreadsEdgesPerConnection(int pending, String expected) {
        Pool pool = new Pool("orders", 10, 10, 0, pending, 100, 0, null, null, null, null, null);

        assertThat(describe(alerts(window(List.of(pool), List.of(), null, null)))).isEqualTo(expected);
    }

    @Test
    void pendingThreadsMessage() {
        Pool pool = new Pool("orders", 10, 10, 0, 6, 100, 0, null, null, null, null, null);

        assertThat(alerts(window(List.of(pool), List.of(), null, null))).containsExactly(new ActiveAlert(
                "pending_threads", "pool:orders", 0.6, 0.5, "critical",
                "pool orders: 0.60 threads waiting per connection (6 waiting, 10/10 active) is past the critical edge 0.5"));
    }

    @Test
    void anyTimeoutIsCritical() {
        Pool pool = new Pool("orders", 10, 10, 0, 0, 266, 14, null, null, null, null, null);

        assertThat(alerts(window(List.of(pool), List.of(), null, null))).containsExactly(new ActiveAlert(
                "pool_timeouts", "pool:orders", 14, 0, "critical",
                "pool orders: 14 connection timeouts in 300 s (5.0% of 280 borrow attempts); any timeout is critical"));
        Pool one = new Pool("orders", 10, 10, 0, 0, 100_000, 1, null, null, null, null, null);
        assertThat(describe(alerts(window(List.of(one), List.of(), null, null)))).isEqualTo("critical 0.0");
    }

    @ParameterizedTest(name = "{0} hits, {1} misses → {2}")
    @CsvSource({
        "95, 5, none",
        "85, 15, none",
        "84, 16, warning 0.85",
        "75, 25, warning 0.85",
        "74, 26, critical 0.75",
        "0, 100, critical 0.75",
        // Fewer than 100 lookups: not judged.
        "0, 99, none",
        "10, 89, none",
    })
    void cacheHitRateEdgesWithEnoughLookups(long hits, long misses, String expected) {
        assertThat(describe(alerts(window(List.of(), List.of(cache(hits, misses)), null, null)))).isEqualTo(expected);
    }

    @Test
    void cacheHitRateMessage() {
        assertThat(alerts(window(List.of(), List.of(cache(625, 375)), null, null))).containsExactly(new ActiveAlert(
                "cache_hit_rate", "cache:customers", 0.625, 0.75, "critical",
                "cache customers: hit rate 62.5% over 1000 lookups is below the critical edge 75%"));
    }

    @ParameterizedTest(name = "SQL p99 {0} s → {1}")
    @CsvSource({"0.2, none", "0.5, none", "0.75, warning 0.5", "1.0, warning 0.5", "1.8, critical 1.0"})
    void queryP99Edges(double p99, String expected) {
        assertThat(describe(alerts(window(List.of(), List.of(), new Sql(10, 0, p99, 1, 1, List.of(), null), null))))
                .isEqualTo(expected);
    }

    @Test
    void queryP99Message() {
        assertThat(alerts(window(List.of(), List.of(), new Sql(2000, 0, 1.8, 100, 3, List.of(), null), null)))
                .containsExactly(new ActiveAlert("query_p99_time", "sql", 1.8, 1.0, "critical",
                        "sql: p99 query time 1.800 s over 2000 calls is past the critical edge 1 s"));
        assertThat(alerts(window(List.of(), List.of(), new Sql(10, 0, null, 1, 1, List.of(), null), null))).isEmpty();
    }

    @ParameterizedTest(name = "{0} errors in {1} calls → {2}")
    @CsvSource({
        "1, 1000, none",
        "10, 1000, none",
        "11, 1000, warning 0.01",
        "50, 1000, warning 0.01",
        "51, 1000, critical 0.05",
        // Fewer than 100 calls: not judged.
        "99, 99, none",
        "2, 100, warning 0.01",
    })
    void errorRateEdgesWithEnoughCalls(long errors, long calls, String expected) {
        Sql sql = new Sql(calls, errors, 0.01, 1, 1, List.of(), null);

        assertThat(describe(alerts(window(List.of(), List.of(), sql, null)))).isEqualTo(expected);
    }

    @Test
    void errorRateMessage() {
        assertThat(alerts(window(List.of(), List.of(), new Sql(2000, 30, 0.01, 1, 1, List.of(), null), null)))
                .containsExactly(new ActiveAlert("error_rate", "sql", 0.015, 0.01, "warning",
                        "sql: error rate 1.5% (30 errors in 2000 calls) is past the good edge 1%"));
    }

    @ParameterizedTest(name = "{1} of {0} samples available → {2}")
    @CsvSource({"1000, 1000, none", "1000, 995, none", "1000, 994, warning 0.995", "1000, 990, warning 0.995",
            "1000, 989, critical 0.99", "1, 0, critical 0.99", "0, 0, none"})
    void availabilityEdges(long samples, long available, String expected) {
        assertThat(describe(alerts(window(List.of(), List.of(), null, new Availability(samples, available)))))
                .isEqualTo(expected);
    }

    @Test
    void availabilityMessage() {
        assertThat(alerts(window(List.of(), List.of(), null, new Availability(1000, 985)))).containsExactly(
                new ActiveAlert("availability", "system", 0.985, 0.99, "critical",
                        "system: availability 98.50% (985 of 1000 samples available) is below the critical edge 99%"));
    }

    @ParameterizedTest(name = "score {0} → {1}")
    @CsvSource({"100, none", "90, none", "80, none", "79.9, warning 80.0", "70, warning 80.0", "69.9, critical 70.0",
            "0, critical 70.0"})
    void performanceScoreEdges(double score, String expected) {
        HealthScore health = new HealthScore(score, HealthScore.HEALTHY, List.of(), List.of());

        assertThat(describe(ThresholdAlerts.evaluate(window(List.of(), List.of(), null, null), health)))
                .isEqualTo(expected);
    }

    @Test
    void performanceScoreMessageAndNoScoreNoAlert() {
        HealthScore health = new HealthScore(37.2, HealthScore.CRITICAL, List.of(), List.of());

        assertThat(ThresholdAlerts.evaluate(window(List.of(), List.of(), null, null), health)).containsExactly(
                new ActiveAlert("performance_score", "system", 37.2, 70, "critical",
                        "system: performance score 37.2 is below the critical edge 70"));
        assertThat(alerts(window(List.of(), List.of(), null, null))).isEmpty();
    }

    @Test
    void orderIsCriticalFirstThenMetricThenResource() {
        ScoreInput in = window(
                List.of(new Pool("zeta", 10, 2, 8, 0, 100, 0, null, 0.8, null, null, null),
                        new Pool("alpha", 10, 2, 8, 0, 100, 0, null, 0.3, null, null, null),
                        new Pool("beta", 10, 10, 0, 0, 100, 1, null, 0.7, null, null, null)),
                List.of(new Cache("b", 10, 90, 0, 0, 90, 0, null, 0, null, null),
                        new Cache("a", 80, 20, 0, 0, 20, 0, null, 0, null, null)),
                new Sql(1000, 20, 0.6, 1, 1, List.of(), null),
                new Availability(1000, 992));

        List<String> order = ThresholdAlerts.evaluate(in, ScoreModel.score(in)).stream()
                .map(a -> a.severity() + " " + a.metric() + " " + a.resource())
                .toList();

        assertThat(order).containsExactly(
                "critical performance_score system",
                "critical connection_wait pool:beta",
                "critical connection_wait pool:zeta",
                "critical pool_timeouts pool:beta",
                "critical cache_hit_rate cache:b",
                "warning availability system",
                "warning connection_wait pool:alpha",
                "warning cache_hit_rate cache:a",
                "warning query_p99_time sql",
                "warning error_rate sql");
    }

    @Test
    void thresholdsComeFromTheScoreModel() {
        assertThat(ThresholdAlerts.thresholds()).containsExactly(
                new ThresholdAlerts.Threshold("performance_score", "system", "score", true, 90, 80.0, 70,
                        "the overall score of the window; none without a score"),
                new ThresholdAlerts.Threshold("availability", "system", "ratio", true, 0.999, 0.995, 0.99,
                        "available samples / samples in the window; none without samples"),
                new ThresholdAlerts.Threshold("connection_wait", "pool:*", "seconds", false, 0.05, 0.1, 0.5,
                        "each pool's p99 wait for a connection in the window, else its mean; none without borrows"),
                new ThresholdAlerts.Threshold("pool_timeouts", "pool:*", "timeouts", false, 0, null, 0,
                        "each pool's connection timeouts in the window: any timeout is critical"),
                new ThresholdAlerts.Threshold("pending_threads", "pool:*", "threads per connection", false, 0, 0.1, 0.5,
                        "each pool's threads waiting at the window's end / maximumPoolSize"),
                new ThresholdAlerts.Threshold("cache_hit_rate", "cache:*", "ratio", true, 0.95, 0.85, 0.75,
                        "each cache's hits / lookups in the window, with at least 100 lookups"),
                new ThresholdAlerts.Threshold("query_p99_time", "sql", "seconds", false, 0.2, 0.5, 1.0,
                        "p99 execution time of all statements in the window; none without calls"),
                new ThresholdAlerts.Threshold("error_rate", "sql", "ratio", false, 0.001, 0.01, 0.05,
                        "failed / executed statements in the window, with at least 100 calls"));
        assertThat(ThresholdAlerts.thresholds().get(2).critical()).isEqualTo(ScoreModel.WAIT.critical());
    }
}
