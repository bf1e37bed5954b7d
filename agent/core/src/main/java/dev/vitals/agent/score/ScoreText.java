package dev.vitals.agent.score;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** Number formatting shared by reasons and recommendation evidence: fixed decimals, {@link Locale#ROOT}. */
final class ScoreText {

    /** Longest SQL text quoted in a reason or evidence; longer text ends with an ellipsis. */
    static final int MAX_SQL_CHARS = 160;

    private ScoreText() {
    }

    /** Seconds with 3 decimals: {@code 0.734}. */
    static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }

    /** A threshold in seconds, without trailing zeros: {@code 0.05}, {@code 1}. */
    static String limit(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /**
     * A window's length in whole seconds: {@code 300 s}. A sampled window is a sum of measured
     * intervals (299.9871 s); the evidence names its length, not its measurement noise.
     */
    static String window(double seconds) {
        return Math.max(1, Math.round(seconds)) + " s";
    }

    /** A ratio as a percentage with 1 decimal: {@code 62.5%}. */
    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }

    /** A ratio as a percentage with 2 decimals, for availability: {@code 99.95%}. */
    static String percent2(double ratio) {
        return String.format(Locale.ROOT, "%.2f%%", ratio * 100);
    }

    /** A threshold ratio as a percentage without trailing zeros: {@code 75%}, {@code 99.9%}. */
    static String limitPercent(double ratio) {
        return limit(BigDecimal.valueOf(ratio).multiply(BigDecimal.valueOf(100)).doubleValue()) + "%";
    }

    /** A plain ratio with 2 decimals: {@code 0.60}. */
    static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.2f", ratio);
    }

    /** A score with 1 decimal: {@code 31.2}. */
    static String score(double score) {
        return String.format(Locale.ROOT, "%.1f", score);
    }

    /** Rounds half-up to 0.1. */
    static double round1(double value) {
        return BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP).doubleValue();
    }

    /** SQL text for a sentence, cut to {@link #MAX_SQL_CHARS}. */
    static String sql(String sql) {
        String flat = sql.strip().replaceAll("\\s+", " ");
        return flat.length() <= MAX_SQL_CHARS ? flat : flat.substring(0, MAX_SQL_CHARS - 1) + "…";
    }
}
