package dev.vitals.agent.score;

import dev.vitals.agent.score.ScoreInput.Cache;
import dev.vitals.agent.score.ScoreInput.Pool;
import dev.vitals.agent.score.ScoreInput.Sql;
import dev.vitals.agent.score.ScoreInput.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Deterministic recommendation rules over one {@link ScoreInput} window. Each rule, its trigger
 * and its action text are stated in {@code docs/SCORING.md}. "System performance is optimal" is
 * returned only when no rule fires.
 *
 * <p>Order: by severity (critical, warning, info); within one severity, in the order the rules
 * are listed here; within one rule, in the input's order of pools and caches.
 *
 * <p>Threading: stateless; {@link #evaluate(ScoreInput)} may be called from any thread.
 */
public final class Recommendations {

    public static final String POOL_TOO_SMALL = "pool-too-small";
    public static final String POOL_LEAK = "pool-suspected-leak";
    public static final String POOL_OVERSIZED = "pool-oversized";
    public static final String CACHE_TOO_SMALL = "cache-too-small";
    public static final String CACHE_USELESS = "cache-not-earning-its-keep";
    public static final String CACHE_EXPIRY_TOO_SHORT = "cache-expiry-too-short";
    public static final String SQL_SLOW = "sql-slow";
    public static final String SQL_DOMINANT = "sql-dominant-statements";
    public static final String SQL_ERRORS_RISING = "sql-error-rate-rising";
    public static final String OPTIMAL = "optimal";

    /** p99 time a connection is held at or above which an always-full pool suggests a leak, seconds. */
    public static final double LEAK_USAGE_SECONDS = 2.0;
    /** Largest share of {@code maximumPoolSize} the peak may use for the pool to count as oversized. */
    public static final double OVERSIZED_PEAK_SHARE = 0.25;
    /** Smallest {@code maximumPoolSize} worth shrinking: pools this small or smaller are left alone. */
    public static final int OVERSIZED_MIN_POOL = 4;
    /** Floor of the suggested smaller pool size. */
    public static final int OVERSIZED_MIN_SUGGESTION = 2;
    /** Fewest lookups in the window before a cache rule may judge a cache. */
    public static final long MIN_CACHE_REQUESTS = 100;
    /** Size evictions per lookup at or above which a low-hit cache is too small. */
    public static final double EVICTIONS_PER_REQUEST = 0.10;
    /** Hit rate at or below which a cache with traffic is not earning its keep. */
    public static final double USELESS_HIT_RATE = 0.05;
    /** Largest fill (size / maxSize) at which reloads cannot come from size pressure. */
    public static final double EXPIRY_MAX_FILL = 0.5;
    /** Loads per size eviction at or above which loads are dominated by expiry. */
    public static final double LOADS_PER_EVICTION = 2.0;
    /** Factor by which the expiry and cache size suggestions grow. */
    public static final int GROWTH_FACTOR = 2;
    /** Most statements that may count as "a few". */
    public static final int DOMINANT_MAX_STATEMENTS = 3;
    /** Share of total SQL time those few must reach. */
    public static final double DOMINANT_SHARE = 0.6;
    /** Least total SQL time in the window for the dominance rule to matter, seconds. */
    public static final double DOMINANT_MIN_TOTAL_SECONDS = 1.0;
    /** Fewest SQL calls in the window before the error-rate rule may judge. */
    public static final long MIN_SQL_CALLS = 100;
    /** Rise of the error rate over the previous window (absolute, 0.01 = 1 point) that fires the rule. */
    public static final double ERROR_RATE_RISE = 0.01;
    /** The current error rate must also be at least this multiple of the previous one. */
    public static final double ERROR_RATE_RATIO = 2.0;

    private Recommendations() {
    }

    /** All recommendations for the window; a single {@link #OPTIMAL} one when no rule fires. */
    public static List<Recommendation> evaluate(ScoreInput in) {
        List<Recommendation> out = new ArrayList<>();
        String window = ScoreText.window(in.windowSeconds());
        for (Pool pool : in.pools()) {
            poolTooSmall(pool, window, out);
        }
        for (Pool pool : in.pools()) {
            poolLeak(pool, window, out);
        }
        for (Pool pool : in.pools()) {
            poolOversized(pool, window, out);
        }
        for (Cache cache : in.caches()) {
            cacheTooSmall(cache, out);
        }
        for (Cache cache : in.caches()) {
            cacheUseless(cache, out);
        }
        for (Cache cache : in.caches()) {
            expiryTooShort(cache, out);
        }
        sqlSlow(in.sql(), out);
        sqlDominant(in.sql(), window, out);
        errorsRising(in.sql(), out);
        if (out.isEmpty()) {
            long requests = in.caches().stream().mapToLong(Cache::requests).sum();
            out.add(new Recommendation(OPTIMAL, Recommendation.INFO, "system", "System performance is optimal",
                    "no rule fired over " + window + " for " + in.pools().size() + " pools, " + in.caches().size()
                            + " caches (" + requests + " lookups) and " + in.sql().calls() + " SQL calls",
                    "none needed"));
        }
        out.sort(Comparator.comparingInt(Recommendation::rank));
        return List.copyOf(out);
    }

    /** Timeouts or waiting threads while every connection is lent out. */
    private static void poolTooSmall(Pool pool, String window, List<Recommendation> out) {
        // The window's peak, not its last sample: timeouts happen while the pool is full, and it
        // may have drained by the time the window ends.
        if ((pool.timeouts() == 0 && pool.pending() == 0) || pool.peakOrActive() < pool.maxPoolSize()) {
            return;
        }
        int max = pool.maxPoolSize();
        int growth = pool.pending() > 0
                ? Math.min(pool.pending(), ceilDiv(max, 2))
                : Math.max(1, ceilDiv(max, 4));
        String wait = pool.scoredWaitSeconds() == null ? ""
                : " (" + (pool.p99WaitSeconds() != null ? "p99" : "avg") + " wait "
                        + ScoreText.seconds(pool.scoredWaitSeconds()) + " s)";
        out.add(new Recommendation(POOL_TOO_SMALL,
                pool.timeouts() > 0 ? Recommendation.CRITICAL : Recommendation.WARNING,
                "pool:" + pool.name(), "Pool " + pool.name() + " is too small",
                "pool " + pool.name() + " timed out " + pool.timeouts() + " times in " + window + " with "
                        + pool.peakOrActive() + "/" + max + " active at the peak and " + pool.pending()
                        + " threads waiting" + wait,
                "raise maximumPoolSize from " + max + " to " + (max + growth) + " or shorten transactions"));
    }

    /** Connections held long while the pool stays full all window. */
    private static void poolLeak(Pool pool, String window, List<Recommendation> out) {
        Double usage = pool.p99UsageSeconds();
        if (usage == null || usage < LEAK_USAGE_SECONDS || pool.lowestOrActive() < pool.maxPoolSize()) {
            return;
        }
        out.add(new Recommendation(POOL_LEAK, Recommendation.CRITICAL, "pool:" + pool.name(),
                "Pool " + pool.name() + ": suspected connection leak or long transactions",
                "pool " + pool.name() + " held connections for " + ScoreText.seconds(usage) + " s at p99 (≥ "
                        + ScoreText.limit(LEAK_USAGE_SECONDS) + " s) with " + pool.lowestOrActive() + "/"
                        + pool.maxPoolSize() + " active at the least over " + window,
                "set leakDetectionThreshold (e.g. " + Math.round(LEAK_USAGE_SECONDS * 1000)
                        + " ms) to find who holds connections; close them promptly and keep slow work (remote"
                        + " calls, file I/O) outside transactions"));
    }

    /** At most a quarter of the pool used at the busiest moment, nobody waiting. */
    private static void poolOversized(Pool pool, String window, List<Recommendation> out) {
        int max = pool.maxPoolSize();
        int peak = pool.peakOrActive();
        if (max <= OVERSIZED_MIN_POOL || pool.timeouts() > 0 || pool.pending() > 0
                || peak > max * OVERSIZED_PEAK_SHARE) {
            return;
        }
        int suggested = Math.max(OVERSIZED_MIN_SUGGESTION, 2 * peak);
        out.add(new Recommendation(POOL_OVERSIZED, Recommendation.INFO, "pool:" + pool.name(),
                "Pool " + pool.name() + " is oversized",
                "pool " + pool.name() + " had at most " + peak + " of " + max + " connections active in " + window
                        + " (" + ScoreText.percent((double) peak / max) + "), no threads waiting, no timeouts",
                "lower maximumPoolSize from " + max + " to " + suggested
                        + " (and minimumIdle with it) to free database connections"));
    }

    /** Low hit rate with many size evictions: the working set does not fit. */
    private static void cacheTooSmall(Cache cache, List<Recommendation> out) {
        Double hitRate = cache.hitRate();
        if (cache.requests() < MIN_CACHE_REQUESTS || cache.maxSize() == null || hitRate >= ScoreModel.HIT_RATE.good()
                || cache.evictions() < EVICTIONS_PER_REQUEST * cache.requests()) {
            return;
        }
        out.add(new Recommendation(CACHE_TOO_SMALL, Recommendation.WARNING, "cache:" + cache.name(),
                "Cache " + cache.name() + " is too small",
                "cache " + cache.name() + ": hit rate " + ScoreText.percent(hitRate) + " over " + cache.requests()
                        + " requests with " + cache.evictions() + " evictions ("
                        + ScoreText.percent((double) cache.evictions() / cache.requests()) + " of requests) at "
                        + cache.size() + "/" + cache.maxSize() + " entries",
                "raise maximumSize from " + cache.maxSize() + " to " + cache.maxSize() * GROWTH_FACTOR
                        + " (or cache less per entry)"));
    }

    /** Traffic but (almost) never a hit. */
    private static void cacheUseless(Cache cache, List<Recommendation> out) {
        Double hitRate = cache.hitRate();
        if (cache.requests() < MIN_CACHE_REQUESTS || hitRate > USELESS_HIT_RATE) {
            return;
        }
        out.add(new Recommendation(CACHE_USELESS, Recommendation.WARNING, "cache:" + cache.name(),
                "Cache " + cache.name() + " is not earning its keep",
                "cache " + cache.name() + ": hit rate " + ScoreText.percent(hitRate) + " over " + cache.requests()
                        + " requests (" + cache.hits() + " hits, " + cache.misses() + " misses, " + cache.loads()
                        + " loads)",
                "check the cache key (a key holding a timestamp or a fresh object never hits again) or remove"
                        + " the cache: every lookup costs time and every entry memory"));
    }

    /** Reloads with no size pressure: entries expire before they are used again. */
    private static void expiryTooShort(Cache cache, List<Recommendation> out) {
        Double hitRate = cache.hitRate();
        if (!cache.expires() || cache.requests() < MIN_CACHE_REQUESTS || hitRate >= ScoreModel.HIT_RATE.good()
                || (cache.maxSize() != null && cache.size() > EXPIRY_MAX_FILL * cache.maxSize())
                || cache.loads() == 0 || cache.loads() < LOADS_PER_EVICTION * cache.evictions()) {
            return;
        }
        boolean write = cache.expireAfterWriteSeconds() != null;
        String setting = write ? "expireAfterWrite" : "expireAfterAccess";
        double seconds = write ? cache.expireAfterWriteSeconds() : cache.expireAfterAccessSeconds();
        String fill = cache.maxSize() == null ? cache.size() + " entries (unbounded)"
                : cache.size() + "/" + cache.maxSize() + " entries ("
                        + ScoreText.percent(cache.maxSize() == 0 ? 0 : (double) cache.size() / cache.maxSize())
                        + " full)";
        out.add(new Recommendation(CACHE_EXPIRY_TOO_SHORT, Recommendation.WARNING, "cache:" + cache.name(),
                "Cache " + cache.name() + ": expiry too short",
                "cache " + cache.name() + ": hit rate " + ScoreText.percent(hitRate) + " over " + cache.requests()
                        + " requests; " + cache.loads() + " loads vs " + cache.evictions() + " size evictions at "
                        + fill + "; " + setting + " " + ScoreText.limit(seconds) + " s",
                "lengthen " + setting + " from " + ScoreText.limit(seconds) + " s to "
                        + ScoreText.limit(seconds * GROWTH_FACTOR)
                        + " s, or use refreshAfterWrite to reload in the background"));
    }

    /** p99 above the good edge: name the statement with the most time. */
    private static void sqlSlow(Sql sql, List<Recommendation> out) {
        Double p99 = sql.p99Seconds();
        if (sql.calls() == 0 || p99 == null || p99 <= ScoreModel.SQL_P99.good()) {
            return;
        }
        List<Statement> top = byTime(sql);
        String where = top.isEmpty() ? "" : "; most time in " + describe(top.get(0), sql.totalSeconds());
        out.add(new Recommendation(SQL_SLOW,
                p99 > ScoreModel.SQL_P99.critical() ? Recommendation.CRITICAL : Recommendation.WARNING, "sql",
                "SQL is slow",
                "SQL p99 " + ScoreText.seconds(p99) + " s (" + ScoreModel.SQL_P99.band(p99) + ") over " + sql.calls()
                        + " calls" + where,
                top.isEmpty() ? "find the slowest statements in the statement list; EXPLAIN them and add the missing"
                        + " indexes"
                        : "speed up " + ScoreText.sql(top.get(0).sql()) + " first: EXPLAIN it, add the missing index,"
                                + " fetch fewer rows"));
    }

    /** A few statements (at most 3) take most (≥ 60%) of the SQL time. */
    private static void sqlDominant(Sql sql, String window, List<Recommendation> out) {
        if (sql.totalSeconds() < DOMINANT_MIN_TOTAL_SECONDS) {
            return;
        }
        List<Statement> top = byTime(sql);
        double cumulative = 0;
        int k = 0;
        while (k < Math.min(DOMINANT_MAX_STATEMENTS, top.size()) && cumulative < DOMINANT_SHARE * sql.totalSeconds()) {
            cumulative += top.get(k).totalSeconds();
            k++;
        }
        if (k == 0 || cumulative < DOMINANT_SHARE * sql.totalSeconds() || sql.statementCount() <= k) {
            return;
        }
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < k; i++) {
            list.append(i == 0 ? ": " : "; ").append(describe(top.get(i), sql.totalSeconds()));
        }
        out.add(new Recommendation(SQL_DOMINANT, Recommendation.INFO, "sql",
                k == 1 ? "One statement dominates SQL time" : k + " statements dominate SQL time",
                k + " of " + sql.statementCount() + " statements took "
                        + ScoreText.percent(cumulative / sql.totalSeconds()) + " of " + ScoreText.seconds(sql.totalSeconds())
                        + " s SQL time in " + window + list,
                "optimise " + (k == 1 ? "it" : "these") + " first: EXPLAIN, add the missing index, batch the calls or"
                        + " cache the results"));
    }

    /** Error rate up by at least 1 point and at least doubled since the previous window. */
    private static void errorsRising(Sql sql, List<Recommendation> out) {
        Double previous = sql.previousErrorRate();
        if (sql.calls() < MIN_SQL_CALLS || previous == null) {
            return;
        }
        double current = sql.errorRate();
        // Compared in millionths so that a rise of exactly 1 point is not lost to floating-point error.
        if (Math.round((current - previous) * 1_000_000) < Math.round(ERROR_RATE_RISE * 1_000_000)
                || current < ERROR_RATE_RATIO * previous) {
            return;
        }
        out.add(new Recommendation(SQL_ERRORS_RISING,
                current > ScoreModel.ERROR_RATE.critical() ? Recommendation.CRITICAL : Recommendation.WARNING, "sql",
                "SQL error rate rising",
                "SQL error rate " + ScoreText.percent(current) + " (" + sql.errors() + " of " + sql.calls()
                        + " calls) vs " + ScoreText.percent(previous) + " in the previous window",
                "look at the failing statements and the database log: errors rose by "
                        + ScoreText.score((current - previous) * 100) + " points"));
    }

    private static List<Statement> byTime(Sql sql) {
        return sql.topStatements().stream()
                .sorted(Comparator.comparingDouble(Statement::totalSeconds).reversed()
                        .thenComparing(Statement::sql))
                .toList();
    }

    private static String describe(Statement s, double totalSeconds) {
        return ScoreText.sql(s.sql()) + " " + ScoreText.seconds(s.totalSeconds()) + " s over " + s.calls() + " calls"
                + (totalSeconds > 0 ? " (" + ScoreText.percent(s.totalSeconds() / totalSeconds) + ")" : "");
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
