package dev.vitals.agent.score;

import java.util.Objects;

/**
 * One recommendation: which rule fired, on what, the numbers that made it fire and what to do.
 * Immutable.
 *
 * @param id the rule's id ({@code pool-too-small}, …; {@code optimal} when nothing fired)
 * @param severity {@link #CRITICAL}, {@link #WARNING} or {@link #INFO}
 * @param resource what it is about: {@code pool:<name>}, {@code cache:<name>}, {@code sql} or {@code system}
 * @param title one line naming the problem and the resource
 * @param evidence the numbers behind it, as a sentence
 * @param action the concrete change to make
 */
public record Recommendation(String id, String severity, String resource, String title, String evidence,
        String action) {

    public static final String CRITICAL = "critical";
    public static final String WARNING = "warning";
    public static final String INFO = "info";

    public Recommendation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(action, "action");
    }

    /** 0 for critical, 1 for warning, 2 for info: the order recommendations are listed in. */
    int rank() {
        return switch (severity) {
            case CRITICAL -> 0;
            case WARNING -> 1;
            default -> 2;
        };
    }
}
