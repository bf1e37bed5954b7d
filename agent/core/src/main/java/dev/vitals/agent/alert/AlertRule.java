package dev.vitals.agent.alert;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * One alert rule, as stored and as the API shows it (snake_case JSON). Immutable: an update makes
 * a new rule with the same {@code id}. {@link RuleValidator} is the only way in from the outside.
 *
 * @param id stable, server-assigned ({@code r-} and 12 hex digits)
 * @param name a short name, 1–100 characters
 * @param metric what is watched
 * @param resource a pool or cache name, or a glob of names ({@code orders-*}: each match has its
 *     own state); null for the aggregate over all pools or caches
 * @param condition how the value compares with {@code threshold}
 * @param threshold the value compared with, in the metric's unit
 * @param forSeconds how long the condition must hold before the rule fires; 0 fires at once
 * @param severity how bad it is
 * @param cooldownMinutes after a notification for a rule and resource, further ones (of the
 *     same kind) are suppressed for this long
 * @param webhookUrl where notifications go; null to record events only
 * @param webhookFormat the payload format; inferred from a Slack, Discord or PagerDuty URL when not given
 * @param routingKey the PagerDuty integration key (Events API v2); required for {@code pagerduty}
 * @param enabled whether the rule is evaluated
 * @param description free text, at most 1,000 characters; may be null
 * @param builtIn whether Vitals created it on first start
 * @param createdAt ISO-8601 UTC
 * @param updatedAt ISO-8601 UTC
 */
public record AlertRule(String id, String name, Metric metric, String resource, Condition condition,
        double threshold, long forSeconds, Severity severity, double cooldownMinutes, String webhookUrl,
        WebhookFormat webhookFormat, String routingKey, boolean enabled, String description, boolean builtIn,
        String createdAt, String updatedAt) {

    public AlertRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(severity, "severity");
    }

    /** What a rule can watch; each names where its value comes from (see docs/ALERTS.md). */
    public enum Metric {
        PERFORMANCE_SCORE(Scope.SYSTEM),
        /** healthy 1, degraded 0.5, critical 0. */
        SYSTEM_HEALTH(Scope.SYSTEM),
        AVAILABILITY(Scope.SYSTEM),
        CACHE_HIT_RATE(Scope.CACHE),
        CONNECTION_WAIT_TIME(Scope.POOL),
        CONNECTION_WAIT_P99(Scope.POOL),
        POOL_UTILIZATION(Scope.POOL),
        PENDING_THREADS(Scope.POOL),
        POOL_EXHAUSTED_COUNT(Scope.POOL),
        QUERY_P99_TIME(Scope.SYSTEM),
        SLOW_QUERY_COUNT(Scope.SYSTEM),
        ERROR_RATE(Scope.SYSTEM);

        /** What a rule's {@code resource} names for this metric. */
        public enum Scope {
            /** No resource: one value for the JVM. */
            SYSTEM,
            /** A pool name (or glob), or none for all pools together. */
            POOL,
            /** A cache name (or glob), or none for all caches together. */
            CACHE
        }

        private final Scope scope;

        Metric(Scope scope) {
            this.scope = scope;
        }

        public Scope scope() {
            return scope;
        }

        /** The API name: {@code performance_score}. */
        @JsonValue
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The metric of that API name, or null. */
        public static Metric byKey(String key) {
            return Arrays.stream(values()).filter(m -> m.key().equals(key)).findFirst().orElse(null);
        }
    }

    /** How a value compares with the threshold. */
    public enum Condition {
        LESS_THAN, GREATER_THAN, LESS_OR_EQUAL, GREATER_OR_EQUAL, EQUALS, NOT_EQUALS;

        @JsonValue
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Condition byKey(String key) {
            return Arrays.stream(values()).filter(c -> c.key().equals(key)).findFirst().orElse(null);
        }

        /** Whether {@code value} meets the condition against {@code threshold}. */
        public boolean test(double value, double threshold) {
            return switch (this) {
                case LESS_THAN -> value < threshold;
                case GREATER_THAN -> value > threshold;
                case LESS_OR_EQUAL -> value <= threshold;
                case GREATER_OR_EQUAL -> value >= threshold;
                case EQUALS -> value == threshold;
                case NOT_EQUALS -> value != threshold;
            };
        }
    }

    /** How bad a firing rule is. */
    public enum Severity {
        INFO, WARNING, ERROR, CRITICAL;

        @JsonValue
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Severity byKey(String key) {
            return Arrays.stream(values()).filter(s -> s.key().equals(key)).findFirst().orElse(null);
        }
    }

    /** Payload format of a webhook. */
    public enum WebhookFormat {
        SLACK, DISCORD, PAGERDUTY, GENERIC;

        @JsonValue
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static WebhookFormat byKey(String key) {
            return Arrays.stream(values()).filter(f -> f.key().equals(key)).findFirst().orElse(null);
        }
    }
}
