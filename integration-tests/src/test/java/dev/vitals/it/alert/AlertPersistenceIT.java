package dev.vitals.it.alert;

import static dev.vitals.it.alert.AlertApi.PATIENCE;
import static dev.vitals.it.alert.AlertApi.POOL;
import static dev.vitals.it.alert.AlertApi.await;
import static dev.vitals.it.alert.AlertApi.deliveries;
import static dev.vitals.it.alert.AlertApi.list;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Monitored;
import dev.vitals.it.harness.Vitals;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Alert rules and events across a {@code kill -9}: a second JVM of the same application on the
 * same {@code state.dir} serves exactly the rules (edited and deleted built-ins included, none
 * seeded again) and exactly the events (ids, statuses, acknowledgements, every delivery) the
 * first JVM served just before it was killed; a firing event stays firing and is not notified
 * again; new events get ids after the old ones.
 *
 * <p>Why an exact comparison is sound. Every change of a rule or event reaches the disk before
 * the store makes it visible to the API, and the first JVM is brought to a standstill before it
 * is read for the last time: every built-in is disabled or deleted (the starving score would
 * otherwise fire and resolve them at will), the pool rule's open event is resolved by a
 * threshold it can never cross, every notification has been answered, and the one firing rule
 * ({@code slow_query_count >= 0}) holds at every sample, in both JVMs, from the first one on.
 */
class AlertPersistenceIT {

    private static final String DELETED_BUILT_IN = "Cache hit rate below 60%";
    private static final String EDITED_BUILT_IN = "Connection wait above 0.5 s";

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @Test
    void rulesAndEventsAreIntactAfterAKillMinus9AndARestart() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Path stateDir = jvms.newDir("state");
            Monitored first = AlertApi.startSampleApp(jvms, "first", stateDir, jvms.newDir("truth").resolve("truth.json"),
                    "--scenario", "pool-starvation");
            Vitals before = first.vitals();

            // The built-ins: one deleted, one edited, all disabled.
            List<JsonNode> builtIns = AlertApi.rules(before);
            assertThat(builtIns).as("seeded on the first start").hasSize(6)
                    .allMatch(r -> r.path("built_in").asBoolean());
            String deletedId = idNamed(builtIns, DELETED_BUILT_IN);
            AlertApi.deleteRule(before, deletedId);
            for (JsonNode builtIn : builtIns) {
                String id = builtIn.path("id").asText();
                if (id.equals(deletedId)) {
                    continue;
                }
                ObjectNode patch = AlertApi.object().put("enabled", false);
                if (builtIn.path("name").asText().equals(EDITED_BUILT_IN)) {
                    patch.put("threshold", 0.75).put("description", "edited before the kill");
                }
                AlertApi.updateRule(before, id, patch);
            }

            // User rules: one always firing, one on the starving pool, one disabled.
            JsonNode always = AlertApi.createRule(before, AlertApi.rule("Slow queries counted", "slow_query_count",
                            "greater_or_equal", 0)
                    .put("severity", "info").put("webhook_url", receiver.url("/always"))
                    .put("description", "holds at every sample"));
            JsonNode starving = AlertApi.createRule(before, AlertApi.rule("Orders pool exhausted",
                            "pool_exhausted_count", "greater_than", 0)
                    .put("resource", POOL).put("severity", "critical").put("cooldown_minutes", 60)
                    .put("webhook_url", receiver.url("/starving")).put("webhook_format", "slack"));
            AlertApi.createRule(before, AlertApi.rule("Threads pile up", "pending_threads", "greater_than", 50)
                    .put("resource", "orders-*").put("enabled", false).put("webhook_url", receiver.url("/pd"))
                    .put("webhook_format", "pagerduty").put("routing_key", "R0UTINGKEY0123456789abcdef012345"));
            String alwaysId = always.path("id").asText();
            String starvingId = starving.path("id").asText();

            // Events: a firing one (delivered), an acknowledged resolved one (two deliveries), a suppressed one.
            JsonNode alwaysEvent = awaitEvent(before, alwaysId, 0, e -> delivered(e, "firing"));
            AlertApi.awaitStarvingWindow(before);
            JsonNode firstStarving = awaitEvent(before, starvingId, 0, e -> delivered(e, "firing"));
            JsonNode acknowledged = AlertApi.acknowledge(before, firstStarving.path("id").asText());
            assertThat(acknowledged.path("acknowledged").asBoolean()).as("%s", acknowledged).isTrue();
            assertThat(acknowledged.path("acknowledged_at").isTextual()).as("%s", acknowledged).isTrue();
            AlertApi.updateRule(before, starvingId, AlertApi.object().put("threshold", 1e9));
            awaitEvent(before, starvingId, 0, e -> delivered(e, "resolved"));
            AlertApi.updateRule(before, starvingId, AlertApi.object().put("threshold", 0));
            awaitEvent(before, starvingId, 1, e -> !e.path("deliveries").isEmpty());
            AlertApi.updateRule(before, starvingId, AlertApi.object().put("threshold", 1e9));
            awaitEvent(before, starvingId, 1, e -> e.path("status").asText().equals("resolved"));

            JsonNode rulesBefore = AlertApi.rulesBody(before);
            List<JsonNode> eventsBefore = AlertApi.events(before);
            assertSnapshotHasEveryKind(eventsBefore, alwaysId, starvingId);
            assertThat(first.process().kill()).as("exit status of the first JVM: killed by SIGKILL").isEqualTo(137);

            Monitored second = AlertApi.startSampleApp(jvms, "second", stateDir,
                    jvms.newDir("truth").resolve("truth.json"), "--scenario", "pool-starvation");
            Vitals after = second.vitals();

            JsonNode rulesAfter = AlertApi.rulesBody(after);
            assertThat(rulesAfter).as("the rules after the restart").isEqualTo(rulesBefore);
            List<JsonNode> rules = list(rulesAfter.path("rules"));
            assertThat(rules).filteredOn(r -> r.path("built_in").asBoolean()).as("built-ins, not seeded again")
                    .hasSize(5)
                    .noneMatch(r -> r.path("id").asText().equals(deletedId)
                            || r.path("name").asText().equals(DELETED_BUILT_IN))
                    .allMatch(r -> !r.path("enabled").asBoolean());
            assertThat(rules).filteredOn(r -> r.path("name").asText().equals(EDITED_BUILT_IN)).singleElement()
                    .satisfies(r -> {
                        assertThat(r.path("threshold").asDouble()).isEqualTo(0.75);
                        assertThat(r.path("description").asText()).isEqualTo("edited before the kill");
                    });
            assertThat(AlertApi.events(after)).as("the events after the restart").isEqualTo(eventsBefore);

            // The restored firing event stays firing and is not notified again; nothing else changes.
            long ownSamples = AlertApi.sampling(after).path("samples").asLong();
            await("three samples of the second JVM", PATIENCE, () -> AlertApi.sampling(after).path("samples").asLong(),
                    samples -> samples >= ownSamples + 3);
            assertThat(AlertApi.events(after)).as("the events a few samples later").isEqualTo(eventsBefore);
            assertThat(receiver.requests("/always")).as("the always-firing rule was notified once, before the kill")
                    .hasSize(1);
            assertThat(list(AlertApi.checkRules(after).path("results")))
                    .filteredOn(r -> r.path("rule_id").asText().equals(alwaysId)).singleElement()
                    .satisfies(r -> {
                        assertThat(r.path("state").asText()).isEqualTo("firing");
                        assertThat(r.path("event_id").asText()).isEqualTo(alwaysEvent.path("id").asText());
                        assertThat(r.path("notified").asBoolean()).isFalse();
                    });

            // New events are numbered after every old one.
            long newestBefore = eventsBefore.stream().mapToLong(AlertPersistenceIT::number).max().orElseThrow();
            AlertApi.awaitStarvingWindow(after);
            AlertApi.updateRule(after, starvingId, AlertApi.object().put("threshold", 0));
            JsonNode third = awaitEvent(after, starvingId, 2, e -> true);
            assertThat(number(third)).as("%s after events up to e-%d", third.path("id"), newestBefore)
                    .isGreaterThan(newestBefore);
        }
    }

    private static void assertSnapshotHasEveryKind(List<JsonNode> events, String alwaysId, String starvingId) {
        assertThat(events).filteredOn(e -> e.path("rule_id").asText().equals(alwaysId)).singleElement()
                .satisfies(e -> {
                    assertThat(e.path("status").asText()).isEqualTo("firing");
                    assertThat(list(e.path("deliveries"))).hasSize(1);
                });
        List<JsonNode> starving = events.stream().filter(e -> e.path("rule_id").asText().equals(starvingId)).toList();
        assertThat(starving).as("newest first").hasSize(2);
        JsonNode suppressed = starving.get(0);
        JsonNode resolvedAndAcknowledged = starving.get(1);
        assertThat(resolvedAndAcknowledged.path("status").asText()).isEqualTo("resolved");
        assertThat(resolvedAndAcknowledged.path("acknowledged").asBoolean()).isTrue();
        assertThat(list(resolvedAndAcknowledged.path("deliveries"))).extracting(d -> d.path("notification").asText())
                .containsExactly("firing", "resolved");
        assertThat(suppressed.path("status").asText()).isEqualTo("resolved");
        assertThat(suppressed.path("acknowledged").asBoolean()).isFalse();
        assertThat(list(suppressed.path("deliveries"))).singleElement()
                .satisfies(d -> assertThat(d.path("suppressed").asBoolean()).isTrue());
        assertThat(events).as("the built-ins' events, if any fired before they were disabled, are resolved")
                .filteredOn(e -> !List.of(alwaysId, starvingId).contains(e.path("rule_id").asText()))
                .allMatch(e -> e.path("status").asText().equals("resolved"));
    }

    /** The {@code index}-th event of a rule (oldest first), once it satisfies {@code until}. */
    private static JsonNode awaitEvent(Vitals vitals, String ruleId, int index, Predicate<JsonNode> until) {
        return await("event #" + index + " of " + ruleId, PATIENCE, () -> AlertApi.eventsOf(vitals, ruleId),
                events -> events.size() > index && until.test(events.get(index))).get(index);
    }

    private static boolean delivered(JsonNode event, String notification) {
        return deliveries(event, notification).stream().anyMatch(d -> d.path("delivered").asBoolean());
    }

    private static String idNamed(List<JsonNode> rules, String name) {
        return rules.stream().filter(r -> r.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no rule named " + name + " in " + rules))
                .path("id").asText();
    }

    private static long number(JsonNode event) {
        return Long.parseLong(event.path("id").asText().substring("e-".length()));
    }
}
