package dev.vitals.it.alert;

import static dev.vitals.it.alert.AlertApi.APP;
import static dev.vitals.it.alert.AlertApi.FINISH;
import static dev.vitals.it.alert.AlertApi.PATIENCE;
import static dev.vitals.it.alert.AlertApi.POOL;
import static dev.vitals.it.alert.AlertApi.await;
import static dev.vitals.it.alert.AlertApi.deliveries;
import static dev.vitals.it.alert.AlertApi.list;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.it.alert.WebhookReceiver.Received;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Monitored;
import dev.vitals.it.harness.SampleTruth;
import dev.vitals.it.harness.Vitals;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alert rules on the sample app's {@code pool-starvation} scenario, delivered to a real webhook
 * receiver in the test JVM: one rule per payload format fires once its condition has held for
 * {@code for_seconds}, each receiver gets the service's documented fields, and each gets a resolve
 * once the scenario stops and the score window drains; the events record every delivery. A second
 * firing within the cooldown is recorded as suppressed and never sent.
 *
 * <p>How {@code for_seconds} is checked. The engine starts a rule's pending time at the first
 * sample it evaluates the rule on. The sampler is one thread that runs a sample's listeners
 * before it takes the next sample, so when {@code /api/v1/health} names sample {@code L} as the
 * newest, every older sample has been evaluated already: a rule created after that read is first
 * evaluated on {@code L} or a later sample. With the condition holding from the start (the pool
 * is already starving), the event can therefore start no earlier than {@code L + for_seconds},
 * while without {@code for_seconds} it would start at {@code L} or the sample after it.
 */
class AlertDeliveryIT {

    private static final long FOR_SECONDS = 2;
    private static final String ROUTING_KEY = "R0UTINGKEY0123456789abcdef012345";
    private static final String SLACK = "slack";
    private static final String DISCORD = "discord";
    private static final String PAGERDUTY = "pagerduty";
    private static final String GENERIC = "generic";
    /** Discord's embed colour for {@code critical} (docs/ALERTS.md). */
    private static final int DISCORD_CRITICAL = 13840175;

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @Test
    void aStarvingPoolFiresInEveryFormatAfterForSecondsAndResolvesWhenTheScenarioStops() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Path truthFile = jvms.newDir("truth").resolve("truth.json");
            Monitored app = AlertApi.startSampleApp(jvms, "starving-formats", jvms.newDir("state"), truthFile,
                    "--scenario", "pool-starvation");
            Vitals vitals = app.vitals();
            AlertApi.awaitStarvingWindow(vitals);

            Instant newestSampleBefore = AlertApi.lastSampleAt(vitals);
            Map<String, JsonNode> rules = new LinkedHashMap<>();
            rules.put(SLACK, create(vitals, receiver, SLACK, "warning", true));
            rules.put(DISCORD, create(vitals, receiver, DISCORD, "critical", true));
            rules.put(PAGERDUTY, create(vitals, receiver, PAGERDUTY, "error", true));
            rules.put(GENERIC, create(vitals, receiver, GENERIC, "critical", false));
            assertThat(rules.get(GENERIC).path("webhook_format").asText()).as("inferred for a URL of no known service")
                    .isEqualTo(GENERIC);
            assertThat(rules.get(PAGERDUTY).path("routing_key").asText()).isEqualTo(ROUTING_KEY);
            Instant earliestFiring = newestSampleBefore.plusSeconds(FOR_SECONDS);

            // Right after creation: the condition holds, but the rules may not fire before for_seconds.
            JsonNode check = AlertApi.checkRules(vitals);
            Instant checkedSample = Instant.parse(check.path("sample_timestamp").asText());
            for (JsonNode rule : rules.values()) {
                JsonNode evaluation = evaluationOf(check, rule);
                assertThat(evaluation.path("condition_met").asBoolean()).as("%s", evaluation).isTrue();
                assertThat(evaluation.path("value").asDouble()).as("%s", evaluation).isPositive();
                assertThat(evaluation.path("resource").asText()).isEqualTo(POOL);
                if (checkedSample.isBefore(earliestFiring)) {
                    assertThat(evaluation.path("state").asText()).as("sample %s, newest before creation %s: %s",
                            checkedSample, newestSampleBefore, evaluation).isEqualTo("pending");
                    assertThat(evaluation.path("notified").asBoolean()).isFalse();
                }
            }

            // Firing: one event per rule, delivered once, in its format.
            Map<String, JsonNode> firing = new LinkedHashMap<>();
            rules.forEach((format, rule) -> firing.put(format, awaitDelivered(vitals, rule, "firing")));
            for (Map.Entry<String, JsonNode> entry : firing.entrySet()) {
                String format = entry.getKey();
                JsonNode rule = rules.get(format);
                JsonNode event = entry.getValue();
                assertFiringEvent(event, rule);
                assertThat(Instant.parse(event.path("started_at").asText())).as("started_at of %s: for_seconds %d after"
                        + " the newest sample before the rule existed (%s)", event, FOR_SECONDS, newestSampleBefore)
                        .isAfterOrEqualTo(earliestFiring);
                List<Received> requests = receiver.requests("/" + format);
                assertThat(requests).as("requests to /%s", format).hasSize(1);
                Received request = requests.get(0);
                assertThat(request.at()).as("no request before for_seconds had passed").isAfter(earliestFiring);
                assertThat(request.method()).isEqualTo("POST");
                assertThat(request.contentType()).isEqualTo("application/json; charset=utf-8");
                assertFiringPayload(format, request.json(), event, rule);
                assertThat(AlertApi.eventsOf(vitals, rule.path("id").asText())).as("one event per rule and resource")
                        .hasSize(1);
            }
            JsonNode active = vitals.get(AlertApi.ACTIVE_ALERTS).json();
            for (JsonNode rule : rules.values()) {
                assertThat(list(active.path("active_alerts"))).as("%s", active).anySatisfy(alert -> {
                    assertThat(alert.path("rule_id").asText()).isEqualTo(rule.path("id").asText());
                    assertThat(alert.path("metric").asText()).isEqualTo("pool_exhausted_count");
                    assertThat(alert.path("resource").asText()).isEqualTo("pool:" + POOL);
                    assertThat(alert.path("severity").asText()).isEqualTo(rule.path("severity").asText());
                    assertThat(alert.path("current_value").asDouble()).isPositive();
                });
            }

            // Resolved: the workload stops, the 10 s window drains, every receiver hears of it.
            app.process().writeStdin("stop");
            new SampleTruth(truthFile).awaitFinished(FINISH);
            Map<String, JsonNode> resolved = new LinkedHashMap<>();
            rules.forEach((format, rule) -> resolved.put(format, awaitDelivered(vitals, rule, "resolved")));
            for (Map.Entry<String, JsonNode> entry : resolved.entrySet()) {
                String format = entry.getKey();
                JsonNode event = entry.getValue();
                JsonNode fired = firing.get(format);
                assertThat(event.path("id").asText()).isEqualTo(fired.path("id").asText());
                assertThat(event.path("status").asText()).isEqualTo("resolved");
                assertThat(event.path("started_at").asText()).isEqualTo(fired.path("started_at").asText());
                assertThat(Instant.parse(event.path("resolved_at").asText()))
                        .isAfter(Instant.parse(event.path("started_at").asText()));
                assertThat(list(event.path("deliveries"))).as("%s", event).hasSize(2).satisfiesExactly(
                        d -> assertDelivered(d, "firing", format),
                        d -> assertDelivered(d, "resolved", format));
                List<Received> requests = receiver.requests("/" + format);
                assertThat(requests).as("requests to /%s", format).hasSize(2);
                assertResolvedPayload(format, requests.get(1).json(), requests.get(0).json(), event, rules.get(format));
            }
            JsonNode after = vitals.get(AlertApi.ACTIVE_ALERTS).json();
            List<String> ruleIds = rules.values().stream().map(r -> r.path("id").asText()).toList();
            assertThat(list(after.path("active_alerts"))).as("%s", after)
                    .noneMatch(a -> ruleIds.contains(a.path("rule_id").asText()));
            assertThat(AlertApi.events(vitals)).as("resolved events are listed by status")
                    .filteredOn(e -> ruleIds.contains(e.path("rule_id").asText()))
                    .allMatch(e -> e.path("status").asText().equals("resolved"));
            JsonNode resolvedList = vitals.get(AlertApi.EVENTS + "?status=resolved&severity=critical").json();
            assertThat(list(resolvedList.path("events"))).extracting(e -> e.path("id").asText())
                    .contains(resolved.get(DISCORD).path("id").asText(), resolved.get(GENERIC).path("id").asText())
                    .doesNotContain(resolved.get(SLACK).path("id").asText());
        }
    }

    @Test
    void aSecondFiringWithinTheCooldownIsRecordedAsSuppressedAndNeverSent() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Path truthFile = jvms.newDir("truth").resolve("truth.json");
            Monitored app = AlertApi.startSampleApp(jvms, "starving-cooldown", jvms.newDir("state"), truthFile,
                    "--scenario", "pool-starvation");
            Vitals vitals = app.vitals();
            AlertApi.awaitStarvingWindow(vitals);
            JsonNode rule = AlertApi.createRule(vitals, AlertApi.rule("Orders pool exhausted (cooldown)",
                            "pool_exhausted_count", "greater_than", 0)
                    .put("resource", POOL).put("cooldown_minutes", 60).put("webhook_url", receiver.url("/cooldown")));
            String ruleId = rule.path("id").asText();

            JsonNode first = awaitDelivered(vitals, rule, "firing");
            // The condition stops holding: the first event resolves, and its resolve is sent.
            AlertApi.updateRule(vitals, ruleId, AlertApi.object().put("threshold", 1e9));
            JsonNode firstResolved = awaitDelivered(vitals, rule, "resolved");
            assertThat(firstResolved.path("id").asText()).isEqualTo(first.path("id").asText());
            assertThat(list(firstResolved.path("deliveries"))).satisfiesExactly(
                    d -> assertDelivered(d, "firing", GENERIC), d -> assertDelivered(d, "resolved", GENERIC));

            // It holds again within the cooldown: a new event, its notification suppressed.
            AlertApi.updateRule(vitals, ruleId, AlertApi.object().put("threshold", 0));
            JsonNode second = await("a second event of " + ruleId, PATIENCE, () -> AlertApi.eventsOf(vitals, ruleId),
                    events -> events.size() == 2 && !events.get(1).path("deliveries").isEmpty()).get(1);
            assertThat(second.path("id").asText()).isNotEqualTo(first.path("id").asText());
            assertThat(second.path("status").asText()).isEqualTo("firing");
            assertThat(list(second.path("deliveries"))).as("%s", second).singleElement().satisfies(d -> {
                assertThat(d.path("notification").asText()).isEqualTo("firing");
                assertThat(d.path("suppressed").asBoolean()).isTrue();
                assertThat(d.path("delivered").asBoolean()).isFalse();
                assertThat(d.path("attempt").asInt()).isZero();
                assertThat(d.path("status_code").isNull()).isTrue();
                assertThat(d.path("error").asText()).startsWith("suppressed: cooldown of 60");
            });

            // The scenario stops and the second event resolves; a resolve is sent only for a firing that was.
            app.process().writeStdin("stop");
            new SampleTruth(truthFile).awaitFinished(FINISH);
            JsonNode secondResolved = await("the second event resolved", PATIENCE,
                    () -> AlertApi.eventsOf(vitals, ruleId).get(1), e -> e.path("status").asText().equals("resolved"));
            assertThat(list(secondResolved.path("deliveries"))).as("%s", secondResolved).singleElement()
                    .satisfies(d -> assertThat(d.path("suppressed").asBoolean()).isTrue());
            // By now (the window took seconds to drain) a second firing or a second resolve would have arrived.
            assertThat(receiver.requests("/cooldown")).as("requests to the receiver").hasSize(2)
                    .satisfiesExactly(
                            r -> assertThat(r.json().path("status").asText()).isEqualTo("firing"),
                            r -> assertThat(r.json().path("status").asText()).isEqualTo("resolved"))
                    .allSatisfy(r -> assertThat(r.json().path("event_id").asText()).isEqualTo(first.path("id").asText()));
        }
    }

    // ---- rules and events

    private static JsonNode create(Vitals vitals, WebhookReceiver receiver, String format, String severity,
            boolean explicitFormat) {
        ObjectNode body = AlertApi.rule("Orders pool exhausted (" + format + ")", "pool_exhausted_count",
                        "greater_than", 0)
                .put("resource", POOL).put("for_seconds", FOR_SECONDS).put("severity", severity)
                .put("webhook_url", receiver.url("/" + format))
                .put("description", "fires in " + format + " format");
        if (explicitFormat) {
            body.put("webhook_format", format);
        }
        if (format.equals(PAGERDUTY)) {
            body.put("routing_key", ROUTING_KEY);
        }
        JsonNode rule = AlertApi.createRule(vitals, body);
        assertThat(rule.path("for_seconds").asLong()).isEqualTo(FOR_SECONDS);
        assertThat(rule.path("resource").asText()).isEqualTo(POOL);
        assertThat(rule.path("cooldown_minutes").asDouble()).as("the default").isEqualTo(30);
        assertThat(rule.path("enabled").asBoolean()).isTrue();
        assertThat(rule.path("built_in").asBoolean()).isFalse();
        assertThat(rule.path("id").asText()).matches("r-[0-9a-f]{12}");
        return rule;
    }

    private static JsonNode evaluationOf(JsonNode check, JsonNode rule) {
        return list(check.path("results")).stream()
                .filter(r -> r.path("rule_id").asText().equals(rule.path("id").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no evaluation of " + rule.path("id") + " in " + check));
    }

    /** The rule's only event, once a {@code notification} delivery of it is recorded. */
    private static JsonNode awaitDelivered(Vitals vitals, JsonNode rule, String notification) {
        String ruleId = rule.path("id").asText();
        List<JsonNode> events = await("a delivered " + notification + " notification of " + ruleId, PATIENCE,
                () -> AlertApi.eventsOf(vitals, ruleId),
                list -> !list.isEmpty() && deliveries(list.get(0), notification).stream()
                        .anyMatch(d -> d.path("delivered").asBoolean()));
        return events.get(0);
    }

    private static void assertFiringEvent(JsonNode event, JsonNode rule) {
        assertThat(event.path("id").asText()).as("%s", event).matches("e-\\d+");
        assertThat(event.path("rule_id").asText()).isEqualTo(rule.path("id").asText());
        assertThat(event.path("rule_name").asText()).isEqualTo(rule.path("name").asText());
        assertThat(event.path("metric").asText()).isEqualTo("pool_exhausted_count");
        assertThat(event.path("resource").asText()).isEqualTo(POOL);
        assertThat(event.path("current_value").asDouble()).isPositive();
        assertThat(event.path("threshold").asDouble()).isZero();
        assertThat(event.path("severity").asText()).isEqualTo(rule.path("severity").asText());
        assertThat(event.path("message").asText()).contains(rule.path("name").asText(), "pool_exhausted_count", POOL);
        assertThat(event.path("status").asText()).isEqualTo("firing");
        assertThat(event.path("resolved_at").isNull()).isTrue();
        assertThat(event.path("acknowledged").asBoolean()).isFalse();
        assertThat(list(event.path("deliveries"))).as("%s", event).singleElement()
                .satisfies(d -> assertDelivered(d, "firing", rule.path("webhook_format").asText()));
    }

    private static void assertDelivered(JsonNode delivery, String notification, String format) {
        assertThat(delivery.path("notification").asText()).as("%s", delivery).isEqualTo(notification);
        assertThat(delivery.path("attempt").asInt()).as("%s", delivery).isEqualTo(1);
        assertThat(delivery.path("delivered").asBoolean()).as("%s", delivery).isTrue();
        assertThat(delivery.path("status_code").asInt()).as("%s", delivery).isEqualTo(200);
        assertThat(delivery.path("error").isNull()).as("%s", delivery).isTrue();
        assertThat(delivery.path("format").asText()).as("%s", delivery).isEqualTo(format);
        assertThat(delivery.path("suppressed").asBoolean()).as("%s", delivery).isFalse();
        assertThat(delivery.path("at").asText()).as("%s", delivery).isNotEmpty();
    }

    // ---- payloads (docs/ALERTS.md, "Formats")

    private static void assertFiringPayload(String format, JsonNode body, JsonNode event, JsonNode rule) {
        String name = rule.path("name").asText();
        String marker = "[" + rule.path("severity").asText().toUpperCase(Locale.ROOT) + "] ";
        switch (format) {
            case SLACK -> {
                assertThat(body.path("text").asText()).as("%s", body).startsWith(marker + name)
                        .contains("pool_exhausted_count", "&gt; 0", "pool " + POOL, APP)
                        .doesNotContain(">");
                List<JsonNode> blocks = list(body.path("blocks"));
                assertThat(blocks).extracting(b -> b.path("type").asText()).containsExactly("header", "section", "context");
                assertThat(blocks.get(0).path("text").path("type").asText()).isEqualTo("plain_text");
                assertThat(blocks.get(0).path("text").path("text").asText()).isEqualTo("[FIRING] " + name);
                JsonNode section = blocks.get(1);
                assertThat(section.path("text").path("type").asText()).isEqualTo("mrkdwn");
                assertThat(section.path("text").path("text").asText()).isEqualTo(event.path("message").asText());
                assertThat(list(section.path("fields"))).allMatch(f -> f.path("type").asText().equals("mrkdwn"))
                        .extracting(f -> f.path("text").asText())
                        .contains("*Metric*\npool_exhausted_count", "*Resource*\npool " + POOL, "*Status*\nfiring",
                                "*Severity*\nwarning", "*Threshold*\n&gt; 0", "*Started*\n" + event.path("started_at").asText());
                assertThat(blocks.get(2).path("elements").get(0).path("text").asText())
                        .contains("event " + event.path("id").asText(), "rule " + rule.path("id").asText());
            }
            case DISCORD -> {
                assertThat(body.path("content").asText()).as("%s", body).startsWith(marker + name)
                        .contains("pool_exhausted_count", "> 0", "pool " + POOL, APP);
                assertThat(body.path("allowed_mentions").path("parse").isArray()).isTrue();
                assertThat(body.path("allowed_mentions").path("parse")).isEmpty();
                assertThat(body.path("embeds")).hasSize(1);
                JsonNode embed = body.path("embeds").get(0);
                assertThat(embed.path("title").asText()).isEqualTo("[FIRING] " + name);
                assertThat(embed.path("description").asText()).isEqualTo(event.path("message").asText());
                assertThat(embed.path("color").asInt()).as("critical").isEqualTo(DISCORD_CRITICAL);
                assertThat(Instant.parse(embed.path("timestamp").asText()))
                        .isEqualTo(Instant.parse(event.path("started_at").asText()));
                Map<String, String> fields = discordFields(embed);
                assertThat(fields).containsEntry("Metric", "pool_exhausted_count")
                        .containsEntry("Resource", "pool " + POOL).containsEntry("Status", "firing")
                        .containsEntry("Severity", "critical").containsEntry("Threshold", "> 0")
                        .doesNotContainKey("Resolved");
                assertThat(list(embed.path("fields"))).allMatch(f -> f.path("inline").asBoolean());
                assertThat(embed.path("footer").path("text").asText()).contains(APP, event.path("id").asText(),
                        rule.path("id").asText());
            }
            case PAGERDUTY -> {
                assertThat(body.path("routing_key").asText()).as("%s", body).isEqualTo(ROUTING_KEY);
                assertThat(body.path("event_action").asText()).isEqualTo("trigger");
                assertThat(body.path("dedup_key").asText())
                        .isEqualTo("vitals-" + APP + "-" + rule.path("id").asText() + "-" + POOL);
                assertThat(body.path("client").asText()).isEqualTo("Vitals");
                JsonNode payload = body.path("payload");
                assertThat(payload.path("summary").asText()).startsWith(marker + name).hasSizeLessThanOrEqualTo(1024);
                assertThat(payload.path("source").asText()).matches(Pattern.quote(APP) + "(@.+)?");
                assertThat(payload.path("severity").asText()).isEqualTo("error");
                assertThat(payload.path("timestamp").asText()).isEqualTo(event.path("started_at").asText());
                assertThat(payload.path("component").asText()).isEqualTo(POOL);
                assertThat(payload.path("group").asText()).isEqualTo(APP);
                assertThat(payload.path("class").asText()).isEqualTo("pool_exhausted_count");
                JsonNode details = payload.path("custom_details");
                assertThat(details.path("event_id").asText()).isEqualTo(event.path("id").asText());
                assertThat(details.path("rule_id").asText()).isEqualTo(rule.path("id").asText());
                assertThat(details.path("current_value").asDouble()).isEqualTo(event.path("current_value").asDouble());
                assertThat(details.path("condition").asText()).isEqualTo("greater_than");
            }
            case GENERIC -> {
                assertThat(body.path("alert_type").asText()).as("%s", body).isEqualTo("pool_exhausted_count");
                assertThat(body.path("rule_name").asText()).isEqualTo(name);
                assertThat(body.path("metric").asText()).isEqualTo("pool_exhausted_count");
                assertThat(body.path("current_value").isNumber()).isTrue();
                assertThat(body.path("current_value").asDouble()).isPositive()
                        .isEqualTo(event.path("current_value").asDouble());
                assertThat(body.path("threshold").isNumber()).isTrue();
                assertThat(body.path("threshold").asDouble()).isZero();
                assertThat(body.path("severity").asText()).isEqualTo("critical");
                assertThat(body.path("message").asText()).isEqualTo(event.path("message").asText());
                assertThat(body.path("timestamp").asText()).isEqualTo(event.path("started_at").asText());
                assertThat(body.path("rule_id").asText()).isEqualTo(rule.path("id").asText());
                assertThat(body.path("status").asText()).isEqualTo("firing");
                assertThat(body.path("app").asText()).isEqualTo(APP);
                assertThat(body.path("event_id").asText()).isEqualTo(event.path("id").asText());
                assertThat(body.path("resource").asText()).isEqualTo(POOL);
                assertThat(body.path("condition").asText()).isEqualTo("greater_than");
                assertThat(body.path("started_at").asText()).isEqualTo(event.path("started_at").asText());
                assertThat(body.has("resolved_at")).isTrue();
                assertThat(body.path("resolved_at").isNull()).isTrue();
            }
            default -> throw new IllegalArgumentException(format);
        }
    }

    private static void assertResolvedPayload(String format, JsonNode body, JsonNode firingBody, JsonNode event,
            JsonNode rule) {
        String name = rule.path("name").asText();
        switch (format) {
            case SLACK -> {
                assertThat(body.path("text").asText()).as("%s", body).startsWith("[RESOLVED] " + name);
                List<JsonNode> blocks = list(body.path("blocks"));
                assertThat(blocks.get(0).path("text").path("text").asText()).isEqualTo("[RESOLVED] " + name);
                assertThat(list(blocks.get(1).path("fields"))).extracting(f -> f.path("text").asText())
                        .contains("*Status*\nresolved", "*Resolved*\n" + event.path("resolved_at").asText());
            }
            case DISCORD -> {
                assertThat(body.path("content").asText()).as("%s", body).startsWith("[RESOLVED] " + name);
                JsonNode embed = body.path("embeds").get(0);
                assertThat(embed.path("title").asText()).isEqualTo("[RESOLVED] " + name);
                int color = embed.path("color").asInt();
                assertThat(color).as("green once resolved").isNotEqualTo(DISCORD_CRITICAL);
                assertThat((color >> 8) & 0xFF).as("green of %06x", color)
                        .isGreaterThan((color >> 16) & 0xFF).isGreaterThan(color & 0xFF);
                assertThat(Instant.parse(embed.path("timestamp").asText()))
                        .isEqualTo(Instant.parse(event.path("resolved_at").asText()));
                assertThat(discordFields(embed)).containsEntry("Status", "resolved")
                        .containsEntry("Resolved", event.path("resolved_at").asText());
            }
            case PAGERDUTY -> {
                List<String> fields = new ArrayList<>();
                body.fieldNames().forEachRemaining(fields::add);
                assertThat(fields).as("%s", body).containsExactlyInAnyOrder("routing_key", "event_action", "dedup_key");
                assertThat(body.path("routing_key").asText()).isEqualTo(ROUTING_KEY);
                assertThat(body.path("event_action").asText()).isEqualTo("resolve");
                assertThat(body.path("dedup_key").asText()).as("the trigger's").isEqualTo(firingBody.path("dedup_key").asText());
            }
            case GENERIC -> {
                assertThat(body.path("status").asText()).as("%s", body).isEqualTo("resolved");
                assertThat(body.path("rule_id").asText()).isEqualTo(rule.path("id").asText());
                assertThat(body.path("event_id").asText()).isEqualTo(event.path("id").asText());
                assertThat(body.path("resolved_at").asText()).isEqualTo(event.path("resolved_at").asText());
                assertThat(body.path("timestamp").asText()).as("when it resolved").isEqualTo(event.path("resolved_at").asText());
                assertThat(body.path("started_at").asText()).isEqualTo(event.path("started_at").asText());
                assertThat(body.path("current_value").asDouble()).isEqualTo(event.path("current_value").asDouble());
                assertThat(body.path("app").asText()).isEqualTo(APP);
            }
            default -> throw new IllegalArgumentException(format);
        }
    }

    private static Map<String, String> discordFields(JsonNode embed) {
        Map<String, String> fields = new LinkedHashMap<>();
        embed.path("fields").forEach(f -> fields.put(f.path("name").asText(), f.path("value").asText()));
        return fields;
    }
}
