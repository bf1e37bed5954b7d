package dev.vitals.agent.alert;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one webhook notification says: an event of a rule firing or resolving, and where it
 * happened. {@link Payloads} turns it into each service's format; {@link Notifier} sends it to
 * the rule's {@code webhook_url}.
 *
 * @param kind {@link AlertEvent#FIRING} or {@link AlertEvent#RESOLVED}
 * @param rule the rule, for its URL, format, routing key, condition and severity
 * @param event the event, as it is when the notification is made (a resolve carries the
 *     resolving value and {@code resolved_at})
 * @param app the application's name
 * @param host the host the JVM runs on, for the message; may be null
 * @param dashboardUrl the dashboard's address, linked from the message; null when unknown
 */
public record Notification(String kind, AlertRule rule, AlertEvent event, String app, String host,
        String dashboardUrl) {

    /** The name of the rule in a test notification, so that every format reads as a test. */
    public static final String TEST_RULE_NAME = "Vitals test notification";

    public Notification {
        Objects.requireNonNull(kind, "kind");
        if (!kind.equals(AlertEvent.FIRING) && !kind.equals(AlertEvent.RESOLVED)) {
            throw new IllegalArgumentException("kind must be firing or resolved: " + kind);
        }
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(app, "app");
    }

    /** Whether this announces a resolution rather than a firing. */
    public boolean resolved() {
        return kind.equals(AlertEvent.RESOLVED);
    }

    /** When it happened: the event's {@code resolved_at} for a resolve, else its {@code started_at}. */
    public String time() {
        return resolved() && event.resolvedAt() != null ? event.resolvedAt() : event.startedAt();
    }

    /**
     * A fabricated firing that says it is a test in every format ({@code POST /alerts/test-webhook}):
     * rule {@value #TEST_RULE_NAME}, severity {@code info}, a performance score of 65 below 70.
     */
    public static Notification test(String app, String host, String url, AlertRule.WebhookFormat format,
            String routingKey, Instant now) {
        String at = now.toString();
        AlertRule rule = new AlertRule("r-test", TEST_RULE_NAME, AlertRule.Metric.PERFORMANCE_SCORE, null,
                AlertRule.Condition.LESS_THAN, 70, 0, AlertRule.Severity.INFO, 0, url, format, routingKey, true,
                "Sent by POST /api/v1/alerts/test-webhook to check a webhook; no alert is firing.", false, at, at);
        AlertEvent event = new AlertEvent("e-test", rule.id(), rule.name(), rule.metric().key(), null, 65, 70,
                rule.severity().key(), "This is a test notification from Vitals: no alert is firing."
                        + " A real one would read: performance_score is 65 (less_than 70).",
                AlertEvent.FIRING, at, null, false, null, List.of());
        return new Notification(AlertEvent.FIRING, rule, event, app, host, null);
    }
}
