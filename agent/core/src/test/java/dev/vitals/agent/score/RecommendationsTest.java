package dev.vitals.agent.score;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.agent.score.ScoreInput.Availability;
import dev.vitals.agent.score.ScoreInput.Cache;
import dev.vitals.agent.score.ScoreInput.Pool;
import dev.vitals.agent.score.ScoreInput.Sql;
import dev.vitals.agent.score.ScoreInput.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecommendationsTest {

    static final Pool QUIET_POOL = new Pool("quiet", 4, 2, 2, 0, 1000, 0, 0.001, 0.003, 0.01, 2, 1);
    static final Cache QUIET_CACHE = new Cache("quiet", 970, 30, 0, 0, 30, 0, 10_000L, 900, 600.0, null);
    static final Sql QUIET_SQL = new Sql(1000, 1, 0.05, 10, 5, List.of(new Statement("SELECT 1", 1, 500)), 0.001);

    static ScoreInput input(List<Pool> pools, List<Cache> caches, Sql sql) {
        return new ScoreInput(300, pools, caches, sql, new Availability(30, 30));
    }

    static ScoreInput pools(Pool... pools) {
        return input(List.of(pools), List.of(QUIET_CACHE), QUIET_SQL);
    }

    static ScoreInput caches(Cache... caches) {
        return input(List.of(QUIET_POOL), List.of(caches), QUIET_SQL);
    }

    static ScoreInput sql(Sql sql) {
        return input(List.of(QUIET_POOL), List.of(QUIET_CACHE), sql);
    }

    static Optional<Recommendation> find(ScoreInput in, String id) {
        return Recommendations.evaluate(in).stream().filter(r -> r.id().equals(id)).findFirst();
    }

    static Recommendation fired(ScoreInput in, String id) {
        return find(in, id).orElseThrow(() -> new AssertionError(id + " did not fire: " + Recommendations.evaluate(in)));
    }

    // ---- optimal --------------------------------------------------------------------------

    @Test
    void optimalOnlyWhenNothingFires() {
        List<Recommendation> all = Recommendations.evaluate(input(List.of(QUIET_POOL), List.of(QUIET_CACHE), QUIET_SQL));
        assertThat(all).containsExactly(new Recommendation("optimal", "info", "system", "System performance is optimal",
                "no rule fired over 300 s for 1 pools, 1 caches (1000 lookups) and 1000 SQL calls", "none needed"));

        List<Recommendation> one = Recommendations.evaluate(pools(QUIET_POOL, Pool.of("big", 20, 1, 19, 0, 10, 0)));
        assertThat(one).extracting(Recommendation::id).containsExactly("pool-oversized");
    }

    // ---- pools ----------------------------------------------------------------------------

    @Test
    void poolTooSmallWithTimeoutsIsCritical() {
        Recommendation r = fired(pools(new Pool("orders", 10, 10, 0, 6, 1000, 14, 0.9, 2.871, 0.4, 10, 6)),
                "pool-too-small");
        assertThat(r).isEqualTo(new Recommendation("pool-too-small", "critical", "pool:orders", "Pool orders is too small",
                "pool orders timed out 14 times in 300 s with 10/10 active at the peak and 6 threads waiting (p99 wait 2.871 s)",
                "raise maximumPoolSize from 10 to 15 or shorten transactions"));
    }

    @Test
    void poolTooSmallWithOnlyWaitersIsAWarningAndGrowsByTheWaiters() {
        Recommendation r = fired(pools(Pool.of("orders", 10, 10, 0, 2, 1000, 0)), "pool-too-small");
        assertThat(r.severity()).isEqualTo("warning");
        assertThat(r.evidence()).isEqualTo("pool orders timed out 0 times in 300 s with 10/10 active at the peak and 2 threads waiting");
        assertThat(r.action()).isEqualTo("raise maximumPoolSize from 10 to 12 or shorten transactions");
    }

    @Test
    void poolTooSmallWithOnlyTimeoutsGrowsByAQuarter() {
        Recommendation r = fired(pools(Pool.of("orders", 10, 10, 0, 0, 1000, 3)), "pool-too-small");
        assertThat(r.action()).isEqualTo("raise maximumPoolSize from 10 to 13 or shorten transactions");
    }

    @Test
    void poolTooSmallNeedsEveryConnectionActiveAndSomeoneStarved() {
        assertThat(find(pools(Pool.of("orders", 10, 9, 1, 6, 1000, 14)), "pool-too-small")).isEmpty();
        assertThat(find(pools(Pool.of("orders", 10, 10, 0, 0, 1000, 0)), "pool-too-small")).isEmpty();
    }

    @Test
    void suspectedLeakFiresAtTwoSecondsOfUsageWithThePoolPinned() {
        Recommendation r = fired(pools(new Pool("orders", 10, 10, 0, 0, 50, 0, 0.01, 0.02, 2.0, 10, 10)),
                "pool-suspected-leak");
        assertThat(r).isEqualTo(new Recommendation("pool-suspected-leak", "critical", "pool:orders",
                "Pool orders: suspected connection leak or long transactions",
                "pool orders held connections for 2.000 s at p99 (≥ 2 s) with 10/10 active at the least over 300 s",
                "set leakDetectionThreshold (e.g. 2000 ms) to find who holds connections; close them promptly and keep"
                        + " slow work (remote calls, file I/O) outside transactions"));
    }

    @Test
    void suspectedLeakNeedsLongUsageAndAPinnedPool() {
        assertThat(find(pools(new Pool("orders", 10, 10, 0, 0, 50, 0, 0.01, 0.02, 1.999, 10, 10)),
                "pool-suspected-leak")).isEmpty();
        assertThat(find(pools(new Pool("orders", 10, 10, 0, 0, 50, 0, 0.01, 0.02, 5.0, 10, 9)),
                "pool-suspected-leak")).isEmpty();
    }

    @Test
    void oversizedFiresAtAQuarterOfThePool() {
        Recommendation r = fired(pools(new Pool("reports", 20, 2, 18, 0, 300, 0, 0.001, 0.002, 0.01, 5, 0)),
                "pool-oversized");
        assertThat(r).isEqualTo(new Recommendation("pool-oversized", "info", "pool:reports", "Pool reports is oversized",
                "pool reports had at most 5 of 20 connections active in 300 s (25.0%), no threads waiting, no timeouts",
                "lower maximumPoolSize from 20 to 10 (and minimumIdle with it) to free database connections"));
    }

    @Test
    void oversizedDoesNotFireJustAboveAQuarterOrForSmallPools() {
        assertThat(find(pools(new Pool("reports", 20, 2, 18, 0, 300, 0, 0.001, 0.002, 0.01, 6, 0)),
                "pool-oversized")).isEmpty();
        assertThat(find(pools(new Pool("tiny", 4, 0, 4, 0, 300, 0, 0.001, 0.002, 0.01, 1, 0)),
                "pool-oversized")).isEmpty();
    }

    // ---- caches ---------------------------------------------------------------------------

    static Cache bounded(String name, long hits, long misses, long evictions, long size) {
        return new Cache(name, hits, misses, evictions, 0, misses, 0, 1000L, size, null, null);
    }

    @Test
    void cacheTooSmallFiresAtEvictionsOfTenPercentOfRequests() {
        Recommendation r = fired(caches(bounded("customers", 4000, 6000, 1000, 1000)), "cache-too-small");
        assertThat(r).isEqualTo(new Recommendation("cache-too-small", "warning", "cache:customers",
                "Cache customers is too small",
                "cache customers: hit rate 40.0% over 10000 requests with 1000 evictions (10.0% of requests) at"
                        + " 1000/1000 entries",
                "raise maximumSize from 1000 to 2000 (or cache less per entry)"));
    }

    @Test
    void cacheTooSmallDoesNotFireJustBelowItsTriggers() {
        assertThat(find(caches(bounded("customers", 4000, 6000, 999, 1000)), "cache-too-small")).isEmpty();
        assertThat(find(caches(bounded("customers", 8500, 1500, 5000, 1000)), "cache-too-small")).isEmpty();
        assertThat(find(caches(bounded("customers", 40, 59, 59, 1000)), "cache-too-small")).isEmpty();
    }

    @Test
    void cacheNotEarningItsKeepFiresAtFivePercent() {
        Cache sessions = new Cache("sessions", 5, 95, 0, 0, 95, 0, null, 95, null, null);
        Recommendation r = fired(caches(sessions), "cache-not-earning-its-keep");
        assertThat(r).isEqualTo(new Recommendation("cache-not-earning-its-keep", "warning", "cache:sessions",
                "Cache sessions is not earning its keep",
                "cache sessions: hit rate 5.0% over 100 requests (5 hits, 95 misses, 95 loads)",
                "check the cache key (a key holding a timestamp or a fresh object never hits again) or remove the"
                        + " cache: every lookup costs time and every entry memory"));
    }

    @Test
    void cacheNotEarningItsKeepDoesNotFireJustAboveOrWithoutTraffic() {
        assertThat(find(caches(new Cache("sessions", 6, 94, 0, 0, 94, 0, null, 94, null, null)),
                "cache-not-earning-its-keep")).isEmpty();
        assertThat(find(caches(new Cache("sessions", 0, 99, 0, 0, 99, 0, null, 99, null, null)),
                "cache-not-earning-its-keep")).isEmpty();
    }

    static Cache expiring(long hits, long misses, long evictions, long loads, long size, Double afterWrite) {
        return new Cache("prices", hits, misses, evictions, 0, loads, 0, 10_000L, size, afterWrite, null);
    }

    @Test
    void expiryTooShortFiresWhenLoadsAreTwiceTheEvictionsAtHalfFull() {
        Recommendation r = fired(caches(expiring(600, 400, 200, 400, 5000, 1.0)), "cache-expiry-too-short");
        assertThat(r).isEqualTo(new Recommendation("cache-expiry-too-short", "warning", "cache:prices",
                "Cache prices: expiry too short",
                "cache prices: hit rate 60.0% over 1000 requests; 400 loads vs 200 size evictions at 5000/10000"
                        + " entries (50.0% full); expireAfterWrite 1 s",
                "lengthen expireAfterWrite from 1 s to 2 s, or use refreshAfterWrite to reload in the background"));
    }

    @Test
    void expiryTooShortNamesExpireAfterAccessWhenThatIsTheSetting() {
        Cache cache = new Cache("prices", 600, 400, 0, 300, 400, 0, null, 80, null, 30.0);
        Recommendation r = fired(caches(cache), "cache-expiry-too-short");
        assertThat(r.evidence()).isEqualTo("cache prices: hit rate 60.0% over 1000 requests; 400 loads vs 0 size"
                + " evictions at 80 entries (unbounded); expireAfterAccess 30 s");
        assertThat(r.action()).startsWith("lengthen expireAfterAccess from 30 s to 60 s");
    }

    @Test
    void expiryTooShortDoesNotFireJustPastItsTriggers() {
        assertThat(find(caches(expiring(600, 400, 200, 400, 5001, 1.0)), "cache-expiry-too-short")).isEmpty();
        assertThat(find(caches(expiring(600, 400, 200, 399, 5000, 1.0)), "cache-expiry-too-short")).isEmpty();
        assertThat(find(caches(expiring(850, 150, 0, 150, 5000, 1.0)), "cache-expiry-too-short")).isEmpty();
        assertThat(find(caches(expiring(600, 400, 200, 400, 5000, null)), "cache-expiry-too-short")).isEmpty();
    }

    // ---- SQL ------------------------------------------------------------------------------

    @Test
    void slowSqlNamesTheStatementWithTheMostTime() {
        Recommendation r = fired(input(List.of(QUIET_POOL), List.of(QUIET_CACHE), ScoreModelTest.Scenarios.slowQueries().sql()),
                "sql-slow");
        assertThat(r).isEqualTo(new Recommendation("sql-slow", "critical", "sql", "SQL is slow",
                "SQL p99 1.800 s (> 1 s critical) over 2000 calls; most time in SELECT * FROM orders WHERE"
                        + " customer_id = ? ORDER BY created_at 180.000 s over 120 calls (90.0%)",
                "speed up SELECT * FROM orders WHERE customer_id = ? ORDER BY created_at first: EXPLAIN it, add the"
                        + " missing index, fetch fewer rows"));
    }

    @ParameterizedTest(name = "p99 {0} s → {1}")
    @CsvSource({"0.5, none", "0.501, warning", "1.0, warning", "1.001, critical"})
    void slowSqlSeverityFollowsTheTable(double p99, String severity) {
        Optional<Recommendation> r = find(sql(new Sql(1000, 0, p99, 10, 5, List.of(), null)), "sql-slow");
        assertThat(r.map(Recommendation::severity).orElse("none")).isEqualTo(severity);
    }

    static Sql timed(int statementCount, double... seconds) {
        List<Statement> top = new java.util.ArrayList<>();
        for (int i = 0; i < seconds.length; i++) {
            top.add(new Statement("SELECT " + (char) ('A' + i), seconds[i], 10L * (i + 1)));
        }
        return new Sql(1000, 0, 0.05, 100, statementCount, top, null);
    }

    @Test
    void aFewStatementsDominatingFireAtSixtyPercent() {
        Recommendation r = fired(sql(timed(10, 40, 20, 5)), "sql-dominant-statements");
        assertThat(r).isEqualTo(new Recommendation("sql-dominant-statements", "info", "sql",
                "2 statements dominate SQL time",
                "2 of 10 statements took 60.0% of 100.000 s SQL time in 300 s: SELECT A 40.000 s over 10 calls"
                        + " (40.0%); SELECT B 20.000 s over 20 calls (20.0%)",
                "optimise these first: EXPLAIN, add the missing index, batch the calls or cache the results"));
    }

    @Test
    void aFewStatementsDoNotDominateJustBelowSixtyPercentOrWhenTheyAreAll() {
        assertThat(find(sql(timed(10, 40, 10, 9.9)), "sql-dominant-statements")).isEmpty();
        assertThat(find(sql(timed(2, 40, 20)), "sql-dominant-statements")).isEmpty();
        assertThat(find(sql(new Sql(1000, 0, 0.05, 0.9, 10, List.of(new Statement("SELECT A", 0.9, 10)), null)),
                "sql-dominant-statements")).isEmpty();
    }

    @Test
    void risingErrorRateFiresAtOnePointAndDouble() {
        Recommendation r = fired(sql(new Sql(1000, 20, 0.05, 10, 5, List.of(), 0.01)), "sql-error-rate-rising");
        assertThat(r).isEqualTo(new Recommendation("sql-error-rate-rising", "warning", "sql", "SQL error rate rising",
                "SQL error rate 2.0% (20 of 1000 calls) vs 1.0% in the previous window",
                "look at the failing statements and the database log: errors rose by 1.0 points"));
        assertThat(fired(sql(new Sql(1000, 60, 0.05, 10, 5, List.of(), 0.01)), "sql-error-rate-rising").severity())
                .isEqualTo("critical");
    }

    @Test
    void risingErrorRateDoesNotFireJustBelowItsTriggers() {
        assertThat(find(sql(new Sql(1000, 19, 0.05, 10, 5, List.of(), 0.01)), "sql-error-rate-rising")).isEmpty();
        assertThat(find(sql(new Sql(1000, 35, 0.05, 10, 5, List.of(), 0.02)), "sql-error-rate-rising")).isEmpty();
        assertThat(find(sql(new Sql(1000, 50, 0.05, 10, 5, List.of(), null)), "sql-error-rate-rising")).isEmpty();
        assertThat(find(sql(new Sql(99, 50, 0.05, 10, 5, List.of(), 0.0)), "sql-error-rate-rising")).isEmpty();
    }

    // ---- order and scenarios ----------------------------------------------------------------

    @Test
    void criticalComesFirstThenWarningThenInfo() {
        ScoreInput in = input(
                List.of(new Pool("reports", 20, 1, 19, 0, 10, 0, null, null, null, 2, 0),
                        Pool.of("orders", 10, 10, 0, 6, 1000, 14)),
                List.of(bounded("customers", 4000, 6000, 1000, 1000)), QUIET_SQL);
        assertThat(Recommendations.evaluate(in)).extracting(Recommendation::id)
                .containsExactly("pool-too-small", "cache-too-small", "pool-oversized");
    }

    @Test
    void poolStarvationRecommendationNamesThePoolWithItsNumbers() {
        assertThat(fired(ScoreModelTest.Scenarios.poolStarvation(), "pool-too-small").evidence()).isEqualTo(
                "pool orders-pool timed out 14 times in 300 s with 10/10 active at the peak and 6 threads waiting (p99 wait 2.871 s)");
    }

    @Test
    void cacheThrashRecommendationNamesTheCache() {
        Recommendation r = fired(ScoreModelTest.Scenarios.cacheThrash(), "cache-too-small");
        assertThat(r.resource()).isEqualTo("cache:customers");
        assertThat(r.evidence()).startsWith("cache customers: hit rate 40.0% over 10000 requests with 5900 evictions");
    }

    @Test
    void steadyIsOptimal() {
        assertThat(Recommendations.evaluate(ScoreModelTest.Scenarios.steady())).extracting(Recommendation::id)
                .containsExactly("optimal");
    }
}
