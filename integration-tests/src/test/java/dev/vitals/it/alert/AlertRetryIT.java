package dev.vitals.it.alert;

import static dev.vitals.it.alert.AlertApi.POOL;
import static dev.vitals.it.alert.AlertApi.await;
import static dev.vitals.it.alert.AlertApi.deliveries;
import static dev.vitals.it.alert.AlertApi.list;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.alert.WebhookReceiver.Received;
import dev.vitals.it.alert.WebhookReceiver.Reply;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Monitored;
import dev.vitals.it.harness.SampleTruth;
import dev.vitals.it.harness.Vitals;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Delivery to a webhook that fails: a receiver answering 500 twice and then 200 gets three
 * attempts, each recorded on the event with its status; a receiver that accepts the connection
 * and never answers costs three timed-out attempts, while the agent keeps sampling at its rate and
 * the application keeps working (its own counters grow). Behaviour, not speed: the bounds are
 * loose enough for a loaded two-core machine.
 */
class AlertRetryIT {

    /** Three attempts of 5 s with 1 s and 2 s between them, on a loaded machine. */
    private static final Duration THREE_TIMEOUTS = Duration.ofSeconds(90);
    /** Samples the sampler may fall behind its 1 s rate over the measured stretch (start and end rounding, a stall). */
    private static final int SAMPLE_SLACK = 2;

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @Test
    void aWebhookAnswering500TwiceThen200GetsThreeAttemptsAndTheEventRecordsEach() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.script("/flaky", Reply.status(500, "boom"), Reply.status(500, "boom"), Reply.ok());
            Vitals vitals = startStarving("flaky-webhook", jvms.newDir("truth").resolve("truth.json")).vitals();
            String ruleId = createRule(vitals, receiver.url("/flaky"));

            JsonNode event = await("three firing attempts recorded for " + ruleId, AlertApi.PATIENCE,
                    () -> AlertApi.eventsOf(vitals, ruleId),
                    events -> !events.isEmpty() && deliveries(events.get(0), "firing").size() >= 3).get(0);

            assertThat(list(event.path("deliveries"))).as("%s", event).hasSize(3).satisfiesExactly(
                    d -> assertAttempt(d, 1, 500, false, "HTTP 500: boom"),
                    d -> assertAttempt(d, 2, 500, false, "HTTP 500: boom"),
                    d -> assertAttempt(d, 3, 200, true, null));
            List<JsonNode> attempts = list(event.path("deliveries"));
            // Backoff: 1 s before the second attempt, 2 s before the third (lower bounds; the clock is the wall clock).
            assertThat(Duration.between(at(attempts.get(0)), at(attempts.get(1)))).isGreaterThan(Duration.ofMillis(900));
            assertThat(Duration.between(at(attempts.get(1)), at(attempts.get(2)))).isGreaterThan(Duration.ofMillis(1900));

            List<Received> requests = receiver.requests("/flaky");
            assertThat(requests).as("requests to the receiver").hasSize(3);
            assertThat(requests).extracting(Received::body).as("the same notification three times")
                    .containsOnly(requests.get(0).body());
            JsonNode payload = requests.get(0).json();
            assertThat(payload.path("status").asText()).isEqualTo("firing");
            assertThat(payload.path("event_id").asText()).isEqualTo(event.path("id").asText());
        }
    }

    @Test
    void aWebhookThatNeverAnswersDelaysNeitherSamplingNorTheApplication() {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.always("/silent", Reply.hang());
            SampleTruth truth = new SampleTruth(jvms.newDir("truth").resolve("truth.json"));
            Vitals vitals = startStarving("silent-webhook", truth.file()).vitals();
            String ruleId = createRule(vitals, receiver.url("/silent"));

            await("the first request to the silent webhook", AlertApi.PATIENCE, () -> receiver.requests("/silent"),
                    requests -> !requests.isEmpty());
            long start = System.nanoTime();
            long samplesAtStart = AlertApi.sampling(vitals).path("samples").asLong();
            long operationsAtStart = operations(truth);

            JsonNode event = await("three timed-out attempts recorded for " + ruleId, THREE_TIMEOUTS,
                    () -> AlertApi.eventsOf(vitals, ruleId),
                    events -> !events.isEmpty() && deliveries(events.get(0), "firing").size() >= 3).get(0);
            long samplesAtEnd = AlertApi.sampling(vitals).path("samples").asLong();
            long operationsAtEnd = operations(truth);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

            assertThat(list(event.path("deliveries"))).as("%s", event).hasSize(3).allSatisfy(d -> {
                assertThat(d.path("notification").asText()).isEqualTo("firing");
                assertThat(d.path("delivered").asBoolean()).isFalse();
                assertThat(d.path("status_code").isNull()).as("no reply: %s", d).isTrue();
                assertThat(d.path("error").asText()).as("%s", d).startsWith("timed out");
                assertThat(d.path("suppressed").asBoolean()).isFalse();
            }).extracting(d -> d.path("attempt").asInt()).containsExactly(1, 2, 3);
            assertThat(receiver.requests("/silent")).as("each attempt reached the receiver").hasSize(3);

            // Two of the three attempts (at least 10 s of waiting for replies) lie within the stretch measured.
            assertThat(elapsed).isGreaterThan(Duration.ofSeconds(10));
            long seconds = elapsed.toSeconds();
            assertThat(samplesAtEnd - samplesAtStart)
                    .as("samples taken in %s while the webhook hung (one per second expected)", elapsed)
                    .isGreaterThanOrEqualTo(seconds - SAMPLE_SLACK);
            assertThat(operationsAtEnd - operationsAtStart)
                    .as("operations the app completed in %s while the webhook hung", elapsed)
                    .isGreaterThanOrEqualTo(seconds);
            assertThat(AlertApi.checkRules(vitals).path("results")).as("the API still evaluates rules").isNotEmpty();
        }
    }

    private static Monitored startStarving(String name, Path truthFile) {
        Monitored app = AlertApi.startSampleApp(jvms, name, jvms.newDir("state"), truthFile,
                "--scenario", "pool-starvation");
        AlertApi.awaitStarvingWindow(app.vitals());
        return app;
    }

    /** A rule that fires at the next sample while the pool starves, posting generic JSON to {@code url}. */
    private static String createRule(Vitals vitals, String url) {
        return AlertApi.createRule(vitals, AlertApi.rule("Orders pool exhausted", "pool_exhausted_count",
                        "greater_than", 0)
                .put("resource", POOL).put("severity", "critical").put("webhook_url", url))
                .path("id").asText();
    }

    private static void assertAttempt(JsonNode delivery, int attempt, int status, boolean delivered, String error) {
        assertThat(delivery.path("notification").asText()).as("%s", delivery).isEqualTo("firing");
        assertThat(delivery.path("attempt").asInt()).as("%s", delivery).isEqualTo(attempt);
        assertThat(delivery.path("status_code").asInt()).as("%s", delivery).isEqualTo(status);
        assertThat(delivery.path("delivered").asBoolean()).as("%s", delivery).isEqualTo(delivered);
        if (error == null) {
            assertThat(delivery.path("error").isNull()).as("%s", delivery).isTrue();
        } else {
            assertThat(delivery.path("error").asText()).as("%s", delivery).isEqualTo(error);
        }
        assertThat(delivery.path("format").asText()).isEqualTo("generic");
        assertThat(delivery.path("suppressed").asBoolean()).isFalse();
    }

    private static Instant at(JsonNode delivery) {
        return Instant.parse(delivery.path("at").asText());
    }

    private static long operations(SampleTruth truth) {
        return truth.read().path("workload").path("operations").asLong();
    }
}
