package dev.vitals.agent.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.agent.alert.AlertRule.Condition;
import dev.vitals.agent.alert.AlertRule.Metric;
import dev.vitals.agent.alert.AlertRule.Severity;
import dev.vitals.agent.alert.AlertRule.WebhookFormat;
import dev.vitals.agent.logging.AgentLog;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The only way a rule gets in from outside: checks a JSON body (snake_case, as the API shows
 * rules) field by field and builds the {@link AlertRule}, or refuses it with a
 * {@link RuleException} naming the field and saying what is accepted. Used for creates, partial
 * updates (the merged rule is checked as a whole), the built-in rules and rules read back from
 * disk, so all of them obey the same rules. See docs/ALERTS.md, "Rules", for every field.
 *
 * <p>Never throws anything but {@link RuleException} for any JSON input (a wrong type, NaN, a huge
 * number, a deeply nested value): a bad rule is a 400, never a 500. Should a check itself fail
 * (a bug), that is logged and answered as a 400 too.
 *
 * <p>Stateless; call from any thread.
 */
public final class RuleValidator {

    /** Longest name, in characters (after trimming). */
    public static final int MAX_NAME = 100;

    /** Longest description, in characters. */
    public static final int MAX_DESCRIPTION = 1_000;

    /** Longest resource name or pattern, in characters (pool and cache names are at most 64). */
    public static final int MAX_RESOURCE = 64;

    /** Longest PagerDuty routing key, in characters (PagerDuty's are 32). */
    public static final int MAX_ROUTING_KEY = 64;

    /** Longest {@code for_seconds}: one day. */
    public static final long MAX_FOR_SECONDS = 86_400;

    /** Longest {@code cooldown_minutes}: one week. */
    public static final double MAX_COOLDOWN_MINUTES = 10_080;

    /** {@code cooldown_minutes} when not given. */
    public static final double DEFAULT_COOLDOWN_MINUTES = 30;

    /** {@code severity} when not given. */
    public static final Severity DEFAULT_SEVERITY = Severity.WARNING;

    /** Largest threshold of the count metrics (pending threads, exhausted pools, slow queries). */
    static final double MAX_COUNT = 1e9;

    /** Largest threshold of the time metrics, in seconds: one hour. */
    static final double MAX_SECONDS = 3_600;

    /** The fields a client may set, in the order they are checked and documented. */
    public static final List<String> FIELDS = List.of("name", "metric", "resource", "condition", "threshold",
            "for_seconds", "severity", "cooldown_minutes", "webhook_url", "webhook_format", "routing_key", "enabled",
            "description");

    /** The fields the server sets; a client may send them back unchanged on an update, nothing else. */
    public static final List<String> READ_ONLY = List.of("id", "built_in", "created_at", "updated_at");

    /** The fields of {@code POST /alerts/test-webhook}. */
    public static final List<String> TEST_FIELDS = List.of("webhook_url", "webhook_format", "routing_key");

    /** Resource names and globs: the characters of pool and cache names, plus {@code *}. */
    private static final Pattern RESOURCE = Pattern.compile("[A-Za-z0-9._\\-:#*]{1," + MAX_RESOURCE + "}");

    /** Routing keys: visible ASCII, no spaces. */
    private static final Pattern ROUTING_KEY = Pattern.compile("[\\x21-\\x7E]{1," + MAX_ROUTING_KEY + "}");

    private static final SecureRandom RANDOM = new SecureRandom();

    private RuleValidator() {
    }

    /**
     * A webhook to send a test notification to ({@code POST /alerts/test-webhook}).
     *
     * @param url the checked URL
     * @param format the given format, or the one the URL implies
     * @param routingKey the PagerDuty routing key; null for other formats
     */
    public record TestTarget(String url, WebhookFormat format, String routingKey) {
    }

    /** A new rule id: {@code r-} and 12 lower-case hex digits (48 random bits). */
    public static String newId() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return "r-" + HexFormat.of().formatHex(bytes);
    }

    /**
     * Checks a create body and builds the rule. {@code name}, {@code metric}, {@code condition}
     * and {@code threshold} are required; the rest take their defaults; the webhook format is
     * inferred from the URL when not given.
     *
     * @param body the request body (anything: a non-object is refused)
     * @param newId the id to give the rule ({@link #newId()})
     * @param now its {@code created_at} and {@code updated_at}
     */
    public static AlertRule create(JsonNode body, String newId, Instant now) throws RuleException {
        return create(body, newId, now, false);
    }

    /** {@link #create(JsonNode, String, Instant)}, marking the rule as built-in or not. */
    static AlertRule create(JsonNode body, String newId, Instant now, boolean builtIn) throws RuleException {
        try {
            return createChecked(body, newId, now, builtIn);
        } catch (RuntimeException bug) {
            throw unexpected(bug);
        }
    }

    private static AlertRule createChecked(JsonNode body, String newId, Instant now, boolean builtIn)
            throws RuleException {
        checkFields(body, FIELDS, null);
        Draft d = new Draft();
        d.name = requiredName(body.get("name"));
        d.metric = requiredMetric(body.get("metric"));
        d.condition = requiredCondition(body.get("condition"));
        d.threshold = requiredThreshold(body.get("threshold"));
        d.forSeconds = body.has("for_seconds") ? forSeconds(body.get("for_seconds")) : 0;
        d.severity = body.has("severity") ? severity(body.get("severity")) : DEFAULT_SEVERITY;
        d.cooldownMinutes = body.has("cooldown_minutes") ? cooldown(body.get("cooldown_minutes")) : DEFAULT_COOLDOWN_MINUTES;
        d.resource = body.has("resource") ? resource(body.get("resource")) : null;
        d.webhookUrl = body.has("webhook_url") ? webhookUrl(body.get("webhook_url")) : null;
        WebhookFormat given = body.has("webhook_format") ? webhookFormat(body.get("webhook_format")) : null;
        d.webhookFormat = given != null ? given : WebhookUrls.inferFormat(d.webhookUrl);
        d.formatGiven = given != null;
        d.routingKey = body.has("routing_key") ? routingKey(body.get("routing_key")) : null;
        d.enabled = !body.has("enabled") || enabled(body.get("enabled"));
        d.description = body.has("description") ? description(body.get("description")) : null;
        crossCheck(d);
        String at = timestamp(now);
        return d.build(newId, builtIn, at, at);
    }

    /**
     * Applies a partial update: only the fields present change; an explicit {@code null} clears
     * an optional field ({@code resource}, {@code webhook_url}, {@code webhook_format} — back to
     * inference —, {@code routing_key}, {@code description}) or resets one with a default. Clearing
     * {@code webhook_url} also clears the format and routing key unless the patch sets them.
     * Changing the URL re-infers the format unless the rule's format was chosen explicitly (differs
     * from what its URL implies) or the patch sets one. The merged rule is checked as a whole.
     * Read-only fields may be sent back only with their current values.
     *
     * @param now the new {@code updated_at}
     */
    public static AlertRule update(AlertRule existing, JsonNode patch, Instant now) throws RuleException {
        try {
            return updateChecked(existing, patch, now);
        } catch (RuntimeException bug) {
            throw unexpected(bug);
        }
    }

    private static AlertRule updateChecked(AlertRule existing, JsonNode patch, Instant now) throws RuleException {
        checkFields(patch, FIELDS, existing);
        Draft d = Draft.of(existing);
        if (patch.has("name")) {
            d.name = requiredName(patch.get("name"));
        }
        if (patch.has("metric")) {
            d.metric = requiredMetric(patch.get("metric"));
        }
        if (patch.has("condition")) {
            d.condition = requiredCondition(patch.get("condition"));
        }
        if (patch.has("threshold")) {
            d.threshold = requiredThreshold(patch.get("threshold"));
        }
        if (patch.has("for_seconds")) {
            d.forSeconds = forSeconds(patch.get("for_seconds"));
        }
        if (patch.has("severity")) {
            d.severity = severity(patch.get("severity"));
        }
        if (patch.has("cooldown_minutes")) {
            d.cooldownMinutes = cooldown(patch.get("cooldown_minutes"));
        }
        if (patch.has("resource")) {
            d.resource = resource(patch.get("resource"));
        }
        boolean urlChanged = patch.has("webhook_url");
        if (urlChanged) {
            d.webhookUrl = webhookUrl(patch.get("webhook_url"));
        }
        if (patch.has("webhook_format")) {
            WebhookFormat given = webhookFormat(patch.get("webhook_format"));
            d.webhookFormat = given != null ? given : WebhookUrls.inferFormat(d.webhookUrl);
            d.formatGiven = given != null;
        } else if (urlChanged) {
            boolean wasExplicit = existing.webhookUrl() != null && existing.webhookFormat() != null
                    && existing.webhookFormat() != WebhookUrls.inferFormat(existing.webhookUrl());
            d.webhookFormat = d.webhookUrl == null ? null
                    : wasExplicit ? existing.webhookFormat() : WebhookUrls.inferFormat(d.webhookUrl);
        }
        if (patch.has("routing_key")) {
            d.routingKey = routingKey(patch.get("routing_key"));
        } else if (urlChanged && d.webhookUrl == null) {
            d.routingKey = null; // no webhook, nothing to route
        }
        if (patch.has("enabled")) {
            d.enabled = enabled(patch.get("enabled"));
        }
        if (patch.has("description")) {
            d.description = description(patch.get("description"));
        }
        crossCheck(d);
        return d.build(existing.id(), existing.builtIn(), existing.createdAt(), timestamp(now));
    }

    /**
     * Checks a test-webhook body: {@code webhook_url} (required), {@code webhook_format}
     * (inferred when absent or null), {@code routing_key} (required for PagerDuty, refused for
     * other formats).
     */
    public static TestTarget testTarget(JsonNode body) throws RuleException {
        try {
            return testTargetChecked(body);
        } catch (RuntimeException bug) {
            throw unexpected(bug);
        }
    }

    private static TestTarget testTargetChecked(JsonNode body) throws RuleException {
        checkFields(body, TEST_FIELDS, null);
        JsonNode urlNode = body.get("webhook_url");
        if (urlNode == null || urlNode.isNull()) {
            throw new RuleException("webhook_url", "webhook_url is required: the absolute http or https URL to send a"
                    + " test notification to");
        }
        String url = webhookUrl(urlNode);
        WebhookFormat given = body.has("webhook_format") ? webhookFormat(body.get("webhook_format")) : null;
        WebhookFormat format = given != null ? given : WebhookUrls.inferFormat(url);
        String routingKey = body.has("routing_key") ? routingKey(body.get("routing_key")) : null;
        checkRoutingKey(format, routingKey);
        return new TestTarget(url, format, routingKey);
    }

    /**
     * Why a stored rule (read back from disk, possibly edited by hand) would not pass validation,
     * or null when it would.
     */
    static String problem(AlertRule rule) {
        try {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("name", rule.name());
            body.put("metric", rule.metric().key());
            body.put("condition", rule.condition().key());
            body.put("threshold", rule.threshold());
            body.put("for_seconds", rule.forSeconds());
            body.put("severity", rule.severity().key());
            body.put("cooldown_minutes", rule.cooldownMinutes());
            body.put("resource", rule.resource());
            body.put("webhook_url", rule.webhookUrl());
            body.put("webhook_format", rule.webhookFormat() == null ? null : rule.webhookFormat().key());
            body.put("routing_key", rule.routingKey());
            body.put("enabled", rule.enabled());
            body.put("description", rule.description());
            create(body, rule.id(), Instant.EPOCH, rule.builtIn());
            if (!rule.id().matches("[A-Za-z0-9._:-]{1,64}")) {
                return "id: '" + rule.id() + "' is not a valid rule id";
            }
            return null;
        } catch (RuleException e) {
            return e.field() + ": " + e.getMessage();
        }
    }

    // ---- fields ----

    private static void checkFields(JsonNode body, List<String> known, AlertRule existing) throws RuleException {
        if (body == null || !body.isObject()) {
            throw new RuleException(null, "the body must be a JSON object ({...}); got " + describe(body));
        }
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String name = field.getKey();
            if (known.contains(name)) {
                continue;
            }
            if (known == FIELDS && READ_ONLY.contains(name)) {
                if (existing != null && sameAsStored(name, field.getValue(), existing)) {
                    continue; // a rule sent back as it was read
                }
                throw new RuleException(name, name + " is read-only: the server sets it; leave it out"
                        + (existing == null ? "" : " (or send the current value)"));
            }
            throw new RuleException(name, "unknown field '" + name + "'; known fields: " + String.join(", ", known)
                    + (known == FIELDS ? " (read-only: " + String.join(", ", READ_ONLY) + ")" : ""));
        }
    }

    private static boolean sameAsStored(String name, JsonNode value, AlertRule existing) {
        return switch (name) {
            case "id" -> value.isTextual() && value.textValue().equals(existing.id());
            case "built_in" -> value.isBoolean() && value.booleanValue() == existing.builtIn();
            case "created_at" -> value.isTextual() && value.textValue().equals(existing.createdAt());
            case "updated_at" -> value.isTextual() && value.textValue().equals(existing.updatedAt());
            default -> false;
        };
    }

    private static String requiredName(JsonNode node) throws RuleException {
        if (node == null || node.isNull()) {
            throw new RuleException("name", "name is required: a short name of 1 to " + MAX_NAME + " characters");
        }
        if (!node.isTextual()) {
            throw new RuleException("name", "name must be a string of 1 to " + MAX_NAME + " characters; got "
                    + describe(node));
        }
        String name = node.textValue().strip();
        if (name.isEmpty()) {
            throw new RuleException("name", "name must not be blank: 1 to " + MAX_NAME + " characters");
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_NAME) {
            throw new RuleException("name", "name is " + length + " characters long; at most " + MAX_NAME
                    + " are accepted");
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw new RuleException("name", "name must not contain control characters (line breaks, tabs); use"
                    + " description for longer text");
        }
        return name;
    }

    private static Metric requiredMetric(JsonNode node) throws RuleException {
        String keys = keys(Metric.values());
        if (node == null || node.isNull()) {
            throw new RuleException("metric", "metric is required: one of " + keys);
        }
        if (!node.isTextual()) {
            throw new RuleException("metric", "metric must be a string, one of " + keys + "; got " + describe(node));
        }
        Metric metric = Metric.byKey(node.textValue());
        if (metric == null) {
            throw new RuleException("metric", "unknown metric " + quote(node.textValue()) + "; expected one of " + keys);
        }
        return metric;
    }

    private static Condition requiredCondition(JsonNode node) throws RuleException {
        String keys = keys(Condition.values());
        if (node == null || node.isNull()) {
            throw new RuleException("condition", "condition is required: one of " + keys);
        }
        if (!node.isTextual()) {
            throw new RuleException("condition", "condition must be a string, one of " + keys + "; got "
                    + describe(node));
        }
        Condition condition = Condition.byKey(node.textValue());
        if (condition == null) {
            throw new RuleException("condition", "unknown condition " + quote(node.textValue()) + "; expected one of "
                    + keys);
        }
        return condition;
    }

    private static double requiredThreshold(JsonNode node) throws RuleException {
        if (node == null || node.isNull()) {
            throw new RuleException("threshold", "threshold is required: a number in the metric's unit");
        }
        if (!node.isNumber()) {
            throw new RuleException("threshold", "threshold must be a JSON number (not a string or boolean); got "
                    + describe(node));
        }
        double value = node.doubleValue();
        if (!Double.isFinite(value)) {
            throw new RuleException("threshold", "threshold must be a finite number; got " + node.asText());
        }
        return value;
    }

    private static long forSeconds(JsonNode node) throws RuleException {
        String accepted = "a whole number of seconds from 0 to " + MAX_FOR_SECONDS + " (default 0: fire at once)";
        if (node.isNull()) {
            return 0;
        }
        if (!node.isNumber()) {
            throw new RuleException("for_seconds", "for_seconds must be " + accepted + "; got " + describe(node));
        }
        double value = node.doubleValue();
        if (!Double.isFinite(value) || value != Math.rint(value) || value < 0 || value > MAX_FOR_SECONDS) {
            throw new RuleException("for_seconds", "for_seconds must be " + accepted + "; got " + node.asText());
        }
        return (long) value;
    }

    private static Severity severity(JsonNode node) throws RuleException {
        String keys = keys(Severity.values());
        if (node.isNull()) {
            return DEFAULT_SEVERITY;
        }
        if (!node.isTextual()) {
            throw new RuleException("severity", "severity must be a string, one of " + keys + "; got " + describe(node));
        }
        Severity severity = Severity.byKey(node.textValue());
        if (severity == null) {
            throw new RuleException("severity", "unknown severity " + quote(node.textValue()) + "; expected one of "
                    + keys);
        }
        return severity;
    }

    private static double cooldown(JsonNode node) throws RuleException {
        String accepted = "a number of minutes from 0 to " + (long) MAX_COOLDOWN_MINUTES + " (7 days; default "
                + (long) DEFAULT_COOLDOWN_MINUTES + ")";
        if (node.isNull()) {
            return DEFAULT_COOLDOWN_MINUTES;
        }
        if (!node.isNumber()) {
            throw new RuleException("cooldown_minutes", "cooldown_minutes must be " + accepted + "; got "
                    + describe(node));
        }
        double value = node.doubleValue();
        if (!Double.isFinite(value) || value < 0 || value > MAX_COOLDOWN_MINUTES) {
            throw new RuleException("cooldown_minutes", "cooldown_minutes must be " + accepted + "; got "
                    + node.asText());
        }
        return value;
    }

    private static String resource(JsonNode node) throws RuleException {
        if (node.isNull()) {
            return null;
        }
        String accepted = "a pool or cache name of 1 to " + MAX_RESOURCE + " letters, digits, '.', '_', '-', ':' or"
                + " '#', where '*' matches any characters (orders-*), or null for all of them together";
        if (!node.isTextual()) {
            throw new RuleException("resource", "resource must be " + accepted + "; got " + describe(node));
        }
        String resource = node.textValue();
        if (!RESOURCE.matcher(resource).matches()) {
            throw new RuleException("resource", "resource must be " + accepted + "; got " + quote(resource));
        }
        return resource;
    }

    private static String webhookUrl(JsonNode node) throws RuleException {
        if (node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new RuleException("webhook_url", "webhook_url must be a string, an absolute http or https URL; got "
                    + describe(node));
        }
        String url = node.textValue();
        String problem = WebhookUrls.problem(url);
        if (problem != null) {
            throw new RuleException("webhook_url", "webhook_url: " + problem);
        }
        return url;
    }

    private static WebhookFormat webhookFormat(JsonNode node) throws RuleException {
        if (node.isNull()) {
            return null;
        }
        String keys = keys(WebhookFormat.values());
        if (!node.isTextual()) {
            throw new RuleException("webhook_format", "webhook_format must be a string, one of " + keys
                    + " (or absent to infer it from the URL); got " + describe(node));
        }
        WebhookFormat format = WebhookFormat.byKey(node.textValue());
        if (format == null) {
            throw new RuleException("webhook_format", "unknown webhook_format " + quote(node.textValue())
                    + "; expected one of " + keys + " (or absent to infer it from the URL)");
        }
        return format;
    }

    private static String routingKey(JsonNode node) throws RuleException {
        if (node.isNull()) {
            return null;
        }
        String accepted = "1 to " + MAX_ROUTING_KEY + " visible ASCII characters without spaces (the integration key"
                + " of a PagerDuty Events API v2 integration)";
        if (!node.isTextual()) {
            throw new RuleException("routing_key", "routing_key must be a string of " + accepted + "; got "
                    + describe(node));
        }
        String key = node.textValue();
        if (!ROUTING_KEY.matcher(key).matches()) {
            throw new RuleException("routing_key", "routing_key must be " + accepted
                    + (key.length() > MAX_ROUTING_KEY ? "; got " + key.length() + " characters" : ""));
        }
        return key;
    }

    private static boolean enabled(JsonNode node) throws RuleException {
        if (node.isNull()) {
            return true;
        }
        if (!node.isBoolean()) {
            throw new RuleException("enabled", "enabled must be true or false; got " + describe(node));
        }
        return node.booleanValue();
    }

    private static String description(JsonNode node) throws RuleException {
        if (node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new RuleException("description", "description must be a string of at most " + MAX_DESCRIPTION
                    + " characters, or null; got " + describe(node));
        }
        String text = node.textValue();
        int length = text.codePointCount(0, text.length());
        if (length > MAX_DESCRIPTION) {
            throw new RuleException("description", "description is " + length + " characters long; at most "
                    + MAX_DESCRIPTION + " are accepted");
        }
        return text;
    }

    // ---- the rule as a whole ----

    private static void crossCheck(Draft d) throws RuleException {
        checkThresholdRange(d.metric, d.threshold);
        if (d.resource != null && d.metric.scope() == Metric.Scope.SYSTEM) {
            throw new RuleException("resource", d.metric.key() + " is measured for the whole JVM and takes no"
                    + " resource; remove resource (or set it to null), or use a pool metric ("
                    + keys(scoped(Metric.Scope.POOL)) + ") or a cache metric (" + keys(scoped(Metric.Scope.CACHE)) + ")");
        }
        if (d.webhookUrl == null && d.formatGiven) {
            throw new RuleException("webhook_format", "webhook_format applies only with a webhook_url; set"
                    + " webhook_url, or leave webhook_format out");
        }
        checkRoutingKey(d.webhookFormat, d.routingKey);
    }

    private static void checkRoutingKey(WebhookFormat format, String routingKey) throws RuleException {
        if (format == WebhookFormat.PAGERDUTY && routingKey == null) {
            throw new RuleException("routing_key", "routing_key is required for the pagerduty format: 1 to "
                    + MAX_ROUTING_KEY + " visible ASCII characters, the integration key of a PagerDuty Events API v2"
                    + " integration");
        }
        if (format != WebhookFormat.PAGERDUTY && routingKey != null) {
            throw new RuleException("routing_key", "routing_key applies only to webhook_format pagerduty; this rule's"
                    + " format is " + (format == null ? "none (no webhook_url)" : format.key())
                    + "; leave routing_key out or set it to null");
        }
    }

    /** The accepted thresholds of each metric, with the unit (also in docs/ALERTS.md). */
    private static void checkThresholdRange(Metric metric, double t) throws RuleException {
        String accepted = switch (metric) {
            case PERFORMANCE_SCORE -> t >= 0 && t <= 100 ? null : "0 to 100 (a score)";
            case SYSTEM_HEALTH -> t == 0 || t == 0.5 || t == 1 ? null
                    : "1 (healthy), 0.5 (degraded) or 0 (critical)";
            case AVAILABILITY, CACHE_HIT_RATE, POOL_UTILIZATION, ERROR_RATE -> t >= 0 && t <= 1 ? null
                    : "0 to 1 (a ratio: 0.6 means 60%)";
            case CONNECTION_WAIT_TIME, CONNECTION_WAIT_P99, QUERY_P99_TIME -> t >= 0 && t <= MAX_SECONDS ? null
                    : "0 to " + (long) MAX_SECONDS + " seconds (0.5 means 500 ms)";
            case PENDING_THREADS, POOL_EXHAUSTED_COUNT, SLOW_QUERY_COUNT -> t >= 0 && t <= MAX_COUNT ? null
                    : "0 to 1000000000 (a count)";
        };
        if (accepted != null) {
            throw new RuleException("threshold", "threshold " + number(t) + " is out of range for " + metric.key()
                    + ": expected " + accepted);
        }
    }

    // ---- helpers ----

    /** A bug of ours must not become a 500 for the client: it is logged and answered as a 400. */
    private static RuleException unexpected(RuntimeException bug) {
        AgentLog.log(AgentLog.Level.WARN, "alert rules: the validator failed unexpectedly", bug);
        return new RuleException(null, "the rule could not be checked (" + bug.getClass().getSimpleName()
                + "); please report this with the request body");
    }

    private static String timestamp(Instant now) {
        return now.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static Metric[] scoped(Metric.Scope scope) {
        return Arrays.stream(Metric.values()).filter(m -> m.scope() == scope).toArray(Metric[]::new);
    }

    private static String keys(Metric[] values) {
        return Arrays.stream(values).map(Metric::key).collect(Collectors.joining(", "));
    }

    private static String keys(Condition[] values) {
        return Arrays.stream(values).map(Condition::key).collect(Collectors.joining(", "));
    }

    private static String keys(Severity[] values) {
        return Arrays.stream(values).map(Severity::key).collect(Collectors.joining(", "));
    }

    private static String keys(WebhookFormat[] values) {
        return Arrays.stream(values).map(WebhookFormat::key).collect(Collectors.joining(", "));
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** A value quoted for a message, shortened so that a huge value does not make a huge message. */
    private static String quote(String text) {
        return "'" + (text.length() > 80 ? text.substring(0, 77) + "..." : text) + "'";
    }

    /** What a JSON value is, for "got ..." in messages. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "a string (" + quote(node.textValue()) + ")";
        }
        if (node.isBoolean()) {
            return "a boolean (" + node.booleanValue() + ")";
        }
        if (node.isNumber()) {
            return "a number (" + node.asText() + ")";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The fields of a rule being built; validated as a whole by {@link #crossCheck}. */
    private static final class Draft {
        String name;
        Metric metric;
        Condition condition;
        double threshold;
        long forSeconds;
        Severity severity;
        double cooldownMinutes;
        String resource;
        String webhookUrl;
        WebhookFormat webhookFormat;
        boolean formatGiven;
        String routingKey;
        boolean enabled;
        String description;

        static Draft of(AlertRule r) {
            Draft d = new Draft();
            d.name = r.name();
            d.metric = r.metric();
            d.condition = r.condition();
            d.threshold = r.threshold();
            d.forSeconds = r.forSeconds();
            d.severity = r.severity();
            d.cooldownMinutes = r.cooldownMinutes();
            d.resource = r.resource();
            d.webhookUrl = r.webhookUrl();
            d.webhookFormat = r.webhookFormat();
            d.routingKey = r.routingKey();
            d.enabled = r.enabled();
            d.description = r.description();
            return d;
        }

        AlertRule build(String id, boolean builtIn, String createdAt, String updatedAt) {
            return new AlertRule(id, name, metric, resource, condition, threshold, forSeconds, severity,
                    cooldownMinutes, webhookUrl, webhookUrl == null ? null : webhookFormat, routingKey, enabled,
                    description, builtIn, createdAt, updatedAt);
        }
    }
}
