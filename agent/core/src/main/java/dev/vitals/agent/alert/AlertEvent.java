package dev.vitals.agent.alert;

import java.util.List;
import java.util.Objects;

/**
 * One firing of a rule for one resource, from its start to its resolution, as stored and as the
 * API shows it. Immutable: a change (resolved, acknowledged, a delivery attempt) makes a new
 * event with the same {@code id}.
 *
 * @param id stable, server-assigned, increasing ({@code e-} and a number)
 * @param ruleId the rule that fired
 * @param ruleName its name when it fired
 * @param metric the metric's key
 * @param resource the pool or cache it fired for, or null for the aggregate/system
 * @param currentValue the value that fired it (updated to the value that resolved it)
 * @param threshold the rule's threshold
 * @param severity the rule's severity key
 * @param message one sentence with the numbers
 * @param status {@code firing} or {@code resolved}
 * @param startedAt when it fired (ISO-8601 UTC)
 * @param resolvedAt when it resolved; null while firing
 * @param acknowledged whether someone acknowledged it
 * @param acknowledgedAt when; null if not
 * @param deliveries every notification attempt for this event, oldest first
 */
public record AlertEvent(String id, String ruleId, String ruleName, String metric, String resource,
        double currentValue, double threshold, String severity, String message, String status, String startedAt,
        String resolvedAt, boolean acknowledged, String acknowledgedAt, List<Delivery> deliveries) {

    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    public AlertEvent {
        Objects.requireNonNull(id, "id");
        deliveries = List.copyOf(deliveries);
    }

    /**
     * One attempt to deliver a notification.
     *
     * @param notification {@code firing} or {@code resolved}: which notification it carried
     * @param attempt 1, 2 or 3
     * @param at when the attempt started (ISO-8601 UTC)
     * @param format the payload format used
     * @param delivered true only for a 2xx reply
     * @param statusCode the HTTP status, or null when there was no reply
     * @param error why it failed ({@code HTTP 500}, {@code timed out after 5 s}, …); null when delivered
     * @param durationMs how long the attempt took
     * @param suppressed true when no request was sent because the cooldown was running (attempt 0)
     */
    public record Delivery(String notification, int attempt, String at, String format, boolean delivered,
            Integer statusCode, String error, long durationMs, boolean suppressed) {
    }
}
