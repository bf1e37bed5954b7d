package dev.vitals.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.agent.sampling.Sample;
import dev.vitals.agent.score.ScoreInput;
import dev.vitals.agent.snapshot.PoolSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OverviewRoutesTest {

    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    static final String PATH = "/api/v1/performance/metrics/overview";

    final ObjectMapper mapper = new Responses().mapper();
    final AtomicReference<Sample> latest = new AtomicReference<>();
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(new OverviewRoutes(latest::get, Duration.ofSeconds(10),
                Clock.fixed(NOW, ZoneOffset.UTC), Samples.INFO, new Responses()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void beforeTheFirstSampleAnswers503WithTheInterval() throws Exception {
        TestServer.Reply reply = server.get(PATH);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(reply.body().toString()).isEqualTo("{\"error\":\"no_sample_yet\",\"message\":\"no sample has been "
                + "taken yet; samples are taken every 10 s (sample.interval), try again after the first one\","
                + "\"field\":null}");
    }

    @Test
    void summaryCarriesTheSampleThePoolsTheCachesAndTheAgent() throws Exception {
        Sample sample = Samples.troubled();
        latest.set(sample);

        TestServer.Reply reply = server.get(PATH);

        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = reply.body();
        assertThat(fieldNames(body)).containsExactly("timestamp", "system_health", "performance_score", "metrics");
        assertThat(body.get("timestamp").asText()).isEqualTo("2025-03-01T11:59:56Z");
        assertThat(body.get("system_health").asText()).isEqualTo("critical");
        // Capped by the worst critical component, sql: p99 1.8 s → 14.0.
        assertThat(body.get("performance_score").asDouble()).isEqualTo(14.0);
        assertThat(body.get("performance_score").asDouble()).isEqualTo(sample.score().performanceScore());

        JsonNode metrics = body.get("metrics");
        assertThat(fieldNames(metrics)).containsExactly("connections", "caching", "server_health");
        assertThat(fieldNames(metrics.get("connections"))).containsExactly("orders", "reports");
        assertThat(metrics.get("connections").get("orders").toString()).isEqualTo(json(Samples.ordersSnapshot()));
        assertThat(metrics.get("connections").get("orders").get("pool_exhausted_count").asLong()).isEqualTo(14);
        assertThat(metrics.get("connections").get("reports").toString()).isEqualTo(json(Samples.reportsSnapshot()));
        assertThat(fieldNames(metrics.get("caching"))).containsExactly("customers", "tiny");
        assertThat(metrics.get("caching").get("customers").toString()).isEqualTo(json(Samples.customersSnapshot()));
        assertThat(metrics.get("caching").get("tiny").get("max_size").isNull()).isTrue();

        JsonNode server = metrics.get("server_health");
        assertThat(server.toString()).isEqualTo("{\"status\":\"up\",\"system_health\":\"critical\","
                + "\"uptime_seconds\":93.5,\"active_connections\":11,"
                + "\"agent\":{\"version\":\"1.2.3\",\"attached_via\":\"premain\",\"app\":\"shop\",\"pid\":4242,"
                + "\"java_version\":\"21.0.2\",\"vm_name\":\"OpenJDK 64-Bit Server VM\"},"
                + "\"sample\":{\"interval_seconds\":10.0,\"sequence\":42,\"duration_ms\":1.25,\"age_seconds\":4.0}}");
    }

    @Test
    void detailsExplainTheWindow() throws Exception {
        Sample sample = Samples.troubled();
        latest.set(sample);

        JsonNode body = server.get(PATH + "?include_details=true").body();

        assertThat(fieldNames(body)).containsExactly("timestamp", "system_health", "performance_score", "metrics",
                "details");
        JsonNode details = body.get("details");
        assertThat(fieldNames(details)).containsExactly("cache_distribution", "connection_efficiency",
                "performance_recommendations", "score_breakdown");

        JsonNode caches = details.get("cache_distribution");
        assertThat(fieldNames(caches)).containsExactly("customers", "tiny");
        assertThat(caches.get("customers").get("requests").asLong()).isEqualTo(1000);
        assertThat(caches.get("customers").get("share").asDouble()).isCloseTo(1000.0 / 1050, within(1e-12));
        assertThat(caches.get("customers").get("hits").asLong()).isEqualTo(750);
        assertThat(caches.get("customers").get("hit_rate").asDouble()).isEqualTo(0.75);
        assertThat(caches.get("tiny").get("share").asDouble()).isCloseTo(50.0 / 1050, within(1e-12));
        assertThat(caches.get("tiny").get("hit_rate").asDouble()).isEqualTo(0.1);

        JsonNode pools = details.get("connection_efficiency");
        assertThat(fieldNames(pools)).containsExactly("orders", "reports");
        assertThat(pools.get("orders").toString()).isEqualTo("{\"max_pool_size\":10,\"pool_size\":10,\"active\":10,"
                + "\"idle\":0,\"pending\":6,\"utilization\":1.0,\"peak_active\":10,\"peak_utilization\":1.0,"
                + "\"borrows\":266,\"timeouts\":14,\"borrow_success_rate\":0.95,\"avg_wait_time\":0.2,"
                + "\"p99_wait_time\":0.812,\"p99_usage_time\":0.3}");
        assertThat(pools.get("reports").toString()).isEqualTo("{\"max_pool_size\":20,\"pool_size\":5,\"active\":1,"
                + "\"idle\":4,\"pending\":0,\"utilization\":0.05,\"peak_active\":3,\"peak_utilization\":0.15,"
                + "\"borrows\":100,\"timeouts\":0,\"borrow_success_rate\":1.0,\"avg_wait_time\":0.001,"
                + "\"p99_wait_time\":0.002,\"p99_usage_time\":0.01}");

        JsonNode recommendations = details.get("performance_recommendations");
        assertThat(recommendations.toString()).isEqualTo(json(sample.recommendations()));
        assertThat(recommendations.size()).isPositive();
        assertThat(fieldNames(recommendations.get(0)))
                .containsExactly("id", "severity", "resource", "title", "evidence", "action");
        assertThat(recommendations.get(0).get("id").asText()).isEqualTo("pool-too-small");
        assertThat(recommendations.get(0).get("resource").asText()).isEqualTo("pool:orders");

        JsonNode breakdown = details.get("score_breakdown");
        assertThat(breakdown.get("window_seconds").asDouble()).isEqualTo(300.0);
        assertThat(breakdown.get("components").toString()).isEqualTo(json(sample.score().components()));
        assertThat(breakdown.get("components").get(2).toString()).isEqualTo("{\"name\":\"sql\",\"weight\":0.25,"
                + "\"sub_score\":14.0,\"status\":\"critical\",\"reasons\":[\"sql: p99 1.800 s (> 1 s critical) over "
                + "2000 calls → 14.0\",\"sql: most time in SELECT * FROM orders WHERE id = ?: 180.000 s over 120 calls "
                + "(avg 1.500 s, 90.0% of SQL time)\",\"sql: 30 errors in 2000 calls (1.5%, ≤ 5% warning) → 83.1\"]}");
        assertThat(breakdown.get("reasons").toString()).isEqualTo(json(sample.score().reasons()));
        assertThat(breakdown.get("reasons").get(breakdown.get("reasons").size() - 1).asText())
                .isEqualTo("overall capped at 14.0 by critical component sql (weighted mean 33.0)");
    }

    @Test
    void withoutDataScoreIsNullAndDetailsHaveNulls() throws Exception {
        latest.set(Samples.sample(Samples.SAMPLE_TIME, List.of(), List.of(), new ScoreInput(10,
                List.of(ScoreInput.Pool.of("idle", 10, 0, 10, 0, 0, 0)),
                List.of(new ScoreInput.Cache("cold", 0, 0, 0, 0, 0, 0, null, 0, null, null)), null, null)));

        JsonNode body = server.get(PATH + "?include_details=true").body();

        assertThat(body.get("performance_score").isNull()).isTrue();
        assertThat(body.get("system_health").asText()).isEqualTo("healthy");
        assertThat(body.get("metrics").get("connections").size()).isZero();
        assertThat(body.get("metrics").get("server_health").get("active_connections").asInt()).isZero();
        assertThat(body.get("details").get("cache_distribution").toString())
                .isEqualTo("{\"cold\":{\"requests\":0,\"share\":null,\"hits\":0,\"hit_rate\":null}}");
        JsonNode idle = body.get("details").get("connection_efficiency").get("idle");
        assertThat(idle.get("pool_size").isNull()).isTrue();
        assertThat(idle.get("borrow_success_rate").isNull()).isTrue();
        assertThat(idle.get("avg_wait_time").isNull()).isTrue();
        assertThat(idle.get("p99_wait_time").isNull()).isTrue();
        assertThat(idle.get("p99_usage_time").isNull()).isTrue();
        assertThat(idle.get("utilization").asDouble()).isZero();
        assertThat(body.get("details").get("score_breakdown").get("reasons").get(0).asText())
                .isEqualTo("no component had data in the window; nothing to score");
    }

    @Test
    void includeDetailsFalseIsTheDefault() throws Exception {
        latest.set(Samples.troubled());

        JsonNode absent = server.get(PATH).body();
        JsonNode off = server.get(PATH + "?include_details=false").body();

        assertThat(absent.has("details")).isFalse();
        assertThat(off).isEqualTo(absent);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "yes   | include_details must be true or false; got 'yes'",
        "TRUE  | include_details must be true or false; got 'TRUE'",
        "1     | include_details must be true or false; got '1'",
        "''    | include_details must be true or false; got ''",
    })
    void badIncludeDetailsIs400NamingTheParameter(String value, String message) throws Exception {
        latest.set(Samples.troubled());

        TestServer.Reply reply = server.get(PATH + "?include_details=" + value);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.body().get("error").asText()).isEqualTo("bad_parameter");
        assertThat(reply.body().get("message").asText()).isEqualTo(message);
        assertThat(reply.body().get("field").asText()).isEqualTo("include_details");
    }

    @Test
    void includeDetailsParser() throws BadParameterException {
        assertThat(OverviewRoutes.includeDetails(null)).isFalse();
        assertThat(OverviewRoutes.includeDetails("false")).isFalse();
        assertThat(OverviewRoutes.includeDetails("true")).isTrue();
        assertThatThrownBy(() -> OverviewRoutes.includeDetails("on")).isInstanceOf(BadParameterException.class);
    }

    @ParameterizedTest(name = "sample {0} s old with a 10 s interval → {1}")
    @CsvSource({"0, up", "30, up", "30.001, stale", "600, stale"})
    void statusIsStaleOnceTheSampleIsOlderThanThreeIntervals(double ageSeconds, String status) {
        Instant now = Samples.SAMPLE_TIME.plusNanos((long) (ageSeconds * 1e9));

        OverviewRoutes.Overview overview = OverviewRoutes.overview(Samples.troubled(), false, 10, now, Samples.INFO);

        assertThat(overview.metrics().serverHealth().status()).isEqualTo(status);
        assertThat(overview.metrics().serverHealth().sample().ageSeconds()).isEqualTo(ageSeconds);
    }

    @Test
    void aRepeatedPoolNameIsNumbered() {
        PoolSnapshot a = Samples.ordersSnapshot();
        Sample sample = Samples.sample(Samples.SAMPLE_TIME, List.of(a, a, a), List.of(),
                new ScoreInput(10, List.of(), List.of(), null, null));

        OverviewRoutes.Overview overview = OverviewRoutes.overview(sample, false, 10, NOW, Samples.INFO);

        assertThat(overview.metrics().connections()).containsOnlyKeys("orders", "orders#2", "orders#3");
        assertThat(new ArrayList<>(overview.metrics().connections().keySet()))
                .containsExactly("orders", "orders#2", "orders#3");
    }

    /** The JSON the agent writes for {@code value} (compared as text: parsed numbers lose their Java types). */
    String json(Object value) throws Exception {
        return mapper.writeValueAsString(value);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
