package dev.vitals.agent.alert;

import java.util.Objects;

/**
 * One threshold of the table that the latest score window crosses, for one resource. Immutable.
 *
 * @param metric the threshold's metric ({@code connection_wait}, … — see {@link ThresholdAlerts#thresholds()})
 * @param resource what it is about, named as recommendations name it: {@code pool:<name>},
 *     {@code cache:<name>}, {@code sql} or {@code system}
 * @param currentValue the value in the window, in the metric's unit (seconds, a 0–1 ratio, a
 *     score, threads per connection, or a count of timeouts)
 * @param threshold the edge it crossed: the good edge for a warning, the critical edge for a critical
 * @param severity {@link ThresholdAlerts#WARNING} or {@link ThresholdAlerts#CRITICAL}
 * @param message one sentence with the numbers, naming the resource and the edge
 * @param ruleId the alert rule that fired, for a rule-based alert; null for a threshold of the table
 */
public record ActiveAlert(String metric, String resource, double currentValue, double threshold, String severity,
        String message, String ruleId) {

    /** A threshold alert (no rule). */
    public ActiveAlert(String metric, String resource, double currentValue, double threshold, String severity,
            String message) {
        this(metric, resource, currentValue, threshold, severity, message, null);
    }

    public ActiveAlert {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
    }
}
