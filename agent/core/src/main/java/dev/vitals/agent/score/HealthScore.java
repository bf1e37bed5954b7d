package dev.vitals.agent.score;

import java.util.List;
import java.util.Optional;

/**
 * The result of {@link ScoreModel#score(ScoreInput)}: the overall score, the health, and the
 * components with the reasons behind every deduction. Immutable.
 *
 * @param performanceScore 0–100 rounded to 0.1; null when no component had data
 * @param systemHealth {@link #HEALTHY}, {@link #DEGRADED} or {@link #CRITICAL}
 * @param components every component, in the order pools, caches, sql, availability; those
 *     without data have status {@link #NO_DATA} and no sub-score
 * @param reasons the overall explanation: every deduction, then the cap when it applied
 */
public record HealthScore(Double performanceScore, String systemHealth, List<Component> components,
        List<String> reasons) {

    public static final String HEALTHY = "healthy";
    public static final String DEGRADED = "degraded";
    public static final String CRITICAL = "critical";

    /** Component status: sub-score at least 85. */
    public static final String OK = "ok";
    /** Component status: sub-score at least 70 and below 85. */
    public static final String WARNING = "warning";
    /** Component status: nothing to score in the window; left out of the overall score. */
    public static final String NO_DATA = "no_data";
    // A critical component uses CRITICAL: sub-score below 70.

    public HealthScore {
        components = List.copyOf(components);
        reasons = List.copyOf(reasons);
    }

    /** The component of that name ({@code pools}, {@code caches}, {@code sql}, {@code availability}). */
    public Optional<Component> component(String name) {
        return components.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * One component of the score.
     *
     * @param name {@code pools}, {@code caches}, {@code sql} or {@code availability}
     * @param weight its nominal weight in the overall mean (re-normalised over components with data)
     * @param subScore 0–100 rounded to 0.1; null without data
     * @param status {@link #OK}, {@link #WARNING}, {@link #CRITICAL} or {@link #NO_DATA}
     * @param reasons one sentence per deduction, with the numbers; or why there was nothing to deduct
     */
    public record Component(String name, double weight, Double subScore, String status, List<String> reasons) {

        public Component {
            reasons = List.copyOf(reasons);
        }
    }
}
