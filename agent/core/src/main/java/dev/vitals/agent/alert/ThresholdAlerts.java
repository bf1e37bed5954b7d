package dev.vitals.agent.alert;

import dev.vitals.agent.score.HealthScore;
import dev.vitals.agent.score.Recommendations;
import dev.vitals.agent.score.ScoreInput;
import dev.vitals.agent.score.ScoreInput.Cache;
import dev.vitals.agent.score.ScoreInput.Pool;
import dev.vitals.agent.score.ScoreInput.Sql;
import dev.vitals.agent.score.ScoreModel;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The thresholds table as alerts: every threshold that one score window crosses, per resource.
 * A pure function of the window and its score, so the alerts always agree with the score and the
 * overview built from the same sample. The edges are {@link ScoreModel}'s constants (and DESIGN's
 * performance-score row), so the table served and the alerts raised never drift from the score.
 *
 * <p>Rules (also in {@code docs/API.md}): a value past a metric's good edge is a {@link #WARNING},
 * past its critical edge a {@link #CRITICAL}; "past" is above for lower-is-better metrics and below
 * for higher-is-better ones, and a value exactly on an edge is not past it (the better band, as in
 * the score). Per pool: connection wait (p99, else mean), waiting threads per connection, and
 * timeouts (any timeout in the window is critical). Per cache with at least
 * {@link #MIN_CACHE_REQUESTS} lookups: hit rate. SQL: p99 latency, and the error rate with at least
 * {@link #MIN_SQL_CALLS} calls. System: availability and the performance score. Order: critical
 * first, then the metric's place in {@link #thresholds()}, then the resource name.
 *
 * <p>Threading: stateless; call from any thread.
 */
public final class ThresholdAlerts {

    public static final String WARNING = "warning";
    public static final String CRITICAL = "critical";

    public static final String PERFORMANCE_SCORE = "performance_score";
    public static final String AVAILABILITY = "availability";
    public static final String CONNECTION_WAIT = "connection_wait";
    public static final String POOL_TIMEOUTS = "pool_timeouts";
    public static final String PENDING_THREADS = "pending_threads";
    public static final String CACHE_HIT_RATE = "cache_hit_rate";
    public static final String QUERY_P99_TIME = "query_p99_time";
    public static final String ERROR_RATE = "error_rate";

    /** Performance score target edge (DESIGN: "> 90"). */
    public static final double SCORE_TARGET_EDGE = 90;
    /** Performance score good edge (DESIGN: "> 80"): below it, a warning. */
    public static final double SCORE_GOOD_EDGE = 80;
    /** Performance score critical edge (DESIGN: "< 70"): below it, critical; the score model's own critical edge. */
    public static final double SCORE_CRITICAL_EDGE = ScoreModel.SCORE_CRITICAL;
    /** Fewest lookups in the window before a cache's hit rate may raise an alert (the recommendation rules' bound). */
    public static final long MIN_CACHE_REQUESTS = Recommendations.MIN_CACHE_REQUESTS;
    /** Fewest SQL calls in the window before the error rate may raise an alert (the recommendation rules' bound). */
    public static final long MIN_SQL_CALLS = Recommendations.MIN_SQL_CALLS;

    /**
     * One row of the thresholds table.
     *
     * @param metric the metric alerts name
     * @param resource what it is evaluated for: {@code pool:*} (each pool), {@code cache:*}, {@code sql}, {@code system}
     * @param unit {@code seconds}, {@code ratio} (0–1), {@code score} (0–100), {@code threads per connection}
     *     or {@code timeouts}
     * @param higherIsBetter true when smaller values are worse (hit rate, availability, score)
     * @param target the target edge: at or better than it nothing is deducted from the score
     * @param good the good edge, past which an alert is a warning; null when the metric has no
     *     warning band (any timeout is critical)
     * @param critical the critical edge, past which an alert is critical
     * @param rule when an alert fires, in words
     */
    public record Threshold(String metric, String resource, String unit, boolean higherIsBetter, double target,
            Double good, double critical, String rule) {

        private static Threshold of(String metric, String resource, String unit, ScoreModel.Thresholds t,
                String rule) {
            return new Threshold(metric, resource, unit, t.higherIsBetter(), t.target(), t.good(), t.critical(), rule);
        }
    }

    private static final List<Threshold> TABLE = List.of(
            new Threshold(PERFORMANCE_SCORE, "system", "score", true, SCORE_TARGET_EDGE, SCORE_GOOD_EDGE,
                    SCORE_CRITICAL_EDGE, "the overall score of the window; none without a score"),
            Threshold.of(AVAILABILITY, "system", "ratio", ScoreModel.AVAILABILITY,
                    "available samples / samples in the window; none without samples"),
            Threshold.of(CONNECTION_WAIT, "pool:*", "seconds", ScoreModel.WAIT,
                    "each pool's p99 wait for a connection in the window, else its mean; none without borrows"),
            new Threshold(POOL_TIMEOUTS, "pool:*", "timeouts", false, 0, null, 0,
                    "each pool's connection timeouts in the window: any timeout is critical"),
            Threshold.of(PENDING_THREADS, "pool:*", "threads per connection", ScoreModel.PENDING_PER_CONNECTION,
                    "each pool's threads waiting at the window's end / maximumPoolSize"),
            Threshold.of(CACHE_HIT_RATE, "cache:*", "ratio", ScoreModel.HIT_RATE,
                    "each cache's hits / lookups in the window, with at least " + MIN_CACHE_REQUESTS + " lookups"),
            Threshold.of(QUERY_P99_TIME, "sql", "seconds", ScoreModel.SQL_P99,
                    "p99 execution time of all statements in the window; none without calls"),
            Threshold.of(ERROR_RATE, "sql", "ratio", ScoreModel.ERROR_RATE,
                    "failed / executed statements in the window, with at least " + MIN_SQL_CALLS + " calls"));

    private static final Comparator<ActiveAlert> ORDER = Comparator
            .comparingInt((ActiveAlert a) -> a.severity().equals(CRITICAL) ? 0 : 1)
            .thenComparingInt(a -> metricRank(a.metric()))
            .thenComparing(ActiveAlert::resource);

    private ThresholdAlerts() {
    }

    /** The thresholds table, in the order alerts of one severity are listed. */
    public static List<Threshold> thresholds() {
        return TABLE;
    }

    /** Every threshold {@code window} crosses, critical first; empty when none. Pure. */
    public static List<ActiveAlert> evaluate(ScoreInput window, HealthScore score) {
        List<ActiveAlert> out = new ArrayList<>();
        if (score.performanceScore() != null) {
            double s = score.performanceScore();
            check(out, PERFORMANCE_SCORE, "system", s, "system: performance score " + score(s),
                    ThresholdAlerts::plain);
        }
        ScoreInput.Availability availability = window.availability();
        if (availability.samples() > 0) {
            double ratio = availability.ratio();
            check(out, AVAILABILITY, "system", ratio, "system: availability " + percent2(ratio) + " ("
                    + availability.availableSamples() + " of " + availability.samples() + " samples available)",
                    ScoreModel.AVAILABILITY::limitText);
        }
        for (Pool pool : window.pools()) {
            pool(pool, window.windowSeconds(), out);
        }
        for (Cache cache : window.caches()) {
            if (cache.requests() >= MIN_CACHE_REQUESTS) {
                double hitRate = cache.hitRate();
                check(out, CACHE_HIT_RATE, "cache:" + cache.name(), hitRate, "cache " + cache.name() + ": hit rate "
                        + percent(hitRate) + " over " + cache.requests() + " lookups", ScoreModel.HIT_RATE::limitText);
            }
        }
        Sql sql = window.sql();
        if (sql.calls() > 0 && sql.p99Seconds() != null) {
            double p99 = sql.p99Seconds();
            check(out, QUERY_P99_TIME, "sql", p99, "sql: p99 query time " + seconds(p99) + " s over " + sql.calls()
                    + " calls", ScoreModel.SQL_P99::limitText);
        }
        if (sql.calls() >= MIN_SQL_CALLS) {
            double rate = sql.errorRate();
            check(out, ERROR_RATE, "sql", rate, "sql: error rate " + percent(rate) + " (" + sql.errors()
                    + " errors in " + sql.calls() + " calls)", ScoreModel.ERROR_RATE::limitText);
        }
        out.sort(ORDER);
        return List.copyOf(out);
    }

    private static void pool(Pool pool, double windowSeconds, List<ActiveAlert> out) {
        String resource = "pool:" + pool.name();
        String who = "pool " + pool.name() + ": ";
        Double wait = pool.scoredWaitSeconds();
        if (wait != null) {
            check(out, CONNECTION_WAIT, resource, wait, who + (pool.p99WaitSeconds() != null ? "p99" : "avg")
                    + " connection wait " + seconds(wait) + " s", ScoreModel.WAIT::limitText);
        }
        if (pool.timeouts() > 0) {
            long attempts = pool.timeouts() + pool.borrows();
            out.add(new ActiveAlert(POOL_TIMEOUTS, resource, pool.timeouts(), 0, CRITICAL, who + pool.timeouts()
                    + " connection timeouts in " + Math.max(1, Math.round(windowSeconds)) + " s ("
                    + percent((double) pool.timeouts() / attempts) + " of " + attempts
                    + " borrow attempts); any timeout is critical"));
        }
        if (pool.pending() > 0) {
            double perConnection = (double) pool.pending() / pool.maxPoolSize();
            check(out, PENDING_THREADS, resource, perConnection, who + String.format(Locale.ROOT, "%.2f", perConnection)
                    + " threads waiting per connection (" + pool.pending() + " waiting, " + pool.active() + "/"
                    + pool.maxPoolSize() + " active)", ScoreModel.PENDING_PER_CONNECTION::limitText);
        }
    }

    /** Adds an alert when {@code value} is past the row's critical or good edge. */
    private static void check(List<ActiveAlert> out, String metric, String resource, double value, String subject,
            EdgeText edgeText) {
        Threshold row = row(metric);
        String severity;
        double edge;
        if (past(value, row.critical(), row.higherIsBetter())) {
            severity = CRITICAL;
            edge = row.critical();
        } else if (row.good() != null && past(value, row.good(), row.higherIsBetter())) {
            severity = WARNING;
            edge = row.good();
        } else {
            return;
        }
        out.add(new ActiveAlert(metric, resource, value, edge, severity, subject + " is "
                + (row.higherIsBetter() ? "below" : "past") + " the " + (severity.equals(CRITICAL) ? "critical" : "good")
                + " edge " + edgeText.of(edge)));
    }

    /** Strictly worse than the edge: a value on the edge belongs to the better band. */
    private static boolean past(double value, double edge, boolean higherIsBetter) {
        return higherIsBetter ? value < edge : value > edge;
    }

    private static Threshold row(String metric) {
        return TABLE.get(metricRank(metric));
    }

    private static int metricRank(String metric) {
        for (int i = 0; i < TABLE.size(); i++) {
            if (TABLE.get(i).metric().equals(metric)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no threshold for " + metric);
    }

    /** How an edge is written in a message, in the metric's unit. */
    @FunctionalInterface
    private interface EdgeText {
        String of(double edge);
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }

    private static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }

    private static String percent2(double ratio) {
        return String.format(Locale.ROOT, "%.2f%%", ratio * 100);
    }

    private static String score(double score) {
        return String.format(Locale.ROOT, "%.1f", score);
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
