package dev.vitals.it.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.agent.history.HistoryPoint;
import dev.vitals.agent.metrics.PrometheusExport;
import dev.vitals.agent.sampling.SqlTotals;
import dev.vitals.agent.score.HealthScore;
import dev.vitals.agent.score.ScoreInput;
import dev.vitals.agent.snapshot.PoolSnapshot;
import dev.vitals.it.apps.RecordingLogManager;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Response;
import dev.vitals.it.harness.Vitals;
import dev.vitals.it.metrics.PrometheusText.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /metrics} of the real agent in the sample app, read by a real Prometheus text parser:
 * every pool, cache and score series has the value the overview endpoint shows for the same sample;
 * the token is needed unless {@code metrics.auth=none}; label values survive escaping; and the
 * Prometheus registry leaves the application's logging and its Prometheus settings alone.
 */
class PrometheusEndpointIT {

    private static final String TOKEN = "prometheus-endpoint-it";
    private static final String APP = "shop-it";
    private static final String OVERVIEW = "/api/v1/performance/metrics/overview?include_details=true";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Pattern SAMPLES_TOTAL = Pattern.compile("^vitals_samples_total\\{[^}]*} (\\S+)$",
            Pattern.MULTILINE);

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @Test
    void everySeriesAgreesWithTheOverviewOfTheSameSampleAndNeedsTheToken() {
        PrometheusText.requireParser();
        JavaProcess app = jvms.java("steady").jar(Artifacts.sampleJar()).args("--scenario", "steady")
                .systemProperty("vitals.sample.interval", "1s")
                // The application's setting for its own Prometheus client: the agent's copy must
                // neither apply nor reject it.
                .env("IO_PROMETHEUS_METRICS_EXEMPLARS_ENABLED", "false")
                .agent(Artifacts.agentJar(), AgentOptions.of("port", "0", "token", TOKEN, "app.name", APP,
                        "state.dir", jvms.newDir("state").toString()).toAgentArgument())
                .start();
        Vitals vitals = Vitals.awaitStartLine(app, JavaProcess.STARTUP);

        assertThat(vitals.getWithoutToken("/metrics").status()).isEqualTo(401);
        assertThat(vitals.get("/metrics", "not-the-token").status()).isEqualTo(401);

        Scrape scrape = awaitSameSample(vitals);
        assertThat(scrape.metrics().status()).isEqualTo(200);
        assertThat(scrape.metrics().header("Content-Type")).isEqualTo(CONTENT_TYPE);
        List<Sample> samples = PrometheusText.parse(scrape.metrics().body());
        JsonNode overview = scrape.overview();
        Series series = new Series(samples);

        assertThat(samples).allSatisfy(sample -> {
            assertThat(sample.name()).startsWith("vitals_");
            assertThat(sample.labels()).containsEntry("app", APP);
            assertThat(sample.type()).as(sample.name()).isEqualTo(sample.name().endsWith("_total") ? "counter" : "gauge");
        });
        assertThat(Math.round(series.value("vitals_sample_timestamp_seconds") * 1000)).as("sample time, ms")
                .isEqualTo(Instant.parse(overview.path("timestamp").asText()).toEpochMilli());

        assertScoreAgrees(series, overview);
        assertPoolsAgree(series, overview.path("metrics").path("connections"));
        assertCachesAgree(series, overview.path("metrics").path("caching"));

        double calls = series.value("vitals_sql_calls_total");
        assertThat(calls).isPositive();
        List<Sample> statements = series.named("vitals_sql_statement_calls_total");
        assertThat(statements).isNotEmpty().allSatisfy(statement -> {
            assertThat(statement.labels()).containsOnlyKeys("app", "data_source", "statement");
            assertThat(statement.labels().get("statement")).hasSizeLessThanOrEqualTo(200);
        });
        assertThat(statements).anySatisfy(statement ->
                assertThat(statement.labels()).containsEntry("data_source", "orders-pool"));
        assertThat(statements.stream().mapToDouble(Sample::value).sum()).isLessThanOrEqualTo(calls);
    }

    @Test
    void authNoneOpensOnlyMetricsAndTheRegistryLeavesJulUninitialised() {
        PrometheusText.requireParser();
        JavaProcess app = jvms.startIdleApp(jvms.idleApp("idle-metrics-public")
                .systemProperty("java.util.logging.manager", RecordingLogManager.class.getName())
                .systemProperty("vitals.sample.interval", "1s")
                .agent(Artifacts.agentJar(), AgentOptions.of("port", "0", "token", TOKEN, "app.name", APP,
                        "metrics.auth", "none", "state.dir", jvms.newDir("state").toString()).toAgentArgument()));
        Vitals vitals = Vitals.awaitStartLine(app, JavaProcess.STARTUP);

        AtomicReference<Response> last = new AtomicReference<>();
        Awaitility.await("a sample on /metrics without a token").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    last.set(vitals.getWithoutToken("/metrics"));
                    return last.get().status() == 200 && SAMPLES_TOTAL.matcher(last.get().body()).find();
                });
        assertThat(last.get().header("Content-Type")).isEqualTo(CONTENT_TYPE);
        Series series = new Series(PrometheusText.parse(last.get().body()));
        assertThat(series.value("vitals_samples_total")).isGreaterThanOrEqualTo(1);
        assertThat(series.named("vitals_pool_connections")).as("the idle app has no pool").isEmpty();

        assertThat(vitals.getWithoutToken("/api/v1/config").status()).as("the rest still needs the token")
                .isEqualTo(401);
        assertThat(vitals.getWithoutToken(OVERVIEW).status()).isEqualTo(401);
        assertThat(vitals.get("/metrics").status()).as("the token is still accepted").isEqualTo(200);

        app.writeStdin("logmanager");
        assertThat(app.awaitStdout("logmanager created-by=(.+)$", Duration.ofSeconds(10)).group(1))
                .as("who initialised java.util.logging").isEqualTo("none");
    }

    /** The agent's own export (from the core jar), its text read back by the parser: labels survive escaping. */
    @Test
    void labelValuesSurviveEscapingExactly() {
        PrometheusText.requireParser();
        String pool = "pool \"a\"\\b\nc \u2603";
        String sql = "SELECT \"name\" FROM t\nWHERE path = 'C:\\tmp' AND note = '\u00e9t\u00e9'";
        PoolSnapshot snapshot = new PoolSnapshot(pool, "active", 2, 10, 2, 1, 1, 0, 2, 7, null, null, null, null,
                null, null, null, 0, null, 30.0, null, "2026-03-01T11:00:00Z", false);
        Instant time = Instant.parse("2026-03-01T12:00:00Z");
        PrometheusExport export = new PrometheusExport("app \"quoted\"");
        export.accept(new dev.vitals.agent.sampling.Sample(time, 1, 10, List.of(snapshot), List.of(),
                new SqlTotals(3, 0, 0.5, 1, 0, List.of(new SqlTotals.StatementTotals("h2:mem:x", sql, "statement", 3, 0,
                        0.5))),
                new ScoreInput(60, List.of(), List.of(), null, null),
                new HealthScore(null, HealthScore.HEALTHY, List.of(), List.of()), List.of(),
                HistoryPoint.at(time).build(), 1_000));

        Series series = new Series(PrometheusText.parse(export.scrape()));
        assertThat(series.named("vitals_pool_acquire_total")).singleElement().satisfies(sample -> {
            assertThat(sample.labels()).containsExactly(Map.entry("app", "app \"quoted\""), Map.entry("pool", pool));
            assertThat(sample.value()).isEqualTo(7.0);
        });
        assertThat(series.named("vitals_sql_statement_calls_total")).singleElement()
                .satisfies(sample -> assertThat(sample.labels()).containsEntry("statement", sql));
    }

    private static void assertScoreAgrees(Series series, JsonNode overview) {
        JsonNode score = overview.path("performance_score");
        if (score.isNull()) {
            assertThat(series.named("vitals_performance_score")).isEmpty();
        } else {
            assertThat(series.value("vitals_performance_score")).isEqualTo(score.asDouble());
        }
        String health = overview.path("system_health").asText();
        assertThat(series.value("vitals_system_health")).as(health)
                .isEqualTo(Map.of("healthy", 1.0, "degraded", 0.5, "critical", 0.0).get(health));
        Map<String, Double> components = new LinkedHashMap<>();
        for (JsonNode component : overview.path("details").path("score_breakdown").path("components")) {
            if (!component.path("sub_score").isNull()) {
                components.put(component.path("name").asText(), component.path("sub_score").asDouble());
            }
        }
        assertThat(series.byLabel("vitals_component_score", "component")).isEqualTo(components);
    }

    private static void assertPoolsAgree(Series series, JsonNode pools) {
        assertThat(pools.has("orders-pool")).as("%s", pools).isTrue();
        assertThat(series.labelValues("vitals_pool_connections_max", "pool")).isEqualTo(names(pools));
        for (Iterator<Map.Entry<String, JsonNode>> it = pools.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String pool = entry.getKey();
            JsonNode p = entry.getValue();
            Map<String, Double> expected = new LinkedHashMap<>();
            expected.put("vitals_pool_connections{state=active}", p.path("active").asDouble());
            expected.put("vitals_pool_connections{state=idle}", p.path("idle").asDouble());
            expected.put("vitals_pool_connections_open", p.path("pool_size").asDouble());
            expected.put("vitals_pool_connections_max", p.path("max_pool_size").asDouble());
            expected.put("vitals_pool_connections_min_idle", p.path("min_idle").asDouble());
            expected.put("vitals_pool_pending_threads", p.path("pending").asDouble());
            expected.put("vitals_pool_connections_opened_total", p.path("connections_created").asDouble());
            expected.put("vitals_pool_acquire_total", p.path("borrows").asDouble());
            expected.put("vitals_pool_acquire_timeouts_total", p.path("pool_exhausted_count").asDouble());
            optional(expected, "vitals_pool_acquire_wait_seconds{quantile=0.5}", p.path("p50_wait_time"));
            optional(expected, "vitals_pool_acquire_wait_seconds{quantile=0.95}", p.path("p95_wait_time"));
            optional(expected, "vitals_pool_acquire_wait_seconds{quantile=0.99}", p.path("p99_wait_time"));
            optional(expected, "vitals_pool_acquire_wait_avg_seconds", p.path("avg_wait_time"));
            optional(expected, "vitals_pool_acquire_wait_max_seconds", p.path("max_wait_time"));
            optional(expected, "vitals_pool_usage_seconds{quantile=0.99}", p.path("p99_usage_time"));
            optional(expected, "vitals_pool_usage_avg_seconds", p.path("avg_usage_time"));
            assertThat(series.of("pool", pool)).as("pool %s: %s", pool, p).isEqualTo(expected);
        }
        assertThat(pools.path("orders-pool").path("borrows").asLong()).as("the workload ran").isPositive();
    }

    private static void assertCachesAgree(Series series, JsonNode caches) {
        assertThat(caches.size()).as("%s", caches).isPositive();
        assertThat(series.labelValues("vitals_cache_size", "cache")).isEqualTo(names(caches));
        for (Iterator<Map.Entry<String, JsonNode>> it = caches.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String cache = entry.getKey();
            JsonNode c = entry.getValue();
            Map<String, Double> expected = new LinkedHashMap<>();
            if (!c.path("stats_source").asText().equals("none")) {
                expected.put("vitals_cache_requests_total{result=hit}", c.path("hits").asDouble());
                expected.put("vitals_cache_requests_total{result=miss}", c.path("misses").asDouble());
                expected.put("vitals_cache_load_total{result=success}", c.path("load_success").asDouble());
                expected.put("vitals_cache_load_total{result=failure}", c.path("load_failure").asDouble());
                expected.put("vitals_cache_evictions_total", c.path("evictions").asDouble());
                expected.put("vitals_cache_eviction_weight_total", c.path("eviction_weight").asDouble());
            }
            expected.put("vitals_cache_size", c.path("size").asDouble());
            optional(expected, "vitals_cache_max_size", c.path("max_size"));
            optional(expected, "vitals_cache_load_avg_seconds", c.path("avg_load_time"));
            optional(expected, "vitals_cache_hit_ratio", c.path("hit_rate"));
            assertThat(series.of("cache", cache)).as("cache %s: %s", cache, c).isEqualTo(expected);
        }
    }

    private static void optional(Map<String, Double> expected, String key, JsonNode value) {
        if (!value.isNull() && !value.isMissingNode()) {
            expected.put(key, value.asDouble());
        }
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** /metrics and the overview, taken from one sample. */
    private record Scrape(Response metrics, JsonNode overview) {
    }

    /**
     * Fetches /metrics, then the overview, until both come from the same sample (the sequence in
     * {@code vitals_samples_total} is the overview's {@code sample.sequence}) and the sample has seen
     * the workload: a borrow on {@code orders-pool} and the caches.
     */
    private static Scrape awaitSameSample(Vitals vitals) {
        AtomicReference<Scrape> found = new AtomicReference<>();
        AtomicReference<String> last = new AtomicReference<>();
        try {
            Awaitility.await("/metrics and the overview of one sample with traffic").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        Response metrics = vitals.get("/metrics");
                        Response overview = vitals.get(OVERVIEW);
                        last.set(metrics + "\n" + overview);
                        Matcher sequence = SAMPLES_TOTAL.matcher(metrics.body());
                        if (metrics.status() != 200 || overview.status() != 200 || !sequence.find()) {
                            return false;
                        }
                        JsonNode json = overview.json();
                        JsonNode metricsNode = json.path("metrics");
                        boolean same = (long) Double.parseDouble(sequence.group(1))
                                == metricsNode.path("server_health").path("sample").path("sequence").asLong();
                        boolean busy = metricsNode.path("connections").path("orders-pool").path("borrows").asLong() > 0
                                && metricsNode.path("caching").size() > 0;
                        if (same && busy) {
                            found.set(new Scrape(metrics, json));
                            return true;
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no /metrics and overview of one sample with traffic within 60 s; last:\n"
                    + last.get(), e);
        }
        return found.get();
    }

    /** The parsed samples, looked up by name and labels ({@code app} is left out of keys: it is on all). */
    private static final class Series {

        private final List<Sample> samples;

        Series(List<Sample> samples) {
            this.samples = samples;
        }

        List<Sample> named(String name) {
            return samples.stream().filter(s -> s.name().equals(name)).toList();
        }

        /** The one sample of that name without labels other than {@code app}. */
        double value(String name) {
            List<Sample> found = named(name).stream().filter(s -> s.labels().size() == 1).toList();
            assertThat(found).as("%s in %s", name, samples).hasSize(1);
            return found.get(0).value();
        }

        /** Values of one family by one label's value. */
        Map<String, Double> byLabel(String name, String label) {
            Map<String, Double> values = new LinkedHashMap<>();
            named(name).forEach(s -> values.put(s.labels().get(label), s.value()));
            return values;
        }

        Set<String> labelValues(String name, String label) {
            Set<String> values = new TreeSet<>();
            named(name).forEach(s -> values.add(s.labels().get(label)));
            return values;
        }

        /**
         * Every sample carrying {@code label=value}, keyed {@code name} or {@code name{k=v}} by its
         * other labels (besides {@code app}).
         */
        Map<String, Double> of(String label, String value) {
            Map<String, Double> values = new HashMap<>();
            for (Sample sample : samples) {
                if (!value.equals(sample.labels().get(label))) {
                    continue;
                }
                List<String> others = new ArrayList<>();
                sample.labels().forEach((k, v) -> {
                    if (!k.equals("app") && !k.equals(label)) {
                        others.add(k + "=" + v);
                    }
                });
                String key = others.isEmpty() ? sample.name() : sample.name() + "{" + String.join(",", others) + "}";
                assertThat(values.put(key, sample.value())).as("duplicate series %s", key).isNull();
            }
            return values;
        }
    }
}
