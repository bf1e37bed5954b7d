package dev.vitals.agent.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.agent.alert.AlertRule.WebhookFormat;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The body of a notification in each service's documented format (see docs/ALERTS.md,
 * "Delivery"): a Slack incoming webhook ({@code text} and Block Kit {@code blocks}), a Discord
 * webhook ({@code content} and {@code embeds}), a PagerDuty Events API v2 event ({@code trigger}
 * or {@code resolve} with a stable {@code dedup_key}), or generic JSON with the original design's
 * field names.
 *
 * <p>Text that comes from users (rule names, resources) is escaped where the service would read
 * it as markup (Slack's {@code <!channel>}) and mentions are disabled (Discord), and every field
 * is cut to the service's limit so that a long name never turns a notification into a 400.
 *
 * <p>Threading: stateless; call from any thread.
 */
public final class Payloads {

    /** The content type of every body. */
    public static final String CONTENT_TYPE = "application/json; charset=utf-8";

    /** Slack: a header block's plain text, in characters. */
    static final int SLACK_HEADER_MAX = 150;
    /** Slack: a section's text, and the top-level fallback text we send, in characters. */
    static final int SLACK_TEXT_MAX = 3000;
    /** Slack: one section field's text, in characters. */
    static final int SLACK_FIELD_MAX = 2000;
    /** Slack: fields in one section. */
    static final int SLACK_FIELDS_MAX = 10;
    /** Discord: a message's {@code content}, in characters. */
    static final int DISCORD_CONTENT_MAX = 2000;
    /** Discord: an embed's title, and a field's name, in characters. */
    static final int DISCORD_TITLE_MAX = 256;
    /** Discord: an embed's description, in characters. */
    static final int DISCORD_DESCRIPTION_MAX = 4096;
    /** Discord: a field's value, in characters. */
    static final int DISCORD_FIELD_VALUE_MAX = 1024;
    /** Discord: fields in one embed. */
    static final int DISCORD_FIELDS_MAX = 25;
    /** Discord: a footer's text, in characters. */
    static final int DISCORD_FOOTER_MAX = 2048;
    /** Discord: title, description, field names and values and footer of all embeds together. */
    static final int DISCORD_EMBEDS_TOTAL_MAX = 6000;
    /** PagerDuty: {@code payload.summary}, in characters. */
    static final int PAGERDUTY_SUMMARY_MAX = 1024;
    /** PagerDuty: {@code dedup_key}, in characters. */
    static final int PAGERDUTY_DEDUP_KEY_MAX = 255;

    /** Discord embed colours (RGB): red, orange, yellow, blue by severity; green once resolved. */
    static final int COLOR_CRITICAL = 0xD32F2F;
    static final int COLOR_ERROR = 0xF57C00;
    static final int COLOR_WARNING = 0xFBC02D;
    static final int COLOR_INFO = 0x1976D2;
    static final int COLOR_RESOLVED = 0x388E3C;

    // Only writes trees built here; configured once, so safe to share.
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Payloads() {
    }

    /** The content type of a body in {@code format}: JSON, for every service. */
    public static String contentType(WebhookFormat format) {
        return CONTENT_TYPE;
    }

    /**
     * The body to POST, UTF-8 JSON.
     *
     * @param format the service's format; null means {@code generic}
     */
    public static byte[] body(WebhookFormat format, Notification n) {
        ObjectNode tree = switch (format == null ? WebhookFormat.GENERIC : format) {
            case SLACK -> slack(n);
            case DISCORD -> discord(n);
            case PAGERDUTY -> pagerDuty(n);
            case GENERIC -> generic(n);
        };
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            // A tree of strings and numbers always serialises; this would be a bug in Jackson.
            throw new IllegalStateException("cannot write the " + format + " payload", e);
        }
    }

    // ---- Slack: https://api.slack.com/messaging/webhooks, Block Kit header/section/context

    private static ObjectNode slack(Notification n) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("text", slackText(summary(n), SLACK_TEXT_MAX));
        ArrayNode blocks = root.putArray("blocks");

        ObjectNode header = blocks.addObject().put("type", "header");
        // Slack decodes the three entities in every text, plain_text included; escaping there too is safe.
        header.putObject("text").put("type", "plain_text").put("text", slackText(title(n), SLACK_HEADER_MAX));

        ObjectNode section = blocks.addObject().put("type", "section");
        section.putObject("text").put("type", "mrkdwn")
                .put("text", slackText(n.event().message() == null ? summary(n) : n.event().message(), SLACK_TEXT_MAX));
        ArrayNode fields = section.putArray("fields");
        for (Field f : fields(n)) {
            if (fields.size() == SLACK_FIELDS_MAX) {
                break;
            }
            fields.addObject().put("type", "mrkdwn")
                    .put("text", "*" + f.name() + "*\n" + slackText(f.value(), SLACK_FIELD_MAX - f.name().length() - 3));
        }

        StringBuilder context = new StringBuilder("Vitals · event ").append(slackEscape(n.event().id()))
                .append(" · rule ").append(slackEscape(n.rule().id()));
        if (isWebUrl(n.dashboardUrl())) {
            // <url|label> is Slack's link syntax; the URL itself must not contain a '|' or '>'.
            context.append(" · <").append(slackEscape(n.dashboardUrl()).replace("|", "%7C")).append("|dashboard>");
        }
        blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", truncate(context.toString(), SLACK_TEXT_MAX));
        return root;
    }

    /** Slack reads {@code &}, {@code <} and {@code >} as markup ({@code <!channel>} pings everyone). */
    static String slackEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** {@code text} escaped, then cut to {@code max} characters without leaving half an entity ({@code &am}). */
    static String slackText(String text, int max) {
        String escaped = slackEscape(text);
        if (escaped.length() <= max) {
            return escaped;
        }
        String cut = truncateRaw(escaped, max - 1);
        int amp = cut.lastIndexOf('&');
        if (amp >= 0 && cut.indexOf(';', amp) < 0) {
            cut = cut.substring(0, amp); // every '&' left in escaped text starts an entity
        }
        return cut + "…";
    }

    // ---- Discord: Execute Webhook, an embed object and its limits

    private static ObjectNode discord(Notification n) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("content", truncate(summary(n), DISCORD_CONTENT_MAX));
        // Rule names and resources are user text: never let them ping @everyone, roles or users.
        root.putObject("allowed_mentions").putArray("parse");

        String title = truncate(title(n), DISCORD_TITLE_MAX);
        String description = truncate(n.event().message() == null ? summary(n) : n.event().message(),
                DISCORD_DESCRIPTION_MAX);
        String footer = truncate("Vitals · " + n.app() + " · event " + n.event().id() + " · rule " + n.rule().id(),
                DISCORD_FOOTER_MAX);
        List<Field> fields = new ArrayList<>();
        for (Field f : fields(n)) {
            if (fields.size() == DISCORD_FIELDS_MAX) {
                break;
            }
            fields.add(new Field(truncate(f.name(), DISCORD_TITLE_MAX), truncate(f.value(), DISCORD_FIELD_VALUE_MAX)));
        }
        // Keep the whole embed within Discord's total: shorten the description first, then drop fields.
        int total = title.length() + description.length() + footer.length()
                + fields.stream().mapToInt(f -> f.name().length() + f.value().length()).sum();
        if (total > DISCORD_EMBEDS_TOTAL_MAX) {
            int keep = Math.max(0, description.length() - (total - DISCORD_EMBEDS_TOTAL_MAX));
            total -= description.length();
            description = truncate(description, keep);
            total += description.length();
        }
        while (total > DISCORD_EMBEDS_TOTAL_MAX && !fields.isEmpty()) {
            Field last = fields.remove(fields.size() - 1);
            total -= last.name().length() + last.value().length();
        }

        ObjectNode embed = root.putArray("embeds").addObject();
        embed.put("title", title);
        if (!description.isEmpty()) {
            embed.put("description", description);
        }
        if (isWebUrl(n.dashboardUrl())) {
            embed.put("url", n.dashboardUrl());
        }
        embed.put("color", n.resolved() ? COLOR_RESOLVED : switch (n.rule().severity()) {
            case CRITICAL -> COLOR_CRITICAL;
            case ERROR -> COLOR_ERROR;
            case WARNING -> COLOR_WARNING;
            case INFO -> COLOR_INFO;
        });
        ArrayNode embedFields = embed.putArray("fields");
        for (Field f : fields) {
            embedFields.addObject().put("name", f.name()).put("value", f.value()).put("inline", true);
        }
        if (n.time() != null) {
            embed.put("timestamp", n.time());
        }
        embed.putObject("footer").put("text", footer);
        return root;
    }

    // ---- PagerDuty Events API v2: POST https://events.pagerduty.com/v2/enqueue

    private static ObjectNode pagerDuty(Notification n) {
        ObjectNode root = MAPPER.createObjectNode();
        if (n.rule().routingKey() != null) {
            root.put("routing_key", n.rule().routingKey());
        }
        root.put("event_action", n.resolved() ? "resolve" : "trigger");
        root.put("dedup_key", dedupKey(n));
        if (n.resolved()) {
            return root; // a resolve needs only the key; PagerDuty resolves the alert it opened
        }
        root.put("client", "Vitals");
        if (isWebUrl(n.dashboardUrl())) {
            root.put("client_url", n.dashboardUrl());
        }
        AlertEvent e = n.event();
        ObjectNode payload = root.putObject("payload");
        payload.put("summary", truncate(summary(n), PAGERDUTY_SUMMARY_MAX));
        payload.put("source", n.host() == null ? n.app() : n.app() + "@" + n.host());
        // Vitals' severities are PagerDuty's four, by the same names.
        payload.put("severity", n.rule().severity().key());
        payload.put("timestamp", e.startedAt());
        if (e.resource() != null) {
            payload.put("component", e.resource());
        }
        payload.put("group", n.app());
        payload.put("class", e.metric());
        ObjectNode details = payload.putObject("custom_details");
        details.put("message", e.message());
        details.put("metric", e.metric());
        details.put("resource", e.resource() == null ? allOf(n.rule()) : e.resource());
        details.put("current_value", e.currentValue());
        details.put("threshold", e.threshold());
        details.put("condition", n.rule().condition().key());
        details.put("rule_id", n.rule().id());
        details.put("rule_name", n.rule().name());
        details.put("event_id", e.id());
        details.put("started_at", e.startedAt());
        if (isWebUrl(n.dashboardUrl())) {
            root.putArray("links").addObject().put("href", n.dashboardUrl()).put("text", "Vitals dashboard");
        }
        return root;
    }

    /**
     * {@code vitals-<app>-<rule id>-<resource or all>}: the same for every event of one rule and
     * resource, so a resolve closes the alert its trigger opened. Longer than PagerDuty allows,
     * it keeps its start and ends with a hash of the whole key, so it stays stable and distinct.
     */
    static String dedupKey(Notification n) {
        String resource = n.event().resource() == null ? "all" : n.event().resource();
        String key = "vitals-" + n.app() + "-" + n.rule().id() + "-" + resource;
        if (key.length() <= PAGERDUTY_DEDUP_KEY_MAX) {
            return key;
        }
        String hash = HexFormat.of().formatHex(sha256(key)).substring(0, 16);
        return truncateRaw(key, PAGERDUTY_DEDUP_KEY_MAX - hash.length() - 1) + "-" + hash;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    // ---- generic: the original design's fields, plus status, app, event and resource

    private static ObjectNode generic(Notification n) {
        AlertEvent e = n.event();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("alert_type", e.metric());
        root.put("rule_name", n.rule().name());
        root.put("metric", e.metric());
        root.put("current_value", e.currentValue());
        root.put("threshold", e.threshold());
        root.put("severity", n.rule().severity().key());
        root.put("message", e.message());
        root.put("timestamp", n.time());
        root.put("rule_id", n.rule().id());
        root.put("status", n.kind());
        root.put("app", n.app());
        root.put("event_id", e.id());
        root.put("resource", e.resource());
        root.put("condition", n.rule().condition().key());
        root.put("host", n.host());
        root.put("started_at", e.startedAt());
        root.put("resolved_at", n.resolved() ? e.resolvedAt() : null);
        root.put("dashboard_url", n.dashboardUrl());
        return root;
    }

    // ---- shared text

    /** One field of the Slack and Discord messages. */
    private record Field(String name, String value) {
    }

    private static List<Field> fields(Notification n) {
        AlertEvent e = n.event();
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("Metric", e.metric()));
        String resource = resource(n);
        if (resource != null) {
            fields.add(new Field("Resource", resource));
        }
        fields.add(new Field("Value", number(e.currentValue())));
        fields.add(new Field("Threshold", symbol(n.rule().condition()) + " " + number(e.threshold())));
        fields.add(new Field("Severity", n.rule().severity().key()));
        fields.add(new Field("Status", n.kind()));
        fields.add(new Field("App", n.host() == null ? n.app() : n.app() + " on " + n.host()));
        fields.add(new Field("Started", e.startedAt() == null ? "-" : e.startedAt()));
        if (n.resolved()) {
            fields.add(new Field("Resolved", e.resolvedAt() == null ? "-" : e.resolvedAt()));
        }
        return fields;
    }

    /** {@code [FIRING] Pool wait} or {@code [RESOLVED] Pool wait}. */
    private static String title(Notification n) {
        return (n.resolved() ? "[RESOLVED] " : "[FIRING] ") + n.rule().name();
    }

    /**
     * One line: {@code [CRITICAL] Pool wait: connection_wait_time 0.812 > 0.5 on pool orders (shop)}, or
     * {@code [RESOLVED] Pool wait: connection_wait_time 0.1, no longer > 0.5, on pool orders (shop)}.
     */
    static String summary(Notification n) {
        AlertEvent e = n.event();
        String resource = resource(n);
        String condition = symbol(n.rule().condition()) + " " + number(e.threshold());
        StringBuilder line = new StringBuilder();
        line.append('[').append(n.resolved() ? "RESOLVED" : n.rule().severity().key().toUpperCase(Locale.ROOT))
                .append("] ").append(n.rule().name()).append(": ").append(e.metric()).append(' ')
                .append(number(e.currentValue()));
        if (n.resolved()) {
            line.append(", no longer ").append(condition).append(resource == null ? "" : ",");
        } else {
            line.append(' ').append(condition);
        }
        if (resource != null) {
            line.append(" on ").append(resource);
        }
        return line.append(" (").append(n.app()).append(')').toString();
    }

    /** {@code pool orders}, {@code all caches}, or null for a system metric. */
    private static String resource(Notification n) {
        String resource = n.event().resource();
        return switch (n.rule().metric().scope()) {
            case POOL -> resource == null ? "all pools" : "pool " + resource;
            case CACHE -> resource == null ? "all caches" : "cache " + resource;
            case SYSTEM -> resource;
        };
    }

    private static String allOf(AlertRule rule) {
        return switch (rule.metric().scope()) {
            case POOL -> "all pools";
            case CACHE -> "all caches";
            case SYSTEM -> "system";
        };
    }

    private static String symbol(AlertRule.Condition condition) {
        return switch (condition) {
            case LESS_THAN -> "<";
            case GREATER_THAN -> ">";
            case LESS_OR_EQUAL -> "<=";
            case GREATER_OR_EQUAL -> ">=";
            case EQUALS -> "=";
            case NOT_EQUALS -> "!=";
        };
    }

    /** At least four significant digits, all of the integer part, no trailing zeros: {@code 0.8123}, {@code 12346}. */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        BigDecimal d = BigDecimal.valueOf(v);
        int integerDigits = d.precision() - d.scale();
        d = d.round(new MathContext(Math.max(4, integerDigits), RoundingMode.HALF_UP)).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }

    private static boolean isWebUrl(String url) {
        return url != null && (url.startsWith("https://") || url.startsWith("http://"));
    }

    /**
     * {@code text} cut to at most {@code max} UTF-16 units, ending with an ellipsis when cut, and
     * never splitting a surrogate pair (services count characters; a UTF-16 count is never less).
     */
    static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        if (max <= 0) {
            return "";
        }
        return truncateRaw(text, max - 1) + "…";
    }

    private static String truncateRaw(String text, int max) {
        int end = Math.min(max, text.length());
        if (end > 0 && end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }
}
