package dev.vitals.agent.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.agent.score.HealthScore.Component;
import dev.vitals.agent.score.ScoreInput.Availability;
import dev.vitals.agent.score.ScoreInput.Cache;
import dev.vitals.agent.score.ScoreInput.Pool;
import dev.vitals.agent.score.ScoreInput.Sql;
import dev.vitals.agent.score.ScoreInput.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScoreModelTest {

    static final double WINDOW = 300;

    // ---- building blocks ------------------------------------------------------------------

    static Pool pool(String name, int max, int active, int pending, long borrows, long timeouts, Double p99Wait) {
        return new Pool(name, max, active, max - active, pending, borrows, timeouts, p99Wait == null ? null : p99Wait / 2,
                p99Wait, 0.02, active, active);
    }

    static Pool healthyPool(String name) {
        return pool(name, 10, 3, 0, 5000, 0, 0.004);
    }

    static Cache cache(String name, long hits, long misses) {
        return new Cache(name, hits, misses, 0, 0, misses, 0, 10_000L, 500, null, null);
    }

    static Sql sql(long calls, long errors, Double p99) {
        return new Sql(calls, errors, p99, calls * 0.01, 5, List.of(), null);
    }

    static Availability available(long samples, long available) {
        return new Availability(samples, available);
    }

    static ScoreInput input(List<Pool> pools, List<Cache> caches, Sql sql, Availability availability) {
        return new ScoreInput(WINDOW, pools, caches, sql, availability);
    }

    static Component component(HealthScore score, String name) {
        return score.component(name).orElseThrow();
    }

    // ---- the piecewise-linear mapping -------------------------------------------------------

    @ParameterizedTest(name = "{0}({1}) = {2}")
    @CsvSource({
            // connection wait, seconds: edges then midpoints
            "WAIT, 0, 100", "WAIT, 0.05, 100", "WAIT, 0.1, 85", "WAIT, 0.5, 70", "WAIT, 1.0, 0", "WAIT, 3.0, 0",
            "WAIT, 0.075, 92.5", "WAIT, 0.3, 77.5", "WAIT, 0.75, 35",
            // cache hit rate
            "HIT_RATE, 1.0, 100", "HIT_RATE, 0.95, 100", "HIT_RATE, 0.85, 85", "HIT_RATE, 0.75, 70",
            "HIT_RATE, 0.5, 0", "HIT_RATE, 0.1, 0", "HIT_RATE, 0.9, 92.5", "HIT_RATE, 0.8, 77.5",
            "HIT_RATE, 0.625, 35",
            // SQL p99, seconds
            "SQL_P99, 0.2, 100", "SQL_P99, 0.5, 85", "SQL_P99, 1.0, 70", "SQL_P99, 2.0, 0", "SQL_P99, 0.35, 92.5",
            "SQL_P99, 0.75, 77.5", "SQL_P99, 1.5, 35",
            // availability
            "AVAILABILITY, 1.0, 100", "AVAILABILITY, 0.999, 100", "AVAILABILITY, 0.995, 85",
            "AVAILABILITY, 0.99, 70", "AVAILABILITY, 0.98, 0", "AVAILABILITY, 0.997, 92.5",
            "AVAILABILITY, 0.9925, 77.5", "AVAILABILITY, 0.985, 35",
            // SQL error rate
            "ERROR_RATE, 0, 100", "ERROR_RATE, 0.001, 100", "ERROR_RATE, 0.01, 85", "ERROR_RATE, 0.05, 70",
            "ERROR_RATE, 0.1, 0", "ERROR_RATE, 0.03, 77.5", "ERROR_RATE, 0.075, 35",
            // waiting threads per connection
            "PENDING, 0, 100", "PENDING, 0.1, 85", "PENDING, 0.5, 70", "PENDING, 1.0, 0", "PENDING, 0.05, 92.5",
            "PENDING, 0.3, 77.5", "PENDING, 0.75, 35",
    })
    void mapsEdgesAndMidpoints(String table, double value, double expected) {
        ScoreModel.Thresholds thresholds = switch (table) {
            case "WAIT" -> ScoreModel.WAIT;
            case "HIT_RATE" -> ScoreModel.HIT_RATE;
            case "SQL_P99" -> ScoreModel.SQL_P99;
            case "AVAILABILITY" -> ScoreModel.AVAILABILITY;
            case "ERROR_RATE" -> ScoreModel.ERROR_RATE;
            default -> ScoreModel.PENDING_PER_CONNECTION;
        };
        assertThat(thresholds.score(value)).isCloseTo(expected, within(1e-9));
    }

    @ParameterizedTest(name = "band({0}) = {1}")
    @CsvSource(delimiter = '|', value = {
            "0.05 | ≤ 0.05 s target", "0.1 | ≤ 0.1 s good", "0.5 | ≤ 0.5 s warning", "0.501 | > 0.5 s critical"})
    void waitBandsFollowTheTable(double seconds, String band) {
        assertThat(ScoreModel.WAIT.band(seconds)).isEqualTo(band);
    }

    @ParameterizedTest(name = "band({0}) = {1}")
    @CsvSource(delimiter = '|', value = {
            "0.95 | ≥ 95% target", "0.85 | ≥ 85% good", "0.75 | ≥ 75% warning", "0.749 | < 75% critical"})
    void hitRateBandsFollowTheTable(double rate, String band) {
        assertThat(ScoreModel.HIT_RATE.band(rate)).isEqualTo(band);
    }

    @ParameterizedTest(name = "status({0}) = {1}")
    @CsvSource({"100, ok", "85, ok", "84.99, warning", "70, warning", "69.99, critical", "0, critical"})
    void statusBands(double subScore, String status) {
        assertThat(ScoreModel.statusOf(subScore)).isEqualTo(status);
    }

    @Test
    void timeoutsAreCriticalFromTheFirstAndReachZeroAtTenPercent() {
        assertThat(ScoreModel.timeoutScore(0, 1000)).isEqualTo(100);
        assertThat(ScoreModel.timeoutScore(1, 999)).isCloseTo(59.4, within(1e-9)); // 0.1% of attempts
        assertThat(ScoreModel.timeoutScore(50, 950)).isCloseTo(30, within(1e-9)); // 5%
        assertThat(ScoreModel.timeoutScore(100, 900)).isCloseTo(0, within(1e-9)); // 10%
        assertThat(ScoreModel.timeoutScore(500, 500)).isEqualTo(0);
    }

    @Test
    void displayNeverCrossesABandEdgeUpwards() {
        assertThat(ScoreModel.display(69.96)).isEqualTo(69.9);
        assertThat(ScoreModel.display(84.96)).isEqualTo(84.9);
        assertThat(ScoreModel.display(85.0)).isEqualTo(85.0);
        assertThat(ScoreModel.display(92.45)).isEqualTo(92.5);
    }

    // ---- pools ----------------------------------------------------------------------------

    @Test
    void poolWaitAboveCriticalIsExplainedWithItsNumbers() {
        HealthScore score = ScoreModel.score(input(List.of(pool("orders-pool", 10, 4, 0, 800, 0, 0.734)), List.of(),
                null, null));

        Component pools = component(score, "pools");
        assertThat(pools.subScore()).isEqualTo(37.2);
        assertThat(pools.status()).isEqualTo("critical");
        assertThat(pools.reasons()).containsExactly("pool orders-pool: p99 wait 0.734 s (> 0.5 s critical) → 37.2");
        assertThat(score.performanceScore()).isEqualTo(37.2);
        assertThat(score.systemHealth()).isEqualTo("critical");
    }

    @Test
    void meanWaitIsScoredWhenP99IsUnknown() {
        Pool pool = new Pool("p", 10, 2, 8, 0, 100, 0, 0.3, null, null, null, null);
        HealthScore score = ScoreModel.score(input(List.of(pool), List.of(), null, null));
        assertThat(component(score, "pools").reasons()).containsExactly("pool p: avg wait 0.300 s (≤ 0.5 s warning) → 77.5");
    }

    @Test
    void timeoutsAndWaitingThreadsAreEachExplainedAndThePoolTakesItsWorstSignal() {
        Pool pool = pool("orders-pool", 10, 10, 6, 266, 14, 0.3);
        HealthScore score = ScoreModel.score(input(List.of(pool), List.of(), null, null));

        Component pools = component(score, "pools");
        assertThat(pools.reasons()).containsExactly(
                "pool orders-pool: p99 wait 0.300 s (≤ 0.5 s warning) → 77.5",
                "pool orders-pool: 14 connection timeouts in 300 s (5.0% of 280 borrow attempts) → 30.0",
                "pool orders-pool: 6 threads waiting with 10/10 active (0.60 waiting per connection, > 0.5 critical) → 56.0");
        assertThat(pools.subScore()).isEqualTo(30.0);
    }

    @Test
    void poolsComponentIsItsWorstPool() {
        HealthScore score = ScoreModel.score(input(List.of(healthyPool("a"), pool("b", 10, 5, 0, 100, 0, 0.3)),
                List.of(), null, null));
        assertThat(component(score, "pools").subScore()).isEqualTo(77.5);
        assertThat(component(score, "pools").status()).isEqualTo("warning");
    }

    @Test
    void healthyPoolsSayWhyNothingWasDeducted() {
        HealthScore score = ScoreModel.score(input(List.of(healthyPool("a")), List.of(), null, null));
        assertThat(component(score, "pools").subScore()).isEqualTo(100.0);
        assertThat(component(score, "pools").reasons())
                .containsExactly("all 1 active pools within target (no timeouts, no waiting threads, wait ≤ 0.05 s)");
        assertThat(score.reasons()).containsExactly("every component with data is within its target");
    }

    @Test
    void anIdlePoolIsNoData() {
        Pool idle = Pool.of("idle", 10, 0, 10, 0, 0, 0);
        HealthScore score = ScoreModel.score(input(List.of(idle), List.of(cache("c", 80, 20)), null, null));
        assertThat(component(score, "pools").status()).isEqualTo("no_data");
        assertThat(component(score, "pools").subScore()).isNull();
        assertThat(score.performanceScore()).isEqualTo(77.5);
    }

    // ---- caches ---------------------------------------------------------------------------

    @Test
    void cachesAreWeightedByTraffic() {
        HealthScore score = ScoreModel.score(input(List.of(), List.of(cache("small", 900, 100), cache("big", 2850, 150)),
                null, null));

        Component caches = component(score, "caches");
        // (92.5 × 1000 + 100 × 3000) / 4000
        assertThat(caches.subScore()).isEqualTo(98.1);
        assertThat(caches.reasons()).containsExactly(
                "cache small: hit rate 90.0% (≥ 85% good) over 1000 requests (25.0% of cache traffic) → 92.5");
    }

    @Test
    void aCacheWithoutLookupsDoesNotCount() {
        HealthScore score = ScoreModel.score(input(List.of(), List.of(cache("cold", 0, 0), cache("c", 800, 200)),
                null, null));
        assertThat(component(score, "caches").subScore()).isEqualTo(77.5);
    }

    // ---- SQL ------------------------------------------------------------------------------

    @Test
    void sqlTakesTheWorseOfP99AndErrorRate() {
        HealthScore score = ScoreModel.score(input(List.of(), List.of(), sql(1000, 30, 0.35), null));
        Component sql = component(score, "sql");
        assertThat(sql.subScore()).isEqualTo(77.5);
        assertThat(sql.reasons()).containsExactly(
                "sql: p99 0.350 s (≤ 0.5 s good) over 1000 calls → 92.5",
                "sql: 30 errors in 1000 calls (3.0%, ≤ 5% warning) → 77.5");
    }

    // ---- availability ---------------------------------------------------------------------

    @Test
    void availabilityIsTheShareOfAvailableSamples() {
        HealthScore score = ScoreModel.score(input(List.of(), List.of(), null, available(1000, 985)));
        Component availability = component(score, "availability");
        assertThat(availability.subScore()).isEqualTo(35.0);
        assertThat(availability.reasons()).containsExactly(
                "availability: 985 of 1000 samples available (98.50%, < 99% critical) → 35.0");
    }

    // ---- overall --------------------------------------------------------------------------

    @Test
    void overallIsTheWeightedMeanOfComponentsWithData() {
        // pools 100 (weight 0.35), availability 85 (weight 0.20); caches and SQL have no data.
        HealthScore score = ScoreModel.score(input(List.of(healthyPool("a")), List.of(), null, available(1000, 995)));
        assertThat(score.performanceScore()).isEqualTo(94.5); // (35 + 17) / 0.55 = 94.545…
        assertThat(component(score, "caches").status()).isEqualTo("no_data");
        assertThat(component(score, "sql").status()).isEqualTo("no_data");
        assertThat(component(score, "sql").reasons()).containsExactly("no SQL executed in the window; left out");
        assertThat(score.systemHealth()).isEqualTo("healthy");
    }

    @Test
    void noDataAnywhereGivesNoScore() {
        HealthScore score = ScoreModel.score(input(List.of(), List.of(), null, null));
        assertThat(score.performanceScore()).isNull();
        assertThat(score.systemHealth()).isEqualTo("healthy");
        assertThat(score.components()).extracting(Component::status).containsOnly("no_data");
        assertThat(score.reasons()).containsExactly("no component had data in the window; nothing to score");
    }

    @Test
    void aStarvingPoolCannotHideBehindPerfectCaches() {
        HealthScore score = ScoreModel.score(input(List.of(pool("orders-pool", 10, 4, 0, 800, 0, 0.734)),
                List.of(cache("a", 990, 10), cache("b", 9900, 100)), sql(1000, 0, 0.01), available(1000, 1000)));

        // weighted mean = 0.35 × 37.24 + 0.65 × 100 = 78.0, capped by the critical pools component
        assertThat(score.performanceScore()).isEqualTo(37.2);
        assertThat(score.systemHealth()).isEqualTo("critical");
        assertThat(score.reasons()).containsExactly(
                "pool orders-pool: p99 wait 0.734 s (> 0.5 s critical) → 37.2",
                "overall capped at 37.2 by critical component pools (weighted mean 78.0)");
    }

    @Test
    void aCriticalComponentJustBelowTheEdgeShowsAtMost69Point9() {
        HealthScore score = ScoreModel.score(input(List.of(pool("p", 10, 4, 0, 800, 0, 0.5003)),
                List.of(cache("a", 990, 10)), null, null));
        assertThat(component(score, "pools").subScore()).isEqualTo(69.9);
        assertThat(component(score, "pools").status()).isEqualTo("critical");
        assertThat(score.performanceScore()).isEqualTo(69.9);
        assertThat(score.systemHealth()).isEqualTo("critical");
    }

    @ParameterizedTest(name = "hit rate {0}/1000 → {1}, {2}")
    @CsvSource({"950, 100.0, healthy", "850, 85.0, healthy", "848, 84.7, degraded", "750, 70.0, degraded",
            "749, 69.7, critical"})
    void healthIsTheWorstComponentStatus(long hits, double subScore, String health) {
        HealthScore score = ScoreModel.score(input(List.of(healthyPool("a")), List.of(cache("c", hits, 1000 - hits)),
                null, null));
        assertThat(component(score, "caches").subScore()).isEqualTo(subScore);
        assertThat(score.systemHealth()).isEqualTo(health);
    }

    @ParameterizedTest(name = "sql p99 {0} s → {1}")
    @CsvSource({"0.5, healthy", "0.501, degraded", "1.0, degraded", "1.001, critical"})
    void sqlEdgesSetTheHealth(double p99, String health) {
        HealthScore score = ScoreModel.score(input(List.of(), List.of(), sql(100, 0, p99), null));
        assertThat(score.systemHealth()).isEqualTo(health);
    }

    // ---- scenarios ------------------------------------------------------------------------

    @Test
    void steadyIsHealthyAndAtLeast80() {
        HealthScore score = ScoreModel.score(Scenarios.steady());
        assertThat(score.systemHealth()).isEqualTo("healthy");
        assertThat(score.performanceScore()).isGreaterThanOrEqualTo(80.0);
    }

    @Test
    void poolStarvationIsBelow70AndNamesThePoolWithItsNumbers() {
        HealthScore score = ScoreModel.score(Scenarios.poolStarvation());
        assertThat(score.performanceScore()).isLessThan(70.0);
        assertThat(score.systemHealth()).isNotEqualTo("healthy");
        assertThat(score.reasons()).contains(
                "pool orders-pool: p99 wait 2.871 s (> 0.5 s critical) → 0.0",
                "pool orders-pool: 14 connection timeouts in 300 s (1.4% of 1014 borrow attempts) → 51.7",
                "pool orders-pool: 6 threads waiting with 10/10 active (0.60 waiting per connection, > 0.5 critical) → 56.0");
    }

    @Test
    void cacheThrashDropsTheCacheComponentAndNamesTheCache() {
        HealthScore steady = ScoreModel.score(Scenarios.steady());
        HealthScore thrash = ScoreModel.score(Scenarios.cacheThrash());
        assertThat(component(thrash, "caches").subScore()).isLessThan(component(steady, "caches").subScore());
        assertThat(component(thrash, "caches").status()).isEqualTo("critical");
        assertThat(component(thrash, "caches").reasons()).anyMatch(r -> r.startsWith("cache customers: hit rate 40.0%"));
    }

    @Test
    void slowQueriesDropTheSqlComponentAndNameTheStatement() {
        HealthScore score = ScoreModel.score(Scenarios.slowQueries());
        Component sql = component(score, "sql");
        assertThat(sql.status()).isEqualTo("critical");
        assertThat(sql.reasons()).containsExactly(
                "sql: p99 1.800 s (> 1 s critical) over 2000 calls → 14.0",
                "sql: most time in SELECT * FROM orders WHERE customer_id = ? ORDER BY created_at: 180.000 s over 120"
                        + " calls (avg 1.500 s, 90.0% of SQL time)");
    }

    /** Inputs shaped like the sample app's scenarios. */
    static final class Scenarios {

        static ScoreInput steady() {
            return input(List.of(new Pool("orders-pool", 10, 3, 7, 0, 12_000, 0, 0.001, 0.004, 0.015, 5, 1)),
                    List.of(cache("customers", 9700, 300), cache("products", 4800, 200)),
                    new Sql(12_000, 2, 0.045, 120, 8, List.of(new Statement("SELECT * FROM orders WHERE id = ?", 60, 6000)),
                            0.0),
                    available(30, 30));
        }

        static ScoreInput poolStarvation() {
            return input(List.of(new Pool("orders-pool", 10, 10, 0, 6, 1000, 14, 0.9, 2.871, 0.4, 10, 10)),
                    List.of(cache("customers", 9700, 300)),
                    new Sql(1000, 0, 0.35, 400, 8, List.of(), 0.0),
                    available(30, 25));
        }

        static ScoreInput cacheThrash() {
            return input(List.of(new Pool("orders-pool", 10, 3, 7, 0, 12_000, 0, 0.001, 0.004, 0.015, 5, 1)),
                    List.of(new Cache("customers", 4000, 6000, 5900, 0, 6000, 0, 1000L, 1000, null, null),
                            cache("products", 4800, 200)),
                    new Sql(12_000, 2, 0.045, 120, 8, List.of(), 0.0),
                    available(30, 30));
        }

        static ScoreInput slowQueries() {
            return input(List.of(new Pool("orders-pool", 10, 3, 7, 0, 2000, 0, 0.001, 0.004, 1.6, 5, 1)),
                    List.of(cache("customers", 9700, 300)),
                    new Sql(2000, 0, 1.8, 200, 8, List.of(
                            new Statement("SELECT * FROM orders WHERE id = ?", 15, 1500),
                            new Statement("SELECT * FROM orders WHERE customer_id = ? ORDER BY created_at", 180, 120)),
                            0.0),
                    available(30, 30));
        }
    }
}
