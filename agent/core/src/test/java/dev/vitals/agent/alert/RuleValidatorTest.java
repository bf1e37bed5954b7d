package dev.vitals.agent.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.agent.alert.AlertRule.Condition;
import dev.vitals.agent.alert.AlertRule.Metric;
import dev.vitals.agent.alert.AlertRule.Severity;
import dev.vitals.agent.alert.AlertRule.WebhookFormat;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RuleValidatorTest {

    private static final Instant T0 = Instant.parse("2026-01-31T10:00:00Z");
    private static final Instant T1 = Instant.parse("2026-01-31T11:30:00.123456Z");

    /** Parses test JSON; NaN and Infinity allowed so that the validator's own check is what refuses them. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private static final String VALID = """
            {"name": "Pool wait", "metric": "connection_wait_time", "condition": "greater_than", "threshold": 0.5}""";

    private static final String SLACK = "https://hooks.slack.com/services/T000/B000/XXXX";
    private static final String PAGERDUTY = "https://events.pagerduty.com/v2/enqueue";
    private static final String LONG_101 = "n".repeat(101);

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** The valid body with {@code overrides} applied: a field set to {@code "<absent>"} is removed. */
    private static JsonNode body(String overrides) {
        ObjectNode body = (ObjectNode) json(VALID);
        json(overrides).properties().forEach(e -> {
            if (e.getValue().isTextual() && e.getValue().textValue().equals("<absent>")) {
                body.remove(e.getKey());
            } else {
                body.set(e.getKey(), e.getValue());
            }
        });
        return body;
    }

    private static AlertRule create(String overrides) throws RuleException {
        return RuleValidator.create(body(overrides), "r-000000000001", T0);
    }

    // ---- every invalid field ----

    static Stream<Arguments> invalidCreates() {
        return Stream.of(
            // the body
            arguments("unknown field", "{\"colour\": \"red\"}", "colour",
                    "unknown field 'colour'; known fields: name, metric, resource, condition, threshold, for_seconds,"
                            + " severity, cooldown_minutes, webhook_url, webhook_format, routing_key, enabled, description"
                            + " (read-only: id, built_in, created_at, updated_at)"),
            arguments("read-only id", "{\"id\": \"r-123456789abc\"}", "id",
                    "id is read-only: the server sets it; leave it out"),
            arguments("read-only built_in", "{\"built_in\": true}", "built_in", "built_in is read-only"),
            arguments("read-only created_at", "{\"created_at\": \"2026-01-01T00:00:00Z\"}", "created_at",
                    "created_at is read-only"),
            arguments("read-only updated_at", "{\"updated_at\": \"2026-01-01T00:00:00Z\"}", "updated_at",
                    "updated_at is read-only"),
            // name
            arguments("name absent", "{\"name\": \"<absent>\"}", "name",
                    "name is required: a short name of 1 to 100 characters"),
            arguments("name null", "{\"name\": null}", "name", "name is required"),
            arguments("name a number", "{\"name\": 42}", "name",
                    "name must be a string of 1 to 100 characters; got a number (42)"),
            arguments("name blank", "{\"name\": \"   \"}", "name", "name must not be blank"),
            arguments("name too long", "{\"name\": \"" + LONG_101 + "\"}", "name",
                    "name is 101 characters long; at most 100 are accepted"),
            arguments("name with a line break", "{\"name\": \"a\\nb\"}", "name", "must not contain control characters"),
            // metric
            arguments("metric absent", "{\"metric\": \"<absent>\"}", "metric",
                    "metric is required: one of performance_score, system_health, availability, cache_hit_rate,"
                            + " connection_wait_time, connection_wait_p99, pool_utilization, pending_threads,"
                            + " pool_exhausted_count, query_p99_time, slow_query_count, error_rate"),
            arguments("metric unknown", "{\"metric\": \"cpu\"}", "metric",
                    "unknown metric 'cpu'; expected one of performance_score, system_health"),
            arguments("metric upper case", "{\"metric\": \"PERFORMANCE_SCORE\"}", "metric", "unknown metric"),
            arguments("metric a number", "{\"metric\": 1}", "metric", "metric must be a string, one of"),
            // condition
            arguments("condition absent", "{\"condition\": \"<absent>\"}", "condition",
                    "condition is required: one of less_than, greater_than, less_or_equal, greater_or_equal, equals,"
                            + " not_equals"),
            arguments("condition unknown", "{\"condition\": \"above\"}", "condition",
                    "unknown condition 'above'; expected one of less_than"),
            arguments("condition a boolean", "{\"condition\": true}", "condition",
                    "condition must be a string, one of less_than, greater_than, less_or_equal, greater_or_equal,"
                            + " equals, not_equals; got a boolean (true)"),
            // threshold
            arguments("threshold absent", "{\"threshold\": \"<absent>\"}", "threshold",
                    "threshold is required: a number in the metric's unit"),
            arguments("threshold null", "{\"threshold\": null}", "threshold", "threshold is required"),
            arguments("threshold a string", "{\"threshold\": \"0.5\"}", "threshold",
                    "threshold must be a JSON number (not a string or boolean); got a string ('0.5')"),
            arguments("threshold a boolean", "{\"threshold\": false}", "threshold",
                    "threshold must be a JSON number (not a string or boolean); got a boolean (false)"),
            arguments("threshold an array", "{\"threshold\": [1]}", "threshold", "got an array"),
            arguments("threshold NaN", "{\"threshold\": NaN}", "threshold", "threshold must be a finite number"),
            arguments("threshold Infinity", "{\"threshold\": Infinity}", "threshold", "must be a finite number"),
            arguments("threshold overflowing a double", "{\"threshold\": 1e400}", "threshold", "must be a finite number"),
            arguments("score above 100", "{\"metric\": \"performance_score\", \"threshold\": 100.5}", "threshold",
                    "threshold 100.5 is out of range for performance_score: expected 0 to 100 (a score)"),
            arguments("score below 0", "{\"metric\": \"performance_score\", \"threshold\": -1}", "threshold",
                    "threshold -1 is out of range for performance_score"),
            arguments("health not a level", "{\"metric\": \"system_health\", \"threshold\": 0.7}", "threshold",
                    "threshold 0.7 is out of range for system_health: expected 1 (healthy), 0.5 (degraded) or 0"
                            + " (critical)"),
            arguments("availability above 1", "{\"metric\": \"availability\", \"threshold\": 99}", "threshold",
                    "threshold 99 is out of range for availability: expected 0 to 1 (a ratio: 0.6 means 60%)"),
            arguments("hit rate above 1", "{\"metric\": \"cache_hit_rate\", \"threshold\": 1.5}", "threshold",
                    "out of range for cache_hit_rate: expected 0 to 1"),
            arguments("utilization above 1", "{\"metric\": \"pool_utilization\", \"threshold\": 1.01}", "threshold",
                    "out of range for pool_utilization: expected 0 to 1"),
            arguments("error rate below 0", "{\"metric\": \"error_rate\", \"threshold\": -0.1}", "threshold",
                    "out of range for error_rate: expected 0 to 1"),
            arguments("wait above an hour", "{\"threshold\": 3601}", "threshold",
                    "threshold 3601 is out of range for connection_wait_time: expected 0 to 3600 seconds (0.5 means"
                            + " 500 ms)"),
            arguments("wait p99 below 0", "{\"metric\": \"connection_wait_p99\", \"threshold\": -0.001}", "threshold",
                    "out of range for connection_wait_p99: expected 0 to 3600 seconds"),
            arguments("query p99 above an hour", "{\"metric\": \"query_p99_time\", \"threshold\": 4000}", "threshold",
                    "out of range for query_p99_time"),
            arguments("pending threads below 0", "{\"metric\": \"pending_threads\", \"threshold\": -1}", "threshold",
                    "out of range for pending_threads: expected 0 to 1000000000 (a count)"),
            arguments("exhausted count too big", "{\"metric\": \"pool_exhausted_count\", \"threshold\": 1e10}",
                    "threshold", "threshold 10000000000 is out of range for pool_exhausted_count"),
            arguments("slow queries too big", "{\"metric\": \"slow_query_count\", \"threshold\": 2e9}", "threshold",
                    "out of range for slow_query_count"),
            // for_seconds
            arguments("for_seconds negative", "{\"for_seconds\": -1}", "for_seconds",
                    "for_seconds must be a whole number of seconds from 0 to 86400 (default 0: fire at once); got -1"),
            arguments("for_seconds fractional", "{\"for_seconds\": 1.5}", "for_seconds",
                    "for_seconds must be a whole number of seconds from 0 to 86400 (default 0: fire at once); got 1.5"),
            arguments("for_seconds over a day", "{\"for_seconds\": 86401}", "for_seconds", "got 86401"),
            arguments("for_seconds a string", "{\"for_seconds\": \"60\"}", "for_seconds", "got a string ('60')"),
            arguments("for_seconds NaN", "{\"for_seconds\": NaN}", "for_seconds", "got NaN"),
            // severity
            arguments("severity unknown", "{\"severity\": \"fatal\"}", "severity",
                    "unknown severity 'fatal'; expected one of info, warning, error, critical"),
            arguments("severity a number", "{\"severity\": 3}", "severity",
                    "severity must be a string, one of info, warning, error, critical; got a number (3)"),
            // cooldown_minutes
            arguments("cooldown negative", "{\"cooldown_minutes\": -1}", "cooldown_minutes",
                    "cooldown_minutes must be a number of minutes from 0 to 10080 (7 days; default 30); got -1"),
            arguments("cooldown over a week", "{\"cooldown_minutes\": 10080.5}", "cooldown_minutes", "got 10080.5"),
            arguments("cooldown NaN", "{\"cooldown_minutes\": NaN}", "cooldown_minutes", "got NaN"),
            arguments("cooldown -Infinity", "{\"cooldown_minutes\": -Infinity}", "cooldown_minutes", "got -Infinity"),
            arguments("cooldown a string", "{\"cooldown_minutes\": \"30\"}", "cooldown_minutes", "got a string ('30')"),
            // resource
            arguments("resource on a system metric",
                    "{\"metric\": \"performance_score\", \"threshold\": 50, \"resource\": \"orders\"}", "resource",
                    "performance_score is measured for the whole JVM and takes no resource; remove resource (or set it"
                            + " to null), or use a pool metric (connection_wait_time, connection_wait_p99,"
                            + " pool_utilization, pending_threads, pool_exhausted_count) or a cache metric"
                            + " (cache_hit_rate)"),
            arguments("resource on error_rate", "{\"metric\": \"error_rate\", \"threshold\": 0.1, \"resource\": \"*\"}",
                    "resource", "error_rate is measured for the whole JVM"),
            arguments("resource empty", "{\"resource\": \"\"}", "resource",
                    "resource must be a pool or cache name of 1 to 64 letters, digits, '.', '_', '-', ':' or '#', where"
                            + " '*' matches any characters (orders-*), or null for all of them together; got ''"),
            arguments("resource with a space", "{\"resource\": \"orders pool\"}", "resource", "got 'orders pool'"),
            arguments("resource with a slash", "{\"resource\": \"orders/pool\"}", "resource", "got 'orders/pool'"),
            arguments("resource too long", "{\"resource\": \"" + "p".repeat(65) + "\"}", "resource",
                    "resource must be a pool or cache name of 1 to 64"),
            arguments("resource a number", "{\"resource\": 12}", "resource", "got a number (12)"),
            // webhook_url
            arguments("url a number", "{\"webhook_url\": 42}", "webhook_url",
                    "webhook_url must be a string, an absolute http or https URL; got a number (42)"),
            arguments("url empty", "{\"webhook_url\": \"\"}", "webhook_url", "the webhook URL is empty"),
            arguments("url ftp", "{\"webhook_url\": \"ftp://example.com/hook\"}", "webhook_url",
                    "webhook_url: the webhook URL must use http or https, not 'ftp'"),
            arguments("url javascript", "{\"webhook_url\": \"javascript:alert(1)\"}", "webhook_url",
                    "must use http or https, not 'javascript'"),
            arguments("url relative", "{\"webhook_url\": \"hooks.slack.com/services/x\"}", "webhook_url",
                    "the webhook URL must be absolute, starting with http:// or https://"),
            arguments("url opaque", "{\"webhook_url\": \"http:hooks.slack.com\"}", "webhook_url",
                    "must be absolute, starting with http://"),
            arguments("url without host", "{\"webhook_url\": \"http:///hook\"}", "webhook_url",
                    "the webhook URL has no host"),
            arguments("url with a space", "{\"webhook_url\": \"http://exa mple.com/\"}", "webhook_url",
                    "the webhook URL is not a valid URL (Illegal character in authority at index 7)"),
            arguments("url with user info", "{\"webhook_url\": \"https://user:secret@example.com/hook\"}", "webhook_url",
                    "the webhook URL must not contain user info (user:password@)"),
            arguments("url port out of range", "{\"webhook_url\": \"http://example.com:99999/\"}", "webhook_url",
                    "the webhook URL's port 99999 is not between 1 and 65535"),
            arguments("url too long", "{\"webhook_url\": \"https://example.com/" + "a".repeat(2030) + "\"}",
                    "webhook_url", "the webhook URL is 2050 characters long; at most 2048 are accepted"),
            arguments("url AWS metadata", "{\"webhook_url\": \"http://169.254.169.254/latest/meta-data/\"}",
                    "webhook_url", "webhook_url: the webhook URL points at a cloud metadata service (169.254.169.254);"
                            + " webhooks may not target link-local addresses or cloud metadata services (loopback and"
                            + " private addresses are fine)"),
            arguments("url link-local v4", "{\"webhook_url\": \"http://169.254.10.20:8080/\"}", "webhook_url",
                    "points at a link-local address (169.254.0.0/16)"),
            arguments("url link-local v6", "{\"webhook_url\": \"http://[fe80::1]/\"}", "webhook_url",
                    "points at a link-local address (fe80::/10)"),
            arguments("url link-local v6 with zone", "{\"webhook_url\": \"http://[fe80::1%25eth0]/\"}", "webhook_url",
                    "points at a link-local address (fe80::/10)"),
            arguments("url AWS metadata v6", "{\"webhook_url\": \"http://[fd00:ec2::254]/latest\"}", "webhook_url",
                    "points at a cloud metadata service (fd00:ec2::254)"),
            arguments("url v4-mapped metadata", "{\"webhook_url\": \"http://[::ffff:169.254.169.254]/\"}",
                    "webhook_url", "points at a cloud metadata service (169.254.169.254)"),
            arguments("url v4-mapped hex metadata", "{\"webhook_url\": \"http://[::ffff:a9fe:a9fe]/\"}", "webhook_url",
                    "points at a cloud metadata service (169.254.169.254)"),
            arguments("url v4-compatible metadata", "{\"webhook_url\": \"http://[::a9fe:a9fe]/\"}", "webhook_url",
                    "points at a cloud metadata service (169.254.169.254), embedded in the IPv6 address"),
            arguments("url NAT64 metadata", "{\"webhook_url\": \"http://[64:ff9b::a9fe:a9fe]/\"}", "webhook_url",
                    "points at a cloud metadata service (169.254.169.254), embedded in the IPv6 address"),
            arguments("url decimal metadata", "{\"webhook_url\": \"http://2852039166/\"}", "webhook_url",
                    "points at a cloud metadata service (169.254.169.254)"),
            arguments("url hex metadata", "{\"webhook_url\": \"http://0xA9FEA9FE/\"}", "webhook_url",
                    "points at a cloud metadata service (169.254.169.254)"),
            arguments("url octal metadata", "{\"webhook_url\": \"http://0251.0376.0251.0376/\"}", "webhook_url",
                    "the webhook URL has no valid host: '0251.0376.0251.0376' is not a host name"),
            arguments("url Azure platform", "{\"webhook_url\": \"http://168.63.129.16/\"}", "webhook_url",
                    "points at a cloud metadata service (Azure's 168.63.129.16)"),
            arguments("url Alibaba metadata", "{\"webhook_url\": \"http://100.100.100.200/latest/meta-data\"}",
                    "webhook_url", "points at a cloud metadata service (Alibaba Cloud's 100.100.100.200)"),
            arguments("url Google metadata name", "{\"webhook_url\": \"http://metadata.google.internal/computeMetadata/v1/\"}",
                    "webhook_url", "points at a cloud metadata service (metadata.google.internal)"),
            arguments("url Google metadata name upper case", "{\"webhook_url\": \"http://METADATA.Google.Internal/\"}",
                    "webhook_url", "points at a cloud metadata service (metadata.google.internal)"),
            arguments("url loopback in hex", "{\"webhook_url\": \"http://0x7f000001:8080/\"}", "webhook_url",
                    "the webhook URL's host '0x7f000001' is an IPv4 address in an unusual form; write it as four decimal"
                            + " numbers (a.b.c.d)"),
            arguments("url invalid v6", "{\"webhook_url\": \"http://[1:2:3:4:5:6:7:8:9]/\"}", "webhook_url",
                    "webhook_url: the webhook URL is not a valid URL"),
            // webhook_format
            arguments("format unknown", "{\"webhook_url\": \"" + SLACK + "\", \"webhook_format\": \"teams\"}",
                    "webhook_format", "unknown webhook_format 'teams'; expected one of slack, discord, pagerduty, generic"
                            + " (or absent to infer it from the URL)"),
            arguments("format a number", "{\"webhook_url\": \"" + SLACK + "\", \"webhook_format\": 1}", "webhook_format",
                    "webhook_format must be a string, one of slack, discord, pagerduty, generic"),
            arguments("format without a url", "{\"webhook_format\": \"slack\"}", "webhook_format",
                    "webhook_format applies only with a webhook_url; set webhook_url, or leave webhook_format out"),
            // routing_key
            arguments("pagerduty without a routing key", "{\"webhook_url\": \"" + PAGERDUTY + "\"}", "routing_key",
                    "routing_key is required for the pagerduty format: 1 to 64 visible ASCII characters, the"
                            + " integration key of a PagerDuty Events API v2 integration"),
            arguments("explicit pagerduty without a routing key",
                    "{\"webhook_url\": \"http://127.0.0.1:9000/pd\", \"webhook_format\": \"pagerduty\"}", "routing_key",
                    "routing_key is required for the pagerduty format"),
            arguments("routing key for slack", "{\"webhook_url\": \"" + SLACK + "\", \"routing_key\": \"abc\"}",
                    "routing_key", "routing_key applies only to webhook_format pagerduty; this rule's format is slack;"
                            + " leave routing_key out or set it to null"),
            arguments("routing key without a webhook", "{\"routing_key\": \"abc\"}", "routing_key",
                    "this rule's format is none (no webhook_url)"),
            arguments("routing key empty", "{\"webhook_url\": \"" + PAGERDUTY + "\", \"routing_key\": \"\"}",
                    "routing_key", "routing_key must be 1 to 64 visible ASCII characters without spaces"),
            arguments("routing key with a space", "{\"webhook_url\": \"" + PAGERDUTY + "\", \"routing_key\": \"a b\"}",
                    "routing_key", "routing_key must be 1 to 64 visible ASCII characters without spaces"),
            arguments("routing key too long",
                    "{\"webhook_url\": \"" + PAGERDUTY + "\", \"routing_key\": \"" + "k".repeat(65) + "\"}",
                    "routing_key", "; got 65 characters"),
            arguments("routing key a number", "{\"webhook_url\": \"" + PAGERDUTY + "\", \"routing_key\": 12}",
                    "routing_key", "routing_key must be a string of 1 to 64 visible ASCII characters"),
            // enabled
            arguments("enabled a string", "{\"enabled\": \"yes\"}", "enabled",
                    "enabled must be true or false; got a string ('yes')"),
            arguments("enabled a number", "{\"enabled\": 1}", "enabled", "enabled must be true or false; got a number (1)"),
            // description
            arguments("description too long", "{\"description\": \"" + "d".repeat(1001) + "\"}", "description",
                    "description is 1001 characters long; at most 1000 are accepted"),
            arguments("description an object", "{\"description\": {\"text\": \"x\"}}", "description",
                    "description must be a string of at most 1000 characters, or null; got an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCreates")
    void refusesEveryInvalidFieldNamingItAndWhatIsAccepted(String why, String overrides, String field, String message) {
        assertThatThrownBy(() -> create(overrides))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
        "[1, 2]       | the body must be a JSON object ({...}); got an array",
        "\"a rule\"   | the body must be a JSON object ({...}); got a string ('a rule')",
        "null         | the body must be a JSON object ({...}); got null",
        "42           | the body must be a JSON object ({...}); got a number (42)",
    })
    void refusesABodyThatIsNotAnObject(String body, String message) {
        assertThatThrownBy(() -> RuleValidator.create(json(body), "r-000000000001", T0))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.field()).isNull();
                    assertThat(e.getMessage()).isEqualTo(message);
                });
        assertThatThrownBy(() -> RuleValidator.create(null, "r-000000000001", T0))
                .isInstanceOf(RuleException.class).hasMessage("the body must be a JSON object ({...}); got nothing");
    }

    @Test
    void deeplyNestedOrHugeValuesAreA400NotACrash() {
        String nested = "[".repeat(200) + "]".repeat(200);
        assertThatThrownBy(() -> create("{\"threshold\": " + nested + "}"))
                .isInstanceOfSatisfying(RuleException.class, e -> assertThat(e.field()).isEqualTo("threshold"));
        assertThatThrownBy(() -> create("{\"threshold\": 123456789012345678901234567890}"))
                .isInstanceOfSatisfying(RuleException.class, e -> assertThat(e.getMessage())
                        .startsWith("threshold 1.2345678901234568E29 is out of range"));
        assertThatThrownBy(() -> create("{\"metric\": \"" + "m".repeat(10_000) + "\"}"))
                .isInstanceOfSatisfying(RuleException.class, e -> assertThat(e.getMessage())
                        .startsWith("unknown metric '" + "m".repeat(77) + "...'"));
    }

    // ---- valid creates ----

    @Test
    void createAppliesTheDefaults() throws RuleException {
        AlertRule rule = RuleValidator.create(json("""
                {"name": "  Pool wait  ", "metric": "connection_wait_time", "condition": "greater_than", "threshold": 0.5}
                """), "r-0123456789ab", T1);

        assertThat(rule).isEqualTo(new AlertRule("r-0123456789ab", "Pool wait", Metric.CONNECTION_WAIT_TIME, null,
                Condition.GREATER_THAN, 0.5, 0, Severity.WARNING, 30, null, null, null, true, null, false,
                "2026-01-31T11:30:00.123Z", "2026-01-31T11:30:00.123Z"));
    }

    @Test
    void nullMeansTheDefaultForFieldsThatHaveOne() throws RuleException {
        AlertRule rule = create("""
                {"for_seconds": null, "severity": null, "cooldown_minutes": null, "enabled": null, "resource": null,
                 "webhook_url": null, "webhook_format": null, "routing_key": null, "description": null}""");

        assertThat(rule.forSeconds()).isZero();
        assertThat(rule.severity()).isEqualTo(Severity.WARNING);
        assertThat(rule.cooldownMinutes()).isEqualTo(30);
        assertThat(rule.enabled()).isTrue();
        assertThat(rule.resource()).isNull();
        assertThat(rule.webhookUrl()).isNull();
        assertThat(rule.webhookFormat()).isNull();
    }

    @Test
    void createKeepsEveryGivenField() throws RuleException {
        AlertRule rule = create("""
                {"resource": "orders-*", "for_seconds": 60.0, "severity": "critical", "cooldown_minutes": 2.5,
                 "webhook_url": "https://events.pagerduty.com/v2/enqueue", "routing_key": "R0UT1NGK3Y",
                 "enabled": false, "description": "Orders pools starve"}""");

        assertThat(rule.resource()).isEqualTo("orders-*");
        assertThat(rule.forSeconds()).isEqualTo(60);
        assertThat(rule.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(rule.cooldownMinutes()).isEqualTo(2.5);
        assertThat(rule.webhookFormat()).isEqualTo(WebhookFormat.PAGERDUTY);
        assertThat(rule.routingKey()).isEqualTo("R0UT1NGK3Y");
        assertThat(rule.enabled()).isFalse();
        assertThat(rule.description()).isEqualTo("Orders pools starve");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "none", value = {
        "https://hooks.slack.com/services/T000/B000/XXXX              | none    | slack",
        "https://HOOKS.SLACK.COM/services/T000/B000/XXXX              | none    | slack",
        "https://discord.com/api/webhooks/123/abc                     | none    | discord",
        "https://discordapp.com/api/webhooks/123/abc                  | none    | discord",
        "https://discord.com/api/v10/webhooks/123/abc                 | none    | discord",
        "https://discord.com/channels/123                             | none    | generic",
        "https://events.pagerduty.com/v2/enqueue                      | none    | pagerduty",
        "https://events.eu.pagerduty.com/v2/enqueue                   | none    | pagerduty",
        "http://127.0.0.1:8080/hook                                   | none    | generic",
        "http://localhost:8080/hook                                   | none    | generic",
        "http://10.1.2.3/hook                                         | none    | generic",
        "http://[::1]:9000/hook                                       | none    | generic",
        "https://hooks.example.com/slack-proxy                        | slack   | slack",
        "https://hooks.slack.com/services/T000/B000/XXXX              | generic | generic",
    })
    void infersTheFormatFromTheUrlUnlessGiven(String url, String given, String expected) throws RuleException {
        String format = given == null ? "" : ", \"webhook_format\": \"" + given + "\"";
        String key = expected.equals("pagerduty") ? ", \"routing_key\": \"key\"" : "";
        AlertRule rule = create("{\"webhook_url\": \"" + url + "\"" + format + key + "}");

        assertThat(rule.webhookUrl()).isEqualTo(url);
        assertThat(rule.webhookFormat().key()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "performance_score    | 0",
        "performance_score    | 100",
        "system_health        | 0",
        "system_health        | 0.5",
        "system_health        | 1",
        "availability         | 1",
        "cache_hit_rate       | 0",
        "pool_utilization     | 1",
        "error_rate           | 0.05",
        "connection_wait_time | 3600",
        "connection_wait_p99  | 0",
        "query_p99_time       | 0.25",
        "pending_threads      | 1000000000",
        "pool_exhausted_count | 0",
        "slow_query_count     | 1e9",
    })
    void acceptsThresholdsAtTheEdgesOfEachMetricsRange(String metric, String threshold) throws RuleException {
        AlertRule rule = create("{\"metric\": \"" + metric + "\", \"threshold\": " + threshold + "}");

        assertThat(rule.metric().key()).isEqualTo(metric);
        assertThat(rule.threshold()).isEqualTo(Double.parseDouble(threshold));
    }

    @Test
    void acceptsTheEdgesOfEveryOtherRange() throws RuleException {
        AlertRule rule = create("{\"name\": \"" + "n".repeat(100) + "\", \"for_seconds\": 86400,"
                + " \"cooldown_minutes\": 10080, \"description\": \"" + "d".repeat(1000) + "\", \"resource\": \""
                + "p".repeat(64) + "\"}");
        assertThat(rule.name()).hasSize(100);
        assertThat(rule.forSeconds()).isEqualTo(86_400);
        assertThat(rule.cooldownMinutes()).isEqualTo(10_080);
        assertThat(rule.description()).hasSize(1000);

        AlertRule zero = create("{\"for_seconds\": 0, \"cooldown_minutes\": 0, \"resource\": \"pool#2:a.b_c-*\"}");
        assertThat(zero.cooldownMinutes()).isZero();
        assertThat(zero.resource()).isEqualTo("pool#2:a.b_c-*");

        AlertRule cache = create("{\"metric\": \"cache_hit_rate\", \"condition\": \"less_than\", \"threshold\": 0.6,"
                + " \"resource\": \"customers\"}");
        assertThat(cache.resource()).isEqualTo("customers");

        AlertRule pd = create("{\"webhook_url\": \"" + PAGERDUTY + "\", \"routing_key\": \"" + "k".repeat(64) + "\"}");
        assertThat(pd.routingKey()).hasSize(64);
    }

    @Test
    void newIdsAreRAndTwelveHexDigitsAndDistinct() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String id = RuleValidator.newId();
            assertThat(id).matches("r-[0-9a-f]{12}");
            ids.add(id);
        }
        assertThat(ids).hasSize(1_000);
    }

    // ---- partial updates ----

    private static AlertRule existing(String overrides) throws RuleException {
        return create(overrides);
    }

    @Test
    void updateChangesOnlyTheFieldsPresent() throws RuleException {
        AlertRule before = existing("{\"webhook_url\": \"" + SLACK + "\", \"description\": \"d\", \"for_seconds\": 30}");

        AlertRule after = RuleValidator.update(before, json("{\"threshold\": 0.8}"), T1);

        assertThat(after).isEqualTo(new AlertRule(before.id(), before.name(), before.metric(), before.resource(),
                before.condition(), 0.8, 30, before.severity(), before.cooldownMinutes(), SLACK, WebhookFormat.SLACK,
                null, true, "d", false, "2026-01-31T10:00:00Z", "2026-01-31T11:30:00.123Z"));
    }

    @Test
    void anEmptyPatchOnlyTouchesUpdatedAt() throws RuleException {
        AlertRule before = existing("{}");
        AlertRule after = RuleValidator.update(before, json("{}"), T1);
        assertThat(after.updatedAt()).isEqualTo("2026-01-31T11:30:00.123Z");
        assertThat(after).usingRecursiveComparison().ignoringFields("updatedAt").isEqualTo(before);
    }

    @Test
    void nullClearsTheWebhookAndWithItItsFormatAndRoutingKey() throws RuleException {
        AlertRule slack = existing("{\"webhook_url\": \"" + SLACK + "\"}");
        AlertRule cleared = RuleValidator.update(slack, json("{\"webhook_url\": null}"), T1);
        assertThat(cleared.webhookUrl()).isNull();
        assertThat(cleared.webhookFormat()).isNull();

        AlertRule pd = existing("{\"webhook_url\": \"" + PAGERDUTY + "\", \"routing_key\": \"key\"}");
        AlertRule pdCleared = RuleValidator.update(pd, json("{\"webhook_url\": null}"), T1);
        assertThat(pdCleared.webhookUrl()).isNull();
        assertThat(pdCleared.webhookFormat()).isNull();
        assertThat(pdCleared.routingKey()).isNull();
    }

    @Test
    void nullClearsTheOtherOptionalFieldsAndResetsDefaults() throws RuleException {
        AlertRule before = existing("{\"resource\": \"orders\", \"description\": \"d\", \"severity\": \"critical\","
                + " \"cooldown_minutes\": 5, \"for_seconds\": 60, \"enabled\": false}");
        AlertRule after = RuleValidator.update(before, json("{\"resource\": null, \"description\": null,"
                + " \"severity\": null, \"cooldown_minutes\": null, \"for_seconds\": null, \"enabled\": null}"), T1);
        assertThat(after.resource()).isNull();
        assertThat(after.description()).isNull();
        assertThat(after.severity()).isEqualTo(Severity.WARNING);
        assertThat(after.cooldownMinutes()).isEqualTo(30);
        assertThat(after.forSeconds()).isZero();
        assertThat(after.enabled()).isTrue();
    }

    @Test
    void aNewUrlIsInferredAgainUnlessTheFormatWasChosen() throws RuleException {
        AlertRule generic = existing("{\"webhook_url\": \"http://127.0.0.1:9000/hook\"}");
        AlertRule nowSlack = RuleValidator.update(generic, json("{\"webhook_url\": \"" + SLACK + "\"}"), T1);
        assertThat(nowSlack.webhookFormat()).isEqualTo(WebhookFormat.SLACK);

        AlertRule proxy = existing("{\"webhook_url\": \"http://127.0.0.1:9000/hook\", \"webhook_format\": \"discord\"}");
        AlertRule moved = RuleValidator.update(proxy, json("{\"webhook_url\": \"http://127.0.0.1:9001/hook\"}"), T1);
        assertThat(moved.webhookFormat()).isEqualTo(WebhookFormat.DISCORD);

        AlertRule inferredAgain = RuleValidator.update(proxy, json("{\"webhook_format\": null}"), T1);
        assertThat(inferredAgain.webhookFormat()).isEqualTo(WebhookFormat.GENERIC);
    }

    @Test
    void readOnlyFieldsMaySoBeSentBackUnchanged() throws RuleException {
        AlertRule before = existing("{}");
        AlertRule after = RuleValidator.update(before, json("{\"id\": \"r-000000000001\", \"built_in\": false,"
                + " \"created_at\": \"2026-01-31T10:00:00Z\", \"updated_at\": \"2026-01-31T10:00:00Z\","
                + " \"threshold\": 1}"), T1);
        assertThat(after.threshold()).isEqualTo(1);
        assertThat(after.id()).isEqualTo("r-000000000001");
    }

    static Stream<Arguments> invalidUpdates() {
        return Stream.of(
            arguments("a system metric keeps the pool resource", "{\"resource\": \"orders\"}",
                    "{\"metric\": \"performance_score\", \"threshold\": 50}", "resource",
                    "performance_score is measured for the whole JVM and takes no resource"),
            arguments("the old threshold is out of the new metric's range", "{\"threshold\": 2}",
                    "{\"metric\": \"cache_hit_rate\"}", "threshold",
                    "threshold 2 is out of range for cache_hit_rate: expected 0 to 1"),
            arguments("threshold out of range", "{}", "{\"threshold\": 3601}", "threshold",
                    "threshold 3601 is out of range for connection_wait_time"),
            arguments("pagerduty without a key", "{\"webhook_url\": \"" + SLACK + "\"}",
                    "{\"webhook_format\": \"pagerduty\"}", "routing_key", "routing_key is required for the pagerduty"),
            arguments("a new url leaves a stale routing key",
                    "{\"webhook_url\": \"" + PAGERDUTY + "\", \"routing_key\": \"key\"}",
                    "{\"webhook_url\": \"" + SLACK + "\"}", "routing_key",
                    "routing_key applies only to webhook_format pagerduty; this rule's format is slack"),
            arguments("a format without url", "{}", "{\"webhook_format\": \"slack\"}", "webhook_format",
                    "webhook_format applies only with a webhook_url"),
            arguments("name cleared", "{}", "{\"name\": null}", "name", "name is required"),
            arguments("metric cleared", "{}", "{\"metric\": null}", "metric", "metric is required"),
            arguments("condition cleared", "{}", "{\"condition\": null}", "condition", "condition is required"),
            arguments("threshold cleared", "{}", "{\"threshold\": null}", "threshold", "threshold is required"),
            arguments("a different id", "{}", "{\"id\": \"r-ffffffffffff\"}", "id",
                    "id is read-only: the server sets it; leave it out (or send the current value)"),
            arguments("built_in flipped", "{}", "{\"built_in\": true}", "built_in", "built_in is read-only"),
            arguments("an unknown field", "{}", "{\"thresold\": 1}", "thresold", "unknown field 'thresold'"),
            arguments("a forbidden url", "{}", "{\"webhook_url\": \"http://169.254.169.254/\"}", "webhook_url",
                    "cloud metadata service"),
            arguments("a negative cooldown", "{}", "{\"cooldown_minutes\": -5}", "cooldown_minutes", "got -5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUpdates")
    void updateValidatesTheMergedRule(String why, String existing, String patch, String field, String message)
            throws RuleException {
        AlertRule before = existing(existing);
        assertThatThrownBy(() -> RuleValidator.update(before, json(patch), T1))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @Test
    void updateRefusesABodyThatIsNotAnObject() throws RuleException {
        AlertRule before = existing("{}");
        assertThatThrownBy(() -> RuleValidator.update(before, json("[]"), T1))
                .isInstanceOfSatisfying(RuleException.class, e -> assertThat(e.field()).isNull());
    }

    // ---- test-webhook ----

    @Test
    void testTargetInfersTheFormatAndChecksTheRoutingKey() throws RuleException {
        assertThat(RuleValidator.testTarget(json("{\"webhook_url\": \"" + SLACK + "\"}")))
                .isEqualTo(new RuleValidator.TestTarget(SLACK, WebhookFormat.SLACK, null));
        assertThat(RuleValidator.testTarget(json("{\"webhook_url\": \"http://127.0.0.1:1/x\", \"webhook_format\":"
                + " \"pagerduty\", \"routing_key\": \"k\"}")))
                .isEqualTo(new RuleValidator.TestTarget("http://127.0.0.1:1/x", WebhookFormat.PAGERDUTY, "k"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
        "{}                                                           | webhook_url    | webhook_url is required",
        "{\"webhook_url\": null}                                      | webhook_url    | webhook_url is required",
        "{\"webhook_url\": \"http://169.254.169.254/\"}               | webhook_url    | cloud metadata service",
        "{\"webhook_url\": \"https://events.pagerduty.com/v2/enqueue\"} | routing_key  | routing_key is required",
        "{\"webhook_url\": \"http://127.0.0.1/\", \"name\": \"x\"}    | name           | unknown field 'name'; known fields: webhook_url, webhook_format, routing_key",
        "{\"webhook_url\": \"http://127.0.0.1/\", \"webhook_format\": \"x\"} | webhook_format | unknown webhook_format 'x'",
    })
    void testTargetRefusesWhatARuleWouldRefuse(String body, String field, String message) {
        assertThatThrownBy(() -> RuleValidator.testTarget(json(body)))
                .isInstanceOfSatisfying(RuleException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    // ---- stored rules ----

    @Test
    void storedRulesAreCheckedLikeNewOnes() throws RuleException {
        AlertRule good = existing("{\"webhook_url\": \"" + PAGERDUTY + "\", \"routing_key\": \"key\"}");
        assertThat(RuleValidator.problem(good)).isNull();

        AlertRule edited = new AlertRule(good.id(), good.name(), Metric.PERFORMANCE_SCORE, "orders", good.condition(),
                50, 0, Severity.INFO, 30, null, null, null, true, null, false, good.createdAt(), good.updatedAt());
        assertThat(RuleValidator.problem(edited)).startsWith("resource: performance_score is measured for the whole JVM");

        AlertRule nan = new AlertRule(good.id(), good.name(), good.metric(), null, good.condition(), Double.NaN, 0,
                Severity.INFO, 30, null, null, null, true, null, false, good.createdAt(), good.updatedAt());
        assertThat(RuleValidator.problem(nan)).isEqualTo("threshold: threshold must be a finite number; got NaN");
    }

    // ---- JSON shape ----

    @Test
    void enumsSerialiseAsTheirApiKeys() throws Exception {
        ObjectMapper snake = new dev.vitals.agent.http.Responses().mapper();
        AlertRule rule = create("{\"webhook_url\": \"" + SLACK + "\"}");
        JsonNode json = snake.valueToTree(rule);
        assertThat(json.get("metric").textValue()).isEqualTo("connection_wait_time");
        assertThat(json.get("condition").textValue()).isEqualTo("greater_than");
        assertThat(json.get("severity").textValue()).isEqualTo("warning");
        assertThat(json.get("webhook_format").textValue()).isEqualTo("slack");
        assertThat(json.get("for_seconds").asLong()).isZero();
        assertThat(json.get("built_in").booleanValue()).isFalse();
        assertThat(snake.treeToValue(json, AlertRule.class)).isEqualTo(rule);
    }
}
