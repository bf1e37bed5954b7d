package dev.vitals.it.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Monitored;
import dev.vitals.it.harness.Response;
import dev.vitals.it.harness.Vitals;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every mistake of the alert rules API's validation list, through the real API of the agent in
 * the sample app: each gets its 4xx with {@code {"error", "message", "field"}} naming what to fix
 * (never a 500), and none changes the rules — after each one the rule list is exactly what it
 * was, and the application still runs.
 *
 * <p>One JVM for the class: the sample app, paused (pools and caches open, no workload), with one
 * valid rule created first — the target of the partial updates.
 */
class AlertValidationIT {

    /** The id of no rule and of no event. */
    private static final String UNKNOWN_RULE = "r-000000000000";
    private static final String UNKNOWN_EVENT = "e-999999999";
    /** Over {@code 64 KiB} once in a body. */
    private static final String HUGE = "x".repeat(70_000);

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    private static Monitored app;
    private static Vitals vitals;
    private static String ruleId;
    private static JsonNode rulesBefore;

    /**
     * One request and what it must get.
     *
     * @param path {@code {id}} stands for the id of the rule created for the class
     * @param field the field the error must name; null when there is none (the body as a whole)
     */
    record Case(String description, String method, String path, String body, int status, String error,
            String field) {

        @Override
        public String toString() {
            return description;
        }
    }

    @BeforeAll
    static void startTheAppWithOneRule() {
        app = AlertApi.startSampleApp(jvms, "paused", jvms.newDir("state"),
                jvms.newDir("truth").resolve("truth.json"), "--scenario", "steady", "--start-paused");
        app.process().awaitStdout("sample-app ready .* paused", JavaProcess.STARTUP);
        vitals = app.vitals();
        ruleId = AlertApi.createRule(vitals, valid()).path("id").asText();
        rulesBefore = AlertApi.rulesBody(vitals);
        assertThat(AlertApi.list(rulesBefore.path("rules"))).extracting(r -> r.path("id").asText()).contains(ruleId);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void isRefusedNamingWhatToFixAndChangesNothing(Case c) {
        String path = c.path().replace("{id}", ruleId);
        Response response = vitals.send(c.method(), path, c.body(), vitals.token());

        assertThat(response.status()).as("%s", response).isEqualTo(c.status());
        assertThat(response.header("Content-Type")).as("%s", response).startsWith("application/json");
        JsonNode error = response.json();
        assertThat(error.path("error").asText()).as("%s", response).isEqualTo(c.error());
        assertThat(error.path("message").asText()).as("%s", response).isNotBlank();
        assertThat(error.has("field")).as("%s", response).isTrue();
        if (c.field() == null) {
            assertThat(error.path("field").isNull()).as("%s", response).isTrue();
        } else {
            assertThat(error.path("field").asText()).as("%s", response).isEqualTo(c.field());
            if (c.status() == 400) {
                assertThat(error.path("message").asText()).as("the message names the field: %s", response)
                        .contains(c.field());
            }
        }
        if (c.status() == 404) {
            assertThat(error.path("message").asText()).contains(path.contains("/events/") ? UNKNOWN_EVENT : UNKNOWN_RULE);
        }

        assertThat(AlertApi.rulesBody(vitals)).as("the rules after %s", c).isEqualTo(rulesBefore);
        assertThat(app.process().isAlive()).isTrue();
        assertThat(vitals.health().json().path("status").asText()).isEqualTo("up");
    }

    static Stream<Case> invalidRequests() {
        List<Case> cases = new ArrayList<>();
        String rules = AlertApi.RULES;
        String rule = AlertApi.RULES + "/{id}";

        // ---- create: each field of the validation list
        cases.add(create("unknown metric", valid().put("metric", "cpu_load"), "metric"));
        cases.add(create("metric of the wrong type", valid().put("metric", 7), "metric"));
        cases.add(create("metric missing", without(valid(), "metric"), "metric"));
        cases.add(create("unknown condition", valid().put("condition", "above"), "condition"));
        cases.add(create("unknown severity", valid().put("severity", "fatal"), "severity"));
        cases.add(create("severity of the wrong type", valid().put("severity", 3), "severity"));
        cases.add(create("unknown field", valid().put("colour", "red"), "colour"));
        cases.add(create("read-only field", valid().put("id", "r-123456789abc"), "id"));
        cases.add(create("threshold as a string", valid().put("threshold", "0.5"), "threshold"));
        cases.add(create("threshold as a boolean", valid().put("threshold", true), "threshold"));
        cases.add(create("enabled as a string", valid().put("enabled", "true"), "enabled"));
        cases.add(create("threshold NaN (literal)", with(valid(), "threshold", "NaN"), "threshold"));
        cases.add(create("threshold NaN (string)", valid().put("threshold", "NaN"), "threshold"));
        cases.add(create("threshold Infinity (literal)", with(valid(), "threshold", "Infinity"), "threshold"));
        cases.add(create("threshold beyond a double", with(valid(), "threshold", "1e400"), "threshold"));
        cases.add(create("threshold out of the metric's range", valid().put("metric", "cache_hit_rate")
                .put("threshold", 1.5), "threshold"));
        cases.add(create("for_seconds NaN (literal)", with(valid(), "for_seconds", "NaN"), "for_seconds"));
        cases.add(create("negative for_seconds", valid().put("for_seconds", -5), "for_seconds"));
        cases.add(create("fractional for_seconds", valid().put("for_seconds", 1.5), "for_seconds"));
        cases.add(create("negative cooldown", valid().put("cooldown_minutes", -1), "cooldown_minutes"));
        cases.add(create("cooldown NaN (literal)", with(valid(), "cooldown_minutes", "NaN"), "cooldown_minutes"));
        cases.add(create("cooldown as a string", valid().put("cooldown_minutes", "30"), "cooldown_minutes"));
        cases.add(create("resource with a space", valid().put("resource", "orders pool"), "resource"));
        cases.add(create("resource with a path", valid().put("resource", "../orders-pool"), "resource"));
        cases.add(create("resource longer than a pool name", valid().put("resource", "p".repeat(65)), "resource"));
        cases.add(create("resource on a system metric", valid().put("metric", "performance_score")
                .put("threshold", 50), "resource"));
        cases.add(create("webhook ftp URL", valid().put("webhook_url", "ftp://example.com/hook"), "webhook_url"));
        cases.add(create("webhook file URL", valid().put("webhook_url", "file:///etc/passwd"), "webhook_url"));
        cases.add(create("webhook at the metadata service",
                valid().put("webhook_url", "http://169.254.169.254/latest/meta-data"), "webhook_url"));
        cases.add(create("webhook at a link-local IPv6 address", valid().put("webhook_url", "http://[fe80::1]/"),
                "webhook_url"));
        cases.add(create("webhook at a metadata host name",
                valid().put("webhook_url", "http://metadata.google.internal/computeMetadata/v1/"), "webhook_url"));
        cases.add(create("webhook not a URL", valid().put("webhook_url", "not a url"), "webhook_url"));
        cases.add(create("unknown webhook format", valid().put("webhook_format", "teams"), "webhook_format"));
        cases.add(create("pagerduty without a routing key", valid().put("webhook_format", "pagerduty"), "routing_key"));
        cases.add(create("routing key for a generic webhook", valid().put("routing_key", "R0UTINGKEY"), "routing_key"));
        cases.add(create("name missing", without(valid(), "name"), "name"));
        cases.add(create("name blank", valid().put("name", "   "), "name"));
        cases.add(create("name too long", valid().put("name", "n".repeat(101)), "name"));
        cases.add(create("description too long", valid().put("description", "d".repeat(1_001)), "description"));
        // ---- create: the body as a whole
        cases.add(new Case("malformed JSON", "POST", rules, "{\"name\": \"x\", ", 400, "invalid_json", null));
        cases.add(new Case("an array body", "POST", rules, "[" + valid() + "]", 400, "invalid_json", null));
        cases.add(new Case("a string body", "POST", rules, "\"rule\"", 400, "invalid_json", null));
        cases.add(new Case("a null body", "POST", rules, "null", 400, "invalid_json", null));
        cases.add(new Case("an empty body", "POST", rules, "", 400, "invalid_json", null));
        cases.add(new Case("a body over 64 KiB", "POST", rules, valid().put("description", HUGE).toString(), 413,
                "body_too_large", null));

        // ---- partial updates: each field checked, and the merged rule as a whole
        cases.add(update("update: threshold as a string", AlertApi.object().put("threshold", "high"), "threshold"));
        cases.add(update("update: threshold NaN (literal)", with(AlertApi.object(), "threshold", "NaN"), "threshold"));
        cases.add(update("update: unknown metric", AlertApi.object().put("metric", "cpu_load"), "metric"));
        cases.add(update("update: condition null", AlertApi.object().putNull("condition"), "condition"));
        cases.add(update("update: enabled as a string", AlertApi.object().put("enabled", "yes"), "enabled"));
        cases.add(update("update: negative cooldown", AlertApi.object().put("cooldown_minutes", -0.5),
                "cooldown_minutes"));
        cases.add(update("update: webhook at the metadata service",
                AlertApi.object().put("webhook_url", "http://169.254.169.254/"), "webhook_url"));
        cases.add(update("update: a system metric for a rule with a resource",
                AlertApi.object().put("metric", "performance_score").put("threshold", 50), "resource"));
        cases.add(update("update: another id", AlertApi.object().put("id", UNKNOWN_RULE), "id"));
        cases.add(update("update: unknown field", AlertApi.object().put("colour", "red"), "colour"));
        cases.add(new Case("update: malformed JSON", "PUT", rule, "{\"threshold\": ", 400, "invalid_json", null));
        cases.add(new Case("update: an array body", "PUT", rule, "[]", 400, "invalid_json", null));
        cases.add(new Case("update: a body over 64 KiB", "PUT", rule,
                AlertApi.object().put("description", HUGE).toString(), 413, "body_too_large", null));

        // ---- test-webhook: the same URL checks
        String test = "/api/v1/alerts/test-webhook";
        cases.add(new Case("test-webhook: no URL", "POST", test, "{}", 400, "invalid_rule", "webhook_url"));
        cases.add(new Case("test-webhook: file URL", "POST", test,
                AlertApi.object().put("webhook_url", "file:///etc/passwd").toString(), 400, "invalid_rule", "webhook_url"));
        cases.add(new Case("test-webhook: metadata service", "POST", test,
                AlertApi.object().put("webhook_url", "http://169.254.169.254/latest/meta-data").toString(), 400,
                "invalid_rule", "webhook_url"));

        // ---- unknown ids
        String unknownRule = AlertApi.RULES + "/" + UNKNOWN_RULE;
        cases.add(new Case("GET an unknown rule", "GET", unknownRule, null, 404, "not_found", "id"));
        cases.add(new Case("PUT an unknown rule", "PUT", unknownRule, AlertApi.object().put("threshold", 1).toString(),
                404, "not_found", "id"));
        cases.add(new Case("DELETE an unknown rule", "DELETE", unknownRule, null, 404, "not_found", "id"));
        cases.add(new Case("acknowledge an unknown event", "POST",
                AlertApi.EVENTS + "/" + UNKNOWN_EVENT + "/acknowledge", "{}", 404, "not_found", "id"));

        // ---- event queries
        cases.add(events("limit=abc", "limit"));
        cases.add(events("limit=0", "limit"));
        cases.add(events("limit=-3", "limit"));
        cases.add(events("limit=10001", "limit"));
        cases.add(events("severity=fatal", "severity"));
        cases.add(events("acknowledged=yes", "acknowledged"));
        cases.add(events("status=open", "status"));
        return cases.stream();
    }

    /** A rule the API accepts: pool exhaustion of orders-pool, never met while the app is paused. */
    private static ObjectNode valid() {
        return AlertApi.rule("Validation probe", "pool_exhausted_count", "greater_than", 0)
                .put("resource", AlertApi.POOL).put("severity", "warning").put("cooldown_minutes", 5)
                .put("webhook_url", "http://127.0.0.1:9/hook");
    }

    private static ObjectNode without(ObjectNode body, String field) {
        body.remove(field);
        return body;
    }

    /** {@code body} with {@code field} set to {@code literal} as written (NaN is no JSON value, so it is spliced in). */
    private static String with(ObjectNode body, String field, String literal) {
        body.remove(field);
        String text = body.toString();
        String separator = body.isEmpty() ? "" : ",";
        return text.substring(0, text.length() - 1) + separator + "\"" + field + "\":" + literal + "}";
    }

    private static Case create(String description, Object body, String field) {
        return new Case(description, "POST", AlertApi.RULES, body.toString(), 400, "invalid_rule", field);
    }

    private static Case update(String description, Object body, String field) {
        return new Case(description, "PUT", AlertApi.RULES + "/{id}", body.toString(), 400, "invalid_rule", field);
    }

    private static Case events(String query, String field) {
        return new Case("events?" + query, "GET", AlertApi.EVENTS + "?" + query, null, 400, "bad_parameter", field);
    }
}
