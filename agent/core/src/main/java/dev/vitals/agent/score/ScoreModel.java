package dev.vitals.agent.score;

import dev.vitals.agent.score.HealthScore.Component;
import dev.vitals.agent.score.ScoreInput.Cache;
import dev.vitals.agent.score.ScoreInput.Pool;
import dev.vitals.agent.score.ScoreInput.Sql;
import dev.vitals.agent.score.ScoreInput.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The explainable health score: a pure function of one {@link ScoreInput} window. The rules are
 * stated exactly in {@code docs/SCORING.md}; this class is their only implementation.
 *
 * <p>Threading: stateless; {@link #score(ScoreInput)} may be called from any thread.
 */
public final class ScoreModel {

    /** Sub-score at a metric's target edge (and anything better). */
    public static final double SCORE_TARGET = 100;
    /** Sub-score at a metric's good edge: below it the component is a warning. */
    public static final double SCORE_GOOD = 85;
    /** Sub-score at a metric's critical edge: below it the component is critical. */
    public static final double SCORE_CRITICAL = 70;

    /** Connection wait (p99, else mean), seconds; 0 at 2× the critical edge. */
    public static final Thresholds WAIT = Thresholds.lowerIsBetter("connection wait", "s", 0.05, 0.1, 0.5, 1.0);
    /** Cache hit rate; 0 at twice the critical miss rate (50% hits). */
    public static final Thresholds HIT_RATE = Thresholds.higherIsBetter("cache hit rate", "%", 0.95, 0.85, 0.75, 0.50);
    /** SQL p99 latency, seconds; 0 at 2× the critical edge. */
    public static final Thresholds SQL_P99 = Thresholds.lowerIsBetter("p99 latency (SQL)", "s", 0.2, 0.5, 1.0, 2.0);
    /** SQL error rate (not in DESIGN's table; Vitals' own); 0 at 2× the critical edge. */
    public static final Thresholds ERROR_RATE = Thresholds.lowerIsBetter("SQL error rate", "%", 0.001, 0.01, 0.05, 0.10);
    /** Availability; 0 at twice the critical unavailability (98%). */
    public static final Thresholds AVAILABILITY = Thresholds.higherIsBetter("availability", "%", 0.999, 0.995, 0.99, 0.98);
    /** Threads waiting per connection of {@code maximumPoolSize}; 0 at 1 waiter per connection. */
    public static final Thresholds PENDING_PER_CONNECTION = Thresholds.lowerIsBetter("pending threads per connection", "", 0, 0.1, 0.5, 1.0);

    /** Pool sub-score from timeouts at the first timeout: any timeout is critical. */
    public static final double TIMEOUT_SCORE_AT_FIRST = 60;
    /** Share of borrow attempts that timed out at which the timeout sub-score reaches 0. */
    public static final double TIMEOUT_SHARE_AT_ZERO = 0.10;

    /** Nominal weight of the pools component. */
    public static final double WEIGHT_POOLS = 0.35;
    /** Nominal weight of the caches component. */
    public static final double WEIGHT_CACHES = 0.20;
    /** Nominal weight of the SQL component. */
    public static final double WEIGHT_SQL = 0.25;
    /** Nominal weight of the availability component. */
    public static final double WEIGHT_AVAILABILITY = 0.20;

    /** Highest displayed score of a critical component or of a capped overall score. */
    public static final double CRITICAL_DISPLAY_MAX = 69.9;

    private ScoreModel() {
    }

    /** Scores one window. Pure: the same input always gives the same result. */
    public static HealthScore score(ScoreInput in) {
        List<Scored> scored = List.of(pools(in), caches(in), sql(in), availability(in));

        List<String> reasons = new ArrayList<>();
        double weightSum = 0;
        double weighted = 0;
        Scored worstCritical = null;
        String worstStatus = HealthScore.OK;
        for (Scored s : scored) {
            if (s.raw == null) {
                continue;
            }
            weightSum += s.weight;
            weighted += s.weight * s.raw;
            if (s.reasonsAreDeductions) {
                reasons.addAll(s.reasons);
            }
            String status = statusOf(s.raw);
            if (status.equals(HealthScore.CRITICAL)) {
                worstStatus = HealthScore.CRITICAL;
                if (worstCritical == null || s.raw < worstCritical.raw) {
                    worstCritical = s;
                }
            } else if (status.equals(HealthScore.WARNING) && worstStatus.equals(HealthScore.OK)) {
                worstStatus = HealthScore.WARNING;
            }
        }
        List<Component> components = scored.stream().map(Scored::component).toList();
        if (weightSum == 0) {
            reasons.add("no component had data in the window; nothing to score");
            return new HealthScore(null, HealthScore.HEALTHY, components, reasons);
        }
        double mean = weighted / weightSum;
        double overall = mean;
        if (worstCritical != null && worstCritical.raw < mean) {
            overall = worstCritical.raw;
            reasons.add("overall capped at " + ScoreText.score(display(overall)) + " by critical component "
                    + worstCritical.name + " (weighted mean " + ScoreText.score(ScoreText.round1(mean)) + ")");
        }
        if (reasons.isEmpty()) {
            reasons.add("every component with data is within its target");
        }
        String health = switch (worstStatus) {
            case HealthScore.CRITICAL -> HealthScore.CRITICAL;
            case HealthScore.WARNING -> HealthScore.DEGRADED;
            default -> HealthScore.HEALTHY;
        };
        return new HealthScore(display(overall), health, components, reasons);
    }

    /** {@code critical} below 70, {@code warning} below 85, else {@code ok}. */
    public static String statusOf(double subScore) {
        if (subScore < SCORE_CRITICAL) {
            return HealthScore.CRITICAL;
        }
        return subScore < SCORE_GOOD ? HealthScore.WARNING : HealthScore.OK;
    }

    /**
     * Rounds half-up to 0.1 without crossing a band edge upwards: a critical score shows at most
     * 69.9 and a warning at most 84.9, so the displayed number always agrees with the status.
     */
    static double display(double score) {
        double rounded = ScoreText.round1(score);
        if (score < SCORE_CRITICAL) {
            return Math.min(rounded, CRITICAL_DISPLAY_MAX);
        }
        if (score < SCORE_GOOD) {
            return Math.min(rounded, SCORE_GOOD - 0.1);
        }
        return rounded;
    }

    /** Sub-score of timeouts: 100 without any; else 60 at the first, falling linearly to 0 at a 10% share. */
    public static double timeoutScore(long timeouts, long borrows) {
        if (timeouts == 0) {
            return SCORE_TARGET;
        }
        double share = (double) timeouts / (timeouts + borrows);
        return TIMEOUT_SCORE_AT_FIRST * (1 - Math.min(1, share / TIMEOUT_SHARE_AT_ZERO));
    }

    private static Scored pools(ScoreInput in) {
        List<Pool> withData = in.pools().stream().filter(Pool::hasData).toList();
        if (withData.isEmpty()) {
            return Scored.noData("pools", WEIGHT_POOLS, in.pools().isEmpty()
                    ? "no pool seen in the window; left out"
                    : "no pool lent, waited or timed out in the window; left out");
        }
        List<String> reasons = new ArrayList<>();
        double worst = SCORE_TARGET;
        for (Pool pool : withData) {
            worst = Math.min(worst, pool(pool, in.windowSeconds(), reasons));
        }
        if (reasons.isEmpty()) {
            return Scored.of("pools", WEIGHT_POOLS, worst, List.of("all " + withData.size()
                    + " active pools within target (no timeouts, no waiting threads, wait ≤ "
                    + WAIT.limitText(WAIT.target()) + ")"), false);
        }
        return Scored.of("pools", WEIGHT_POOLS, worst, reasons, true);
    }

    private static double pool(Pool pool, double windowSeconds, List<String> reasons) {
        String who = "pool " + pool.name() + ": ";
        double score = SCORE_TARGET;
        Double wait = pool.scoredWaitSeconds();
        if (wait != null) {
            double s = WAIT.score(wait);
            if (s < SCORE_TARGET) {
                reasons.add(who + (pool.p99WaitSeconds() != null ? "p99" : "avg") + " wait " + ScoreText.seconds(wait)
                        + " s (" + WAIT.band(wait) + ") → " + ScoreText.score(display(s)));
            }
            score = Math.min(score, s);
        }
        if (pool.timeouts() > 0) {
            double s = timeoutScore(pool.timeouts(), pool.borrows());
            long attempts = pool.timeouts() + pool.borrows();
            reasons.add(who + pool.timeouts() + " connection timeouts in " + ScoreText.window(windowSeconds) + " ("
                    + ScoreText.percent((double) pool.timeouts() / attempts) + " of " + attempts
                    + " borrow attempts) → " + ScoreText.score(display(s)));
            score = Math.min(score, s);
        }
        if (pool.pending() > 0) {
            double perConnection = (double) pool.pending() / pool.maxPoolSize();
            double s = PENDING_PER_CONNECTION.score(perConnection);
            reasons.add(who + pool.pending() + " threads waiting with " + pool.active() + "/" + pool.maxPoolSize()
                    + " active (" + ScoreText.ratio(perConnection)
                    + " waiting per connection, " + PENDING_PER_CONNECTION.band(perConnection) + ") → "
                    + ScoreText.score(display(s)));
            score = Math.min(score, s);
        }
        return score;
    }

    private static Scored caches(ScoreInput in) {
        List<Cache> withData = in.caches().stream().filter(c -> c.requests() > 0).toList();
        if (withData.isEmpty()) {
            return Scored.noData("caches", WEIGHT_CACHES, in.caches().isEmpty()
                    ? "no cache seen in the window; left out"
                    : "no cache lookups in the window; left out");
        }
        long total = withData.stream().mapToLong(Cache::requests).sum();
        double weighted = 0;
        List<String> reasons = new ArrayList<>();
        for (Cache cache : withData) {
            double hitRate = cache.hitRate();
            double s = HIT_RATE.score(hitRate);
            weighted += s * cache.requests();
            if (s < SCORE_TARGET) {
                reasons.add("cache " + cache.name() + ": hit rate " + ScoreText.percent(hitRate) + " ("
                        + HIT_RATE.band(hitRate) + ") over " + cache.requests() + " requests ("
                        + ScoreText.percent((double) cache.requests() / total) + " of cache traffic) → "
                        + ScoreText.score(display(s)));
            }
        }
        double score = weighted / total;
        if (reasons.isEmpty()) {
            return Scored.of("caches", WEIGHT_CACHES, score, List.of("all " + withData.size() + " caches with lookups hit ≥ "
                    + HIT_RATE.limitText(HIT_RATE.target()) + " over " + total + " requests"), false);
        }
        return Scored.of("caches", WEIGHT_CACHES, score, reasons, true);
    }

    private static Scored sql(ScoreInput in) {
        Sql sql = in.sql();
        if (sql.calls() == 0) {
            return Scored.noData("sql", WEIGHT_SQL, "no SQL executed in the window; left out");
        }
        List<String> reasons = new ArrayList<>();
        double score = SCORE_TARGET;
        if (sql.p99Seconds() != null) {
            double p99 = sql.p99Seconds();
            double s = SQL_P99.score(p99);
            if (s < SCORE_TARGET) {
                reasons.add("sql: p99 " + ScoreText.seconds(p99) + " s (" + SQL_P99.band(p99) + ") over "
                        + sql.calls() + " calls → " + ScoreText.score(display(s)));
                Statement top = sql.topStatements().stream()
                        .max(Comparator.comparingDouble(Statement::totalSeconds)).orElse(null);
                if (top != null && top.calls() > 0) {
                    reasons.add("sql: most time in " + ScoreText.sql(top.sql()) + ": "
                            + ScoreText.seconds(top.totalSeconds()) + " s over " + top.calls() + " calls (avg "
                            + ScoreText.seconds(top.totalSeconds() / top.calls()) + " s"
                            + (sql.totalSeconds() > 0
                                    ? ", " + ScoreText.percent(top.totalSeconds() / sql.totalSeconds())
                                            + " of SQL time"
                                    : "")
                            + ")");
                }
            }
            score = Math.min(score, s);
        }
        double errorRate = sql.errorRate();
        double e = ERROR_RATE.score(errorRate);
        if (e < SCORE_TARGET) {
            reasons.add("sql: " + sql.errors() + " errors in " + sql.calls() + " calls (" + ScoreText.percent(errorRate)
                    + ", " + ERROR_RATE.band(errorRate) + ") → " + ScoreText.score(display(e)));
        }
        score = Math.min(score, e);
        if (reasons.isEmpty()) {
            return Scored.of("sql", WEIGHT_SQL, score, List.of("sql within target over " + sql.calls() + " calls"), false);
        }
        return Scored.of("sql", WEIGHT_SQL, score, reasons, true);
    }

    private static Scored availability(ScoreInput in) {
        ScoreInput.Availability a = in.availability();
        if (a.samples() == 0) {
            return Scored.noData("availability", WEIGHT_AVAILABILITY, "no availability samples in the window; left out");
        }
        double ratio = a.ratio();
        double s = AVAILABILITY.score(ratio);
        String sentence = "availability: " + a.availableSamples() + " of " + a.samples() + " samples available ("
                + ScoreText.percent2(ratio) + ", " + AVAILABILITY.band(ratio) + ") → " + ScoreText.score(display(s));
        return Scored.of("availability", WEIGHT_AVAILABILITY, s, List.of(sentence), s < SCORE_TARGET);
    }

    /** A component before display rounding. {@code raw} is null without data. */
    private record Scored(String name, double weight, Double raw, List<String> reasons, boolean reasonsAreDeductions) {

        static Scored noData(String name, double weight, String why) {
            return new Scored(name, weight, null, List.of(why), false);
        }

        static Scored of(String name, double weight, double raw, List<String> reasons, boolean deductions) {
            return new Scored(name, weight, raw, reasons, deductions);
        }

        Component component() {
            if (raw == null) {
                return new Component(name, weight, null, HealthScore.NO_DATA, reasons);
            }
            return new Component(name, weight, display(raw), statusOf(raw), reasons);
        }
    }

    /**
     * One row of the thresholds table and its piecewise-linear mapping: the target edge (and
     * anything better) scores 100, the good edge 85, the critical edge 70, the {@code zero} point
     * (and anything worse) 0; linear in between.
     *
     * @param metric what is measured, for messages
     * @param unit {@code s} (seconds), {@code %} (a ratio shown as a percentage) or empty
     * @param higherIsBetter true for rates such as the hit rate
     */
    public record Thresholds(String metric, String unit, boolean higherIsBetter, double target, double good,
            double critical, double zero) {

        static Thresholds lowerIsBetter(String metric, String unit, double target, double good, double critical,
                double zero) {
            return new Thresholds(metric, unit, false, target, good, critical, zero);
        }

        static Thresholds higherIsBetter(String metric, String unit, double target, double good, double critical,
                double zero) {
            return new Thresholds(metric, unit, true, target, good, critical, zero);
        }

        /** The 0–100 sub-score of a value (not rounded). */
        public double score(double value) {
            if (Double.isNaN(value)) {
                throw new IllegalArgumentException(metric + ": value is NaN");
            }
            // Negating a higher-is-better metric turns every edge comparison the same way round.
            double sign = higherIsBetter ? -1 : 1;
            double x = sign * value;
            double[] xs = {sign * target, sign * good, sign * critical, sign * zero};
            double[] ys = {SCORE_TARGET, SCORE_GOOD, SCORE_CRITICAL, 0};
            if (x <= xs[0]) {
                return SCORE_TARGET;
            }
            for (int i = 1; i < xs.length; i++) {
                if (x <= xs[i]) {
                    return ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
                }
            }
            return 0;
        }

        /** The band a value falls in, as reasons quote it: {@code > 0.5 s critical}, {@code ≥ 85% good}. */
        public String band(double value) {
            if (higherIsBetter) {
                if (value >= target) {
                    return "≥ " + limitText(target) + " target";
                }
                if (value >= good) {
                    return "≥ " + limitText(good) + " good";
                }
                return value >= critical ? "≥ " + limitText(critical) + " warning" : "< " + limitText(critical) + " critical";
            }
            if (value <= target) {
                return "≤ " + limitText(target) + " target";
            }
            if (value <= good) {
                return "≤ " + limitText(good) + " good";
            }
            return value <= critical ? "≤ " + limitText(critical) + " warning" : "> " + limitText(critical) + " critical";
        }

        /** An edge in the metric's unit: {@code 0.5 s}, {@code 75%}, {@code 0.1}. */
        public String limitText(double edge) {
            return switch (unit) {
                case "s" -> ScoreText.limit(edge) + " s";
                case "%" -> ScoreText.limitPercent(edge);
                default -> ScoreText.limit(edge);
            };
        }
    }
}
