package dev.vitals.agent.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.agent.alert.AlertRule.Condition;
import dev.vitals.agent.alert.AlertRule.Metric;
import dev.vitals.agent.alert.AlertRule.Severity;
import dev.vitals.agent.alert.AlertRule.WebhookFormat;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class PayloadsTest {

    static final String STARTED = "2025-01-02T03:04:05Z";
    static final String RESOLVED_AT = "2025-01-02T03:14:05Z";
    static final String DASHBOARD = "http://127.0.0.1:9797/";
    static final String MESSAGE = "Pool wait: connection_wait_time of orders is 0.812 (greater_than 0.5)";

    private static final ObjectMapper JSON = new ObjectMapper();

    static AlertRule rule(String name, Metric metric, Condition condition, double threshold, Severity severity,
            WebhookFormat format, String url) {
        return new AlertRule("r-0123456789ab", name, metric, "orders*", condition, threshold, 0, severity, 30, url,
                format, "R0UTINGKEY0123456789abcdef012345", true, null, false, STARTED, STARTED);
    }

    static AlertRule poolRule(WebhookFormat format, String url) {
        return rule("Pool wait", Metric.CONNECTION_WAIT_TIME, Condition.GREATER_THAN, 0.5, Severity.CRITICAL, format,
                url);
    }

    static AlertEvent event(AlertRule rule, String resource, double value, String message, boolean resolved) {
        return new AlertEvent("e-42", rule.id(), rule.name(), rule.metric().key(), resource, value, rule.threshold(),
                rule.severity().key(), message, resolved ? AlertEvent.RESOLVED : AlertEvent.FIRING, STARTED,
                resolved ? RESOLVED_AT : null, false, null, List.of());
    }

    static Notification firing(WebhookFormat format) {
        AlertRule rule = poolRule(format, "https://hooks.example.com/x");
        return new Notification(AlertEvent.FIRING, rule, event(rule, "orders", 0.812, MESSAGE, false), "shop",
                "host-1", DASHBOARD);
    }

    static Notification resolved(WebhookFormat format) {
        AlertRule rule = poolRule(format, "https://hooks.example.com/x");
        return new Notification(AlertEvent.RESOLVED, rule,
                event(rule, "orders", 0.1, "Pool wait: connection_wait_time of orders is 0.1 (no longer greater_than 0.5)",
                        true),
                "shop", "host-1", DASHBOARD);
    }

    static JsonNode body(WebhookFormat format, Notification n) {
        try {
            return JSON.readTree(Payloads.body(format, n));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(node -> out.add(node.path(field).asText()));
        return out;
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    // ---- Slack

    @Test
    void slackFiringHasFallbackTextAndBlocks() {
        JsonNode b = body(WebhookFormat.SLACK, firing(WebhookFormat.SLACK));

        assertThat(b.path("text").asText())
                .isEqualTo("[CRITICAL] Pool wait: connection_wait_time 0.812 &gt; 0.5 on pool orders (shop)");
        JsonNode blocks = b.path("blocks");
        assertThat(texts(blocks, "type")).containsExactly("header", "section", "context");
        assertThat(blocks.get(0).path("text").path("type").asText()).isEqualTo("plain_text");
        assertThat(blocks.get(0).path("text").path("text").asText()).isEqualTo("[FIRING] Pool wait");
        JsonNode section = blocks.get(1);
        assertThat(section.path("text").path("type").asText()).isEqualTo("mrkdwn");
        assertThat(section.path("text").path("text").asText()).isEqualTo(MESSAGE);
        assertThat(texts(section.path("fields"), "type")).containsOnly("mrkdwn");
        assertThat(texts(section.path("fields"), "text")).containsExactly(
                "*Metric*\nconnection_wait_time",
                "*Resource*\npool orders",
                "*Value*\n0.812",
                "*Threshold*\n&gt; 0.5",
                "*Severity*\ncritical",
                "*Status*\nfiring",
                "*App*\nshop on host-1",
                "*Started*\n" + STARTED);
        assertThat(blocks.get(2).path("elements").get(0).path("text").asText())
                .isEqualTo("Vitals · event e-42 · rule r-0123456789ab · <" + DASHBOARD + "|dashboard>");
    }

    @Test
    void slackResolvedSaysSoAndWhen() {
        JsonNode b = body(WebhookFormat.SLACK, resolved(WebhookFormat.SLACK));

        assertThat(b.path("text").asText())
                .isEqualTo("[RESOLVED] Pool wait: connection_wait_time 0.1, no longer &gt; 0.5, on pool orders (shop)");
        assertThat(b.path("blocks").get(0).path("text").path("text").asText()).isEqualTo("[RESOLVED] Pool wait");
        assertThat(texts(b.path("blocks").get(1).path("fields"), "text"))
                .contains("*Status*\nresolved", "*Resolved*\n" + RESOLVED_AT);
    }

    @Test
    void slackEscapesMarkupFromUsers() {
        AlertRule rule = rule("<!channel> & <@U123>", Metric.PERFORMANCE_SCORE, Condition.LESS_THAN, 70,
                Severity.WARNING, WebhookFormat.SLACK, "https://hooks.slack.com/services/x");
        Notification n = new Notification(AlertEvent.FIRING, rule,
                event(rule, null, 42, "<!channel> & <@U123>: performance_score is 42 (less_than 70)", false),
                "shop", null, null);

        String json = new String(Payloads.body(WebhookFormat.SLACK, n), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(json).doesNotContain("<!channel>").doesNotContain("<@U123>");
        JsonNode b = body(WebhookFormat.SLACK, n);
        assertThat(b.path("text").asText())
                .isEqualTo("[WARNING] &lt;!channel&gt; &amp; &lt;@U123&gt;: performance_score 42 &lt; 70 (shop)");
        assertThat(b.path("blocks").get(0).path("text").path("text").asText())
                .isEqualTo("[FIRING] &lt;!channel&gt; &amp; &lt;@U123&gt;");
        // a system metric has no resource field; no host, no dashboard link
        assertThat(texts(b.path("blocks").get(1).path("fields"), "text")).noneMatch(t -> t.startsWith("*Resource*"))
                .contains("*App*\nshop");
        assertThat(b.path("blocks").get(2).path("elements").get(0).path("text").asText())
                .isEqualTo("Vitals · event e-42 · rule r-0123456789ab");
    }

    @Test
    void slackStaysWithinBlockLimitsAndNeverCutsAnEntity() {
        AlertRule rule = rule("x".repeat(400), Metric.PERFORMANCE_SCORE, Condition.LESS_THAN, 70, Severity.WARNING,
                WebhookFormat.SLACK, "https://hooks.slack.com/services/x");
        Notification n = new Notification(AlertEvent.FIRING, rule, event(rule, null, 42, "&".repeat(5000), false),
                "shop", null, null);

        JsonNode b = body(WebhookFormat.SLACK, n);

        String header = b.path("blocks").get(0).path("text").path("text").asText();
        assertThat(header).hasSize(Payloads.SLACK_HEADER_MAX).endsWith("…");
        String section = b.path("blocks").get(1).path("text").path("text").asText();
        assertThat(section.length()).isLessThanOrEqualTo(Payloads.SLACK_TEXT_MAX);
        assertThat(section).endsWith("&amp;…").matches("(&amp;)+…");
        assertThat(b.path("text").asText().length()).isLessThanOrEqualTo(Payloads.SLACK_TEXT_MAX);
    }

    // ---- Discord

    @Test
    void discordFiringHasContentAndAnEmbed() {
        JsonNode b = body(WebhookFormat.DISCORD, firing(WebhookFormat.DISCORD));

        assertThat(b.path("content").asText())
                .isEqualTo("[CRITICAL] Pool wait: connection_wait_time 0.812 > 0.5 on pool orders (shop)");
        assertThat(b.path("allowed_mentions").path("parse").isArray()).isTrue();
        assertThat(b.path("allowed_mentions").path("parse")).isEmpty();
        assertThat(b.path("embeds")).hasSize(1);
        JsonNode embed = b.path("embeds").get(0);
        assertThat(embed.path("title").asText()).isEqualTo("[FIRING] Pool wait");
        assertThat(embed.path("description").asText()).isEqualTo(MESSAGE);
        assertThat(embed.path("url").asText()).isEqualTo(DASHBOARD);
        assertThat(embed.path("color").asInt()).isEqualTo(Payloads.COLOR_CRITICAL);
        assertThat(embed.path("timestamp").asText()).isEqualTo(STARTED);
        assertThat(embed.path("footer").path("text").asText()).isEqualTo("Vitals · shop · event e-42 · rule r-0123456789ab");
        JsonNode fields = embed.path("fields");
        assertThat(texts(fields, "name"))
                .containsExactly("Metric", "Resource", "Value", "Threshold", "Severity", "Status", "App", "Started");
        assertThat(texts(fields, "value")).containsExactly("connection_wait_time", "pool orders", "0.812", "> 0.5",
                "critical", "firing", "shop on host-1", STARTED);
        fields.forEach(f -> assertThat(f.path("inline").asBoolean()).isTrue());
    }

    @Test
    void discordResolvedIsGreenAndStampedWithTheResolution() {
        JsonNode embed = body(WebhookFormat.DISCORD, resolved(WebhookFormat.DISCORD)).path("embeds").get(0);

        assertThat(embed.path("title").asText()).isEqualTo("[RESOLVED] Pool wait");
        assertThat(embed.path("color").asInt()).isEqualTo(Payloads.COLOR_RESOLVED);
        assertThat(embed.path("timestamp").asText()).isEqualTo(RESOLVED_AT);
        assertThat(texts(embed.path("fields"), "name")).endsWith("Started", "Resolved");
    }

    @ParameterizedTest
    @CsvSource({"CRITICAL, 13840175", "ERROR, 16088064", "WARNING, 16498733", "INFO, 1668818"})
    void discordColourFollowsSeverity(Severity severity, int rgb) {
        AlertRule rule = rule("r", Metric.ERROR_RATE, Condition.GREATER_THAN, 0.1, severity, WebhookFormat.DISCORD,
                "https://discord.com/api/webhooks/1/x");
        Notification n = new Notification(AlertEvent.FIRING, rule, event(rule, null, 0.2, "m", false), "shop", null,
                null);

        assertThat(body(WebhookFormat.DISCORD, n).path("embeds").get(0).path("color").asInt()).isEqualTo(rgb);
    }

    @Test
    void discordStaysWithinItsLimits() {
        String longName = "n".repeat(300);
        // "[FIRING] " + 245 characters puts the pair's first half last within the first 255
        AlertRule rule = new AlertRule("r-0123456789ab", "p".repeat(245) + "\uD83D\uDE00" + "q".repeat(100),
                Metric.CACHE_HIT_RATE, "*", Condition.LESS_THAN, 0.6, 0, Severity.WARNING, 30,
                "https://discord.com/api/webhooks/1/x", WebhookFormat.DISCORD, null, true, null, false, STARTED,
                STARTED);
        Notification n = new Notification(AlertEvent.FIRING, rule, event(rule, longName + "c".repeat(2000), 0.4,
                "m".repeat(10_000), false), "a".repeat(1500), "h".repeat(1500), null);

        JsonNode b = body(WebhookFormat.DISCORD, n);

        assertThat(b.path("content").asText().length()).isLessThanOrEqualTo(Payloads.DISCORD_CONTENT_MAX);
        JsonNode embed = b.path("embeds").get(0);
        String title = embed.path("title").asText();
        assertThat(title).hasSize(Payloads.DISCORD_TITLE_MAX - 1).endsWith("p…"); // the pair was not split
        assertThat(embed.path("description").asText().length()).isLessThanOrEqualTo(Payloads.DISCORD_DESCRIPTION_MAX);
        assertThat(embed.path("fields").size()).isLessThanOrEqualTo(Payloads.DISCORD_FIELDS_MAX);
        int total = title.length() + embed.path("description").asText().length()
                + embed.path("footer").path("text").asText().length();
        for (JsonNode f : embed.path("fields")) {
            assertThat(f.path("name").asText().length()).isLessThanOrEqualTo(Payloads.DISCORD_TITLE_MAX);
            assertThat(f.path("value").asText().length()).isLessThanOrEqualTo(Payloads.DISCORD_FIELD_VALUE_MAX);
            total += f.path("name").asText().length() + f.path("value").asText().length();
        }
        assertThat(total).isLessThanOrEqualTo(Payloads.DISCORD_EMBEDS_TOTAL_MAX);
        assertThat(embed.has("url")).isFalse();
    }

    // ---- PagerDuty

    @Test
    void pagerDutyTriggerHasTheEventsApiV2Fields() {
        JsonNode b = body(WebhookFormat.PAGERDUTY, firing(WebhookFormat.PAGERDUTY));

        assertThat(b.path("routing_key").asText()).isEqualTo("R0UTINGKEY0123456789abcdef012345");
        assertThat(b.path("event_action").asText()).isEqualTo("trigger");
        assertThat(b.path("dedup_key").asText()).isEqualTo("vitals-shop-r-0123456789ab-orders");
        assertThat(b.path("client").asText()).isEqualTo("Vitals");
        assertThat(b.path("client_url").asText()).isEqualTo(DASHBOARD);
        assertThat(b.path("links").get(0).path("href").asText()).isEqualTo(DASHBOARD);
        JsonNode p = b.path("payload");
        assertThat(p.path("summary").asText())
                .isEqualTo("[CRITICAL] Pool wait: connection_wait_time 0.812 > 0.5 on pool orders (shop)");
        assertThat(p.path("source").asText()).isEqualTo("shop@host-1");
        assertThat(p.path("severity").asText()).isEqualTo("critical");
        assertThat(p.path("timestamp").asText()).isEqualTo(STARTED);
        assertThat(p.path("component").asText()).isEqualTo("orders");
        assertThat(p.path("group").asText()).isEqualTo("shop");
        assertThat(p.path("class").asText()).isEqualTo("connection_wait_time");
        JsonNode d = p.path("custom_details");
        assertThat(d.path("current_value").asDouble()).isEqualTo(0.812);
        assertThat(d.path("threshold").asDouble()).isEqualTo(0.5);
        assertThat(d.path("condition").asText()).isEqualTo("greater_than");
        assertThat(d.path("event_id").asText()).isEqualTo("e-42");
        assertThat(d.path("rule_id").asText()).isEqualTo("r-0123456789ab");
        assertThat(d.path("message").asText()).isEqualTo(MESSAGE);
    }

    @Test
    void pagerDutyResolveCarriesOnlyTheKeyOfItsTrigger() {
        JsonNode trigger = body(WebhookFormat.PAGERDUTY, firing(WebhookFormat.PAGERDUTY));
        JsonNode resolve = body(WebhookFormat.PAGERDUTY, resolved(WebhookFormat.PAGERDUTY));

        assertThat(names(resolve)).containsExactly("routing_key", "event_action", "dedup_key");
        assertThat(resolve.path("event_action").asText()).isEqualTo("resolve");
        assertThat(resolve.path("dedup_key").asText()).isEqualTo(trigger.path("dedup_key").asText());
    }

    @ParameterizedTest
    @EnumSource(Severity.class)
    void pagerDutySeverityIsOneOfItsFour(Severity severity) {
        AlertRule rule = rule("r", Metric.PERFORMANCE_SCORE, Condition.LESS_THAN, 70, severity,
                WebhookFormat.PAGERDUTY, "https://events.pagerduty.com/v2/enqueue");
        Notification n = new Notification(AlertEvent.FIRING, rule, event(rule, null, 60, "m", false), "shop", null,
                null);

        JsonNode b = body(WebhookFormat.PAGERDUTY, n);

        assertThat(b.path("payload").path("severity").asText())
                .isEqualTo(Map.of(Severity.INFO, "info", Severity.WARNING, "warning", Severity.ERROR, "error",
                        Severity.CRITICAL, "critical").get(severity));
        // a system metric: no component, source is the app alone, the key names "all"
        assertThat(b.path("payload").has("component")).isFalse();
        assertThat(b.path("payload").path("source").asText()).isEqualTo("shop");
        assertThat(b.path("dedup_key").asText()).isEqualTo("vitals-shop-r-0123456789ab-all");
        assertThat(b.has("client_url")).isFalse();
    }

    @Test
    void pagerDutyKeysAndSummaryStayWithinLimitsAndStayDistinct() {
        AlertRule rule = poolRule(WebhookFormat.PAGERDUTY, "https://events.pagerduty.com/v2/enqueue");
        Notification a = new Notification(AlertEvent.FIRING, rule, event(rule, "p".repeat(300) + "a", 1, "m", false),
                "shop", null, null);
        Notification b = new Notification(AlertEvent.FIRING, rule, event(rule, "p".repeat(300) + "b", 1, "m", false),
                "shop", null, null);
        AlertRule longName = rule("n".repeat(2000), Metric.PERFORMANCE_SCORE, Condition.LESS_THAN, 70,
                Severity.INFO, WebhookFormat.PAGERDUTY, "https://events.pagerduty.com/v2/enqueue");
        Notification c = new Notification(AlertEvent.FIRING, longName, event(longName, null, 1, "m", false), "shop",
                null, null);

        assertThat(Payloads.dedupKey(a)).hasSize(Payloads.PAGERDUTY_DEDUP_KEY_MAX)
                .isEqualTo(Payloads.dedupKey(a)).isNotEqualTo(Payloads.dedupKey(b))
                .startsWith("vitals-shop-r-0123456789ab-ppp");
        assertThat(body(WebhookFormat.PAGERDUTY, c).path("payload").path("summary").asText())
                .hasSize(Payloads.PAGERDUTY_SUMMARY_MAX).endsWith("…");
    }

    // ---- generic

    @Test
    void genericHasTheOriginalFieldsPlusStatusAppEventAndResource() {
        JsonNode b = body(WebhookFormat.GENERIC, firing(WebhookFormat.GENERIC));

        assertThat(b.path("alert_type").asText()).isEqualTo("connection_wait_time");
        assertThat(b.path("rule_name").asText()).isEqualTo("Pool wait");
        assertThat(b.path("metric").asText()).isEqualTo("connection_wait_time");
        assertThat(b.path("current_value").asDouble()).isEqualTo(0.812);
        assertThat(b.path("threshold").asDouble()).isEqualTo(0.5);
        assertThat(b.path("severity").asText()).isEqualTo("critical");
        assertThat(b.path("message").asText()).isEqualTo(MESSAGE);
        assertThat(b.path("timestamp").asText()).isEqualTo(STARTED);
        assertThat(b.path("rule_id").asText()).isEqualTo("r-0123456789ab");
        assertThat(b.path("status").asText()).isEqualTo("firing");
        assertThat(b.path("app").asText()).isEqualTo("shop");
        assertThat(b.path("event_id").asText()).isEqualTo("e-42");
        assertThat(b.path("resource").asText()).isEqualTo("orders");
        assertThat(b.path("condition").asText()).isEqualTo("greater_than");
        assertThat(b.path("resolved_at").isNull()).isTrue();
    }

    @Test
    void genericResolvedIsStampedWithTheResolution() {
        JsonNode b = body(WebhookFormat.GENERIC, resolved(WebhookFormat.GENERIC));

        assertThat(b.path("status").asText()).isEqualTo("resolved");
        assertThat(b.path("timestamp").asText()).isEqualTo(RESOLVED_AT);
        assertThat(b.path("started_at").asText()).isEqualTo(STARTED);
        assertThat(b.path("resolved_at").asText()).isEqualTo(RESOLVED_AT);
        assertThat(b.path("current_value").asDouble()).isEqualTo(0.1);
    }

    @Test
    void nullFormatIsGeneric() {
        assertThat(body(null, firing(null))).isEqualTo(body(WebhookFormat.GENERIC, firing(null)));
        assertThat(Payloads.contentType(WebhookFormat.SLACK)).isEqualTo("application/json; charset=utf-8");
    }

    // ---- the test notification

    @ParameterizedTest
    @EnumSource(WebhookFormat.class)
    void testNotificationSaysItIsATestInEveryFormat(WebhookFormat format) {
        Notification n = Notification.test("shop", "host-1", "https://hooks.example.com/x", format, "KEY",
                Instant.parse(STARTED));

        JsonNode b = body(format, n);

        String headline = switch (format) {
            case SLACK -> b.path("blocks").get(0).path("text").path("text").asText();
            case DISCORD -> b.path("embeds").get(0).path("title").asText();
            case PAGERDUTY -> b.path("payload").path("summary").asText();
            case GENERIC -> b.path("rule_name").asText();
        };
        assertThat(headline).contains(Notification.TEST_RULE_NAME);
        assertThat(b.toString()).contains("test notification");
    }

    // ---- text helpers

    @ParameterizedTest
    @CsvSource({"0.812, 0.812", "0.5, 0.5", "65, 65", "65.0, 65", "0.81234567, 0.8123", "12345.678, 12346",
            "0.000123456, 0.0001235", "-2.5, -2.5", "0, 0", "1.0E20, 100000000000000000000"})
    void numbersAreShort(double value, String text) {
        assertThat(Payloads.number(value)).isEqualTo(text);
    }

    @Test
    void truncateNeverSplitsASurrogatePair() {
        assertThat(Payloads.truncate("abc", 3)).isEqualTo("abc");
        assertThat(Payloads.truncate("abcd", 3)).isEqualTo("ab…");
        assertThat(Payloads.truncate("a\uD83D\uDE00bc", 3)).isEqualTo("a…");
        assertThat(Payloads.truncate("abcd", 0)).isEmpty();
    }
}
