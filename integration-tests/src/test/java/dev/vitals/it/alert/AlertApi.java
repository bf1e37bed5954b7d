package dev.vitals.it.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Monitored;
import dev.vitals.it.harness.Response;
import dev.vitals.it.harness.Vitals;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The alert rules API ({@code /api/v1/alerts/...}) as the alert tests use it, and the sample app
 * they run it in: the real agent by {@code -javaagent}, sampling every second over the shortest
 * score window (10 s), so that rules fire and resolve within seconds.
 */
final class AlertApi {

    static final String RULES = "/api/v1/alerts/rules";
    static final String EVENTS = "/api/v1/alerts/events";
    static final String ALL_EVENTS = EVENTS + "?limit=10000";
    static final String CHECK = "/api/v1/alerts/check-rules";
    static final String ACTIVE_ALERTS = "/api/v1/performance/metrics/alerts";

    static final String TOKEN = "alert-it";
    /** {@code app.name}: fixed, so that a restarted JVM is the same application. */
    static final String APP = "alert-it-shop";
    /** The pool the {@code pool-starvation} scenario starves. */
    static final String POOL = "orders-pool";

    /** Start-up, a rule's first firing, a window draining: generous, the machine has 2 cores and other builds. */
    static final Duration PATIENCE = Duration.ofSeconds(60);
    /** How long the final truth may take after {@code stop}. */
    static final Duration FINISH = Duration.ofSeconds(60);

    private static final Duration POLL = Duration.ofMillis(200);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertApi() {
    }

    /**
     * Starts the sample app with the agent ({@code app.name} {@value #APP}, {@code state.dir}
     * {@code stateDir}, 1 s samples, 10 s score window) and waits for the agent's start line.
     */
    static Monitored startSampleApp(Jvms jvms, String name, Path stateDir, Path truthFile, String... scenario) {
        List<String> args = new ArrayList<>(List.of(scenario));
        args.addAll(List.of("--truth-file", truthFile.toString(), "--truth-interval", "200ms"));
        AgentOptions options = AgentOptions.of("port", "0", "token", TOKEN, "app.name", APP,
                "state.dir", stateDir.toString(), "sample.interval", "1s", "score.window", "10s");
        JavaProcess process = jvms.java(name).jar(Artifacts.sampleJar()).args(args)
                .agent(Artifacts.agentJar(), options.toAgentArgument())
                .start();
        return new Monitored(process, Vitals.awaitStartLine(process, JavaProcess.STARTUP));
    }

    /** A create body with the four required fields; add the others with {@code put}. */
    static ObjectNode rule(String name, String metric, String condition, double threshold) {
        ObjectNode rule = MAPPER.createObjectNode();
        rule.put("name", name);
        rule.put("metric", metric);
        rule.put("condition", condition);
        rule.put("threshold", threshold);
        return rule;
    }

    /** An empty JSON object, for partial updates. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** POST /alerts/rules; asserts 201 and returns the created rule. */
    static JsonNode createRule(Vitals vitals, ObjectNode body) {
        Response response = vitals.post(RULES, body.toString());
        assertThat(response.status()).as("%s", response).isEqualTo(201);
        JsonNode created = response.json();
        assertThat(created.path("rule_id").asText()).isEqualTo(created.path("rule").path("id").asText()).isNotEmpty();
        return created.path("rule");
    }

    /** PUT /alerts/rules/{id}; asserts 200 and returns the updated rule. */
    static JsonNode updateRule(Vitals vitals, String id, ObjectNode patch) {
        Response response = vitals.send("PUT", RULES + "/" + id, patch.toString(), vitals.token());
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json().path("rule");
    }

    /** DELETE /alerts/rules/{id}; asserts 200. */
    static void deleteRule(Vitals vitals, String id) {
        Response response = vitals.send("DELETE", RULES + "/" + id, null, vitals.token());
        assertThat(response.status()).as("%s", response).isEqualTo(200);
    }

    /** GET /alerts/rules; asserts 200 and returns the whole body. */
    static JsonNode rulesBody(Vitals vitals) {
        Response response = vitals.get(RULES);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json();
    }

    /** Every rule, in the API's order. */
    static List<JsonNode> rules(Vitals vitals) {
        return list(rulesBody(vitals).path("rules"));
    }

    /** Every event (newest first); asserts 200. */
    static List<JsonNode> events(Vitals vitals) {
        Response response = vitals.get(ALL_EVENTS);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return list(response.json().path("events"));
    }

    /** The events of one rule, oldest first. */
    static List<JsonNode> eventsOf(Vitals vitals, String ruleId) {
        List<JsonNode> of = new ArrayList<>(events(vitals).stream()
                .filter(e -> e.path("rule_id").asText().equals(ruleId)).toList());
        Collections.reverse(of);
        return of;
    }

    /** POST /alerts/check-rules; asserts 200 and returns the body. */
    static JsonNode checkRules(Vitals vitals) {
        Response response = vitals.post(CHECK, "{}");
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json();
    }

    /** POST /alerts/events/{id}/acknowledge; asserts 200 and returns the event. */
    static JsonNode acknowledge(Vitals vitals, String eventId) {
        Response response = vitals.post(EVENTS + "/" + eventId + "/acknowledge", "{}");
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json().path("event");
    }

    /** {@code sampling} of /api/v1/health. */
    static JsonNode sampling(Vitals vitals) {
        Response response = vitals.health();
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json().path("sampling");
    }

    /** The time of the newest sample, waiting for the first one. */
    static Instant lastSampleAt(Vitals vitals) {
        JsonNode sampling = await("a first sample", PATIENCE, () -> sampling(vitals),
                s -> s.path("last_sample_at").isTextual());
        return Instant.parse(sampling.path("last_sample_at").asText());
    }

    /**
     * Waits until the latest sample's score window holds borrow timeouts of {@value #POOL}: its
     * threshold alert {@code pool_timeouts} is active. From then on the pool-starvation scenario
     * keeps {@code pool_exhausted_count} of the pool above 0 in every window.
     */
    static void awaitStarvingWindow(Vitals vitals) {
        await("pool_timeouts of " + POOL + " in the score window", PATIENCE, () -> vitals.get(ACTIVE_ALERTS),
                r -> r.status() == 200 && list(r.json().path("active_alerts")).stream().anyMatch(a ->
                        a.path("metric").asText().equals("pool_timeouts")
                                && a.path("resource").asText().equals("pool:" + POOL)));
    }

    /** The deliveries of an event with this notification kind ({@code firing} / {@code resolved}). */
    static List<JsonNode> deliveries(JsonNode event, String notification) {
        return list(event.path("deliveries")).stream()
                .filter(d -> d.path("notification").asText().equals(notification)).toList();
    }

    /**
     * Polls {@code read} until {@code done} holds and returns the value that satisfied it; fails
     * after {@code timeout} with the last value read.
     */
    static <T> T await(String what, Duration timeout, Supplier<T> read, Predicate<? super T> done) {
        AtomicReference<T> last = new AtomicReference<>();
        try {
            Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL)
                    .until(() -> {
                        T value = read.get();
                        last.set(value);
                        return done.test(value);
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": not within " + timeout + "; last seen: " + last.get(), e);
        }
        return last.get();
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }
}
