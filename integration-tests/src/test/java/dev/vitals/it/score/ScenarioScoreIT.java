package dev.vitals.it.score;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.agent.jdbc.SqlNormalizer;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Response;
import dev.vitals.it.harness.SampleTruth;
import dev.vitals.it.harness.Vitals;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The acceptance scenarios of the health score, end to end: the sample app's four scenarios, each
 * in a JVM of its own with the real agent (premain, H2), read through the overview and alerts
 * endpoints once the score window has filled.
 *
 * <ul>
 *   <li>{@code steady}: healthy, score ≥ 80, no critical recommendation;</li>
 *   <li>{@code pool-starvation}: score below 70, not healthy, and the pools component's reasons
 *       and a {@code pool-too-small} recommendation name {@code orders-pool} with the window's
 *       numbers; a critical threshold alert for the pool; after {@code stop}, the overview's
 *       cumulative pool counts equal what the app counted;</li>
 *   <li>{@code cache-thrash}: the caches component drops, each thrashing cache gets a
 *       recommendation; after {@code stop}, the overview's cache counts equal the app's;</li>
 *   <li>{@code slow-queries}: the SQL component drops and names the slow statement.</li>
 * </ul>
 *
 * <p>Speed: the four JVMs start together in {@link #startEveryScenario()} and fill their windows
 * in parallel (a 30 s {@code score.window} sampled every second), so the class takes about one
 * window plus start-up. Each scenario's JVM is shared by the tests that read it; the only test
 * that changes one ({@code stop}) runs after those that need it running ({@link Order}).
 *
 * <p>The numbers a reason or recommendation quotes are checked against {@code details} of the
 * same response (one sample, one window), so they are the window's real figures, not just
 * well-formed text.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScenarioScoreIT {

    private static final String TOKEN = "scenario-score-it";
    private static final String OVERVIEW = "/api/v1/performance/metrics/overview";
    private static final String DETAILS = OVERVIEW + "?include_details=true";
    private static final String ALERTS = "/api/v1/performance/metrics/alerts";
    private static final String TIMESERIES = "/api/v1/performance/metrics/timeseries";
    private static final String SLOW_QUERIES = "/api/v1/performance/slow-queries?limit=200";

    /** {@code score.window}: the shortest the agent accepts is 10 s; 30 s smooths one slow second. */
    private static final String SCORE_WINDOW = "30s";
    /** A window at least this long (seconds) is "filled": the sampler's window is whole intervals, about 30–31 s. */
    private static final double FILLED_WINDOW_SECONDS = 25;
    /** Start-up (four JVMs on two cores) plus one window, with room for a loaded machine. */
    private static final Duration WINDOW_FILLED = Duration.ofSeconds(120);
    private static final Duration FINISH = Duration.ofSeconds(60);

    private static final String ORDERS_POOL = "orders-pool";
    private static final String CUSTOMERS = "CustomerService.customers";
    private static final String PRICES = "PriceService.prices";
    /** The agent's cache names and the sample app's truth keys for them. */
    private static final Map<String, String> CACHE_TRUTH_KEYS = Map.of(CUSTOMERS, "customers", PRICES, "prices");

    private static final String STEADY = "steady";
    private static final String POOL_STARVATION = "pool-starvation";
    private static final String CACHE_THRASH = "cache-thrash";
    private static final String SLOW_QUERY_SCENARIO = "slow-queries";

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    /** One scenario's JVM, its agent and the app's truth file. */
    private record Run(JavaProcess process, Vitals vitals, SampleTruth truth) {
    }

    private static final Map<String, Run> runs = new LinkedHashMap<>();

    @BeforeAll
    static void startEveryScenario() {
        Map<String, JavaProcess> started = new LinkedHashMap<>();
        Map<String, Path> truthFiles = new LinkedHashMap<>();
        for (String scenario : List.of(STEADY, POOL_STARVATION, CACHE_THRASH, SLOW_QUERY_SCENARIO)) {
            Path truthFile = jvms.newDir("truth-" + scenario).resolve("truth.json");
            AgentOptions options = AgentOptions.of("port", "0", "token", TOKEN, "app.name", "scenario-" + scenario,
                    "state.dir", jvms.newDir("state-" + scenario).toString(),
                    "sample.interval", "1s", "score.window", SCORE_WINDOW);
            started.put(scenario, jvms.java(scenario).jar(Artifacts.sampleJar())
                    .args("--scenario", scenario, "--truth-file", truthFile.toString())
                    .agent(Artifacts.agentJar(), options.toAgentArgument())
                    .start());
            truthFiles.put(scenario, truthFile);
        }
        // Started all at once, awaited one by one: the JVMs come up in parallel.
        started.forEach((scenario, process) -> runs.put(scenario, new Run(process,
                Vitals.awaitStartLine(process, JavaProcess.STARTUP.multipliedBy(2)),
                new SampleTruth(truthFiles.get(scenario)))));
    }

    @Test
    void steadyIsHealthyWithAScoreOfAtLeast80AndNoCriticalRecommendation() {
        JsonNode overview = awaitFilledWindow(runs.get(STEADY).vitals());
        JsonNode details = overview.path("details");

        assertThat(overview.path("system_health").asText()).as(describe(overview)).isEqualTo("healthy");
        assertThat(overview.path("performance_score").isNumber()).as(describe(overview)).isTrue();
        assertThat(overview.path("performance_score").asDouble()).as(describe(overview)).isGreaterThanOrEqualTo(80);
        assertThat(overview.path("metrics").path("server_health").path("system_health").asText()).isEqualTo("healthy");
        assertThat(recommendations(overview)).as(describe(overview))
                .noneMatch(r -> r.path("severity").asText().equals("critical"));
        // Healthy means no component past its good edge, and every one of them had data.
        for (JsonNode component : details.path("score_breakdown").path("components")) {
            assertThat(component.path("status").asText()).as("%s", component).isEqualTo("ok");
            assertThat(component.path("sub_score").asDouble()).as("%s", component).isGreaterThanOrEqualTo(85);
        }
        JsonNode pool = details.path("connection_efficiency").path(ORDERS_POOL);
        assertThat(pool.path("borrows").asLong()).as("the workload borrowed in the window: %s", pool).isPositive();
        assertThat(pool.path("timeouts").asLong()).as("%s", pool).isZero();
        assertThat(details.path("cache_distribution").path(CUSTOMERS).path("requests").asLong()).isPositive();
    }

    @Test
    @Order(1)
    void poolStarvationRaisesACriticalThresholdAlertForThePool() {
        Vitals vitals = runs.get(POOL_STARVATION).vitals();
        awaitFilledWindow(vitals);
        // The alerts and the overview answer from the latest sample: read both from one sample to
        // compare their numbers.
        AtomicReference<JsonNode[]> pair = new AtomicReference<>();
        Awaitility.await("alerts and overview of one sample").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    JsonNode alerts = ok(vitals.get(ALERTS));
                    JsonNode overview = ok(vitals.get(DETAILS));
                    pair.set(new JsonNode[] {alerts, overview});
                    return alerts.path("timestamp").asText().equals(overview.path("timestamp").asText());
                });
        JsonNode alerts = pair.get()[0];
        JsonNode overview = pair.get()[1];
        List<JsonNode> active = list(alerts.path("active_alerts"));

        assertThat(alerts.path("alert_count").asInt()).as("%s", alerts).isEqualTo(active.size());
        List<JsonNode> forPool = active.stream()
                .filter(a -> a.path("resource").asText().equals("pool:" + ORDERS_POOL)).toList();
        assertThat(forPool).as("alerts for the pool in %s", alerts)
                .anyMatch(a -> a.path("severity").asText().equals("critical"));
        JsonNode timeouts = forPool.stream().filter(a -> a.path("metric").asText().equals("pool_timeouts"))
                .findFirst().orElseThrow(() -> new AssertionError("no pool_timeouts alert in " + alerts));
        JsonNode window = overview.path("details").path("connection_efficiency").path(ORDERS_POOL);
        assertThat(timeouts.path("severity").asText()).isEqualTo("critical");
        assertThat(timeouts.path("threshold").asDouble()).isZero();
        assertThat(timeouts.path("current_value").asLong()).as("the window's timeouts: %s", window)
                .isEqualTo(window.path("timeouts").asLong()).isPositive();
        // Like the score's reasons, the message names the window in whole seconds, not its measurement.
        assertThat(timeouts.path("message").asText()).startsWith("pool " + ORDERS_POOL + ": "
                + window.path("timeouts").asLong() + " connection timeouts in "
                + Math.round(alerts.path("window_seconds").asDouble()) + " s (");
        // Critical alerts come first.
        List<String> severities = active.stream().map(a -> a.path("severity").asText()).toList();
        assertThat(severities.subList(0, (int) severities.stream().filter("critical"::equals).count()))
                .containsOnly("critical");
        assertThat(alerts.path("window_seconds").asDouble())
                .isEqualTo(overview.path("details").path("score_breakdown").path("window_seconds").asDouble());
    }

    @Test
    @Order(2)
    void poolStarvationScoresBelow70AndNamesTheStarvingPoolWithItsNumbers() {
        Run run = runs.get(POOL_STARVATION);
        JsonNode overview = awaitFilledWindow(run.vitals());
        JsonNode details = overview.path("details");
        JsonNode window = details.path("connection_efficiency").path(ORDERS_POOL);
        long timeouts = window.path("timeouts").asLong();
        long attempts = window.path("borrows").asLong() + timeouts;
        int max = window.path("max_pool_size").asInt();

        assertThat(overview.path("performance_score").asDouble()).as(describe(overview)).isLessThan(70);
        assertThat(overview.path("system_health").asText()).as(describe(overview)).isNotEqualTo("healthy");
        assertThat(timeouts).as("the pool timed out in the window: %s", window).isPositive();
        assertThat(window.path("peak_active").asInt()).as("every connection lent at the peak: %s", window)
                .isEqualTo(max);

        JsonNode pools = component(overview, "pools");
        assertThat(pools.path("status").asText()).as("%s", pools).isEqualTo("critical");
        assertThat(pools.path("sub_score").asDouble()).isLessThan(70);
        assertThat(texts(pools.path("reasons"))).as("pools reasons")
                .anyMatch(r -> r.startsWith("pool " + ORDERS_POOL + ": " + timeouts + " connection timeouts in ")
                        && r.contains(" of " + attempts + " borrow attempts"));
        assertThat(texts(details.path("score_breakdown").path("reasons"))).as("overall reasons")
                .anyMatch(r -> r.contains("pool " + ORDERS_POOL + ": " + timeouts + " connection timeouts"));

        JsonNode recommendation = recommendation(overview, "pool-too-small", "pool:" + ORDERS_POOL);
        assertThat(recommendation.path("severity").asText()).isEqualTo("critical");
        assertThat(recommendation.path("evidence").asText()).as("%s", recommendation)
                .contains("pool " + ORDERS_POOL + " timed out " + timeouts + " times",
                        max + "/" + max + " active");
        assertThat(recommendation.path("action").asText()).as("%s", recommendation)
                .contains("raise maximumPoolSize from " + max + " to ");

        // Quiesce, then the first sample taken after the app's final count must agree with it.
        run.process().writeStdin("stop");
        JsonNode truth = run.truth().awaitFinished(FINISH);
        JsonNode after = awaitSampleAfter(run.vitals(), Instant.parse(truth.path("updated_at").asText()));
        JsonNode poolTruth = truth.path("pools").path(ORDERS_POOL);
        JsonNode pool = after.path("metrics").path("connections").path(ORDERS_POOL);
        assertThat(poolTruth.path("borrow_timeouts").asLong()).as("the scenario starved the pool").isPositive();
        assertThat(pool.path("pool_exhausted_count").asLong()).as("%s vs truth %s", pool, poolTruth)
                .isEqualTo(poolTruth.path("borrow_timeouts").asLong());
        assertThat(pool.path("borrows").asLong()).as("%s vs truth %s", pool, poolTruth)
                .isEqualTo(poolTruth.path("borrows").asLong());
        assertThat(pool.path("max_pool_size").asInt()).isEqualTo(poolTruth.path("max_pool_size").asInt()).isEqualTo(max);
    }

    @Test
    void cacheThrashDropsTheCachesComponentAndNamesEachThrashingCache() {
        Run run = runs.get(CACHE_THRASH);
        JsonNode overview = awaitFilledWindow(run.vitals());
        JsonNode details = overview.path("details");

        JsonNode caches = component(overview, "caches");
        assertThat(caches.path("status").asText()).as("%s", caches).isNotEqualTo("ok");
        assertThat(caches.path("sub_score").asDouble()).as("%s", caches).isLessThan(85);
        for (String name : List.of(CUSTOMERS, PRICES)) {
            JsonNode share = details.path("cache_distribution").path(name);
            long requests = share.path("requests").asLong();
            assertThat(requests).as("lookups of %s in the window: %s", name, share).isGreaterThanOrEqualTo(100);
            assertThat(share.path("hit_rate").asDouble()).as("%s", share).isLessThan(0.85);
            assertThat(texts(caches.path("reasons"))).as("caches reasons")
                    .anyMatch(r -> r.startsWith("cache " + name + ": hit rate ") && r.contains(" over " + requests + " requests"));
            JsonNode recommendation = recommendation(overview, "cache-too-small", "cache:" + name);
            long max = overview.path("metrics").path("caching").path(name).path("max_size").asLong();
            assertThat(recommendation.path("evidence").asText()).as("%s", recommendation)
                    .contains("cache " + name + ": hit rate ", " over " + requests + " requests");
            assertThat(recommendation.path("action").asText()).as("%s", recommendation)
                    .contains("raise maximumSize from " + max + " to ");
        }

        run.process().writeStdin("stop");
        JsonNode truth = run.truth().awaitFinished(FINISH);
        JsonNode after = awaitSampleAfter(run.vitals(), Instant.parse(truth.path("updated_at").asText()));
        CACHE_TRUTH_KEYS.forEach((name, key) -> {
            JsonNode cache = after.path("metrics").path("caching").path(name);
            JsonNode cacheTruth = truth.path("caches").path(key);
            String as = name + ": " + cache + " vs truth " + cacheTruth;
            assertThat(cacheTruth.path("gets").asLong()).as(as).isPositive();
            assertThat(cache.path("hits").asLong()).as(as).isEqualTo(cacheTruth.path("hits").asLong());
            assertThat(cache.path("misses").asLong()).as(as).isEqualTo(cacheTruth.path("misses").asLong());
            assertThat(cache.path("requests").asLong()).as(as).isEqualTo(cacheTruth.path("gets").asLong());
            assertThat(cache.path("load_success").asLong() + cache.path("load_failure").asLong()).as(as)
                    .isEqualTo(cacheTruth.path("loads").asLong());
            assertThat(cache.path("evictions").asLong()).as(as).isEqualTo(cacheTruth.path("evictions").asLong());
        });
    }

    @Test
    void slowQueriesDropTheSqlComponentAndNameTheSlowStatement() {
        Run run = runs.get(SLOW_QUERY_SCENARIO);
        JsonNode overview = awaitFilledWindow(run.vitals());

        // The slow statement: the one the agent's slow-query log holds most often (the report; on a
        // loaded machine a set-up statement may cross the threshold once too), and one the app ran
        // (its exact text normalized as the agent does).
        JsonNode slow = ok(run.vitals().get(SLOW_QUERIES));
        Map<String, Long> slowEntries = new TreeMap<>();
        slow.path("slow_queries").forEach(q -> slowEntries.merge(q.path("sql").asText(), 1L, Long::sum));
        assertThat(slowEntries).as("the slow-query log: %s", slow).isNotEmpty();
        String statement = Collections.max(slowEntries.entrySet(), Map.Entry.comparingByValue()).getKey();
        Set<String> ranByTheApp = new TreeSet<>();
        run.truth().read().path("statements").path("by_sql").fieldNames()
                .forEachRemaining(sql -> ranByTheApp.add(SqlNormalizer.normalize(sql)));
        assertThat(ranByTheApp).contains(statement);

        JsonNode sql = component(overview, "sql");
        assertThat(sql.path("status").asText()).as("%s", sql).isNotEqualTo("ok");
        assertThat(sql.path("sub_score").asDouble()).as("%s", sql).isLessThan(85);
        assertThat(texts(sql.path("reasons"))).as("sql reasons name the statement")
                .anyMatch(r -> r.startsWith("sql: most time in " + statement + ": "));
        JsonNode recommendation = recommendation(overview, "sql-slow", "sql");
        assertThat(recommendation.path("evidence").asText()).as("%s", recommendation).contains(statement);
        assertThat(recommendation.path("action").asText()).as("%s", recommendation).contains(statement);
    }

    @Test
    void badParametersAre400sNamingTheParameter() {
        Vitals vitals = runs.get(STEADY).vitals();
        Map<String, String> fieldByQuery = new LinkedHashMap<>();
        fieldByQuery.put(TIMESERIES + "?hours=0", "hours");
        fieldByQuery.put(TIMESERIES + "?hours=721", "hours");
        fieldByQuery.put(TIMESERIES + "?hours=abc", "hours");
        fieldByQuery.put(TIMESERIES + "?interval=2m", "interval");
        fieldByQuery.put(TIMESERIES + "?hours=1&interval=6h", "interval");
        fieldByQuery.put(OVERVIEW + "?include_details=yes", "include_details");
        List<String> problems = new ArrayList<>();
        fieldByQuery.forEach((query, field) -> {
            Response response = vitals.get(query);
            JsonNode body = response.status() == 400 ? response.json() : null;
            if (body == null || !"bad_parameter".equals(body.path("error").asText())
                    || !field.equals(body.path("field").asText()) || !body.path("message").asText().contains(field)
                    || !String.valueOf(response.header("Content-Type")).startsWith("application/json")) {
                problems.add(query + " expected 400 bad_parameter naming " + field + ", got " + response);
            }
        });
        assertThat(problems).isEmpty();

        // The edges of what is accepted.
        for (String query : List.of(TIMESERIES + "?hours=1", TIMESERIES + "?hours=720&interval=24h",
                TIMESERIES + "?hours=6&interval=6h", OVERVIEW + "?include_details=false")) {
            Response response = vitals.get(query);
            assertThat(response.status()).as("%s", response).isEqualTo(200);
        }
        assertThat(ok(vitals.get(OVERVIEW)).has("details")).as("details only when asked for").isFalse();
    }

    /**
     * Polls the overview (with details) until its score window is filled; fails with the last
     * answer. Before the first sample the overview answers 503, which is waited out too.
     */
    private static JsonNode awaitFilledWindow(Vitals vitals) {
        AtomicReference<Response> last = new AtomicReference<>();
        try {
            Awaitility.await("score window of " + vitals + " filled").atMost(WINDOW_FILLED)
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        Response response = vitals.get(DETAILS);
                        last.set(response);
                        return response.status() == 200 && response.json().path("details").path("score_breakdown")
                                .path("window_seconds").asDouble() >= FILLED_WINDOW_SECONDS;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("score window not filled within " + WINDOW_FILLED + "; last: " + last.get(), e);
        }
        return last.get().json();
    }

    /** Polls the overview until its sample was taken after {@code time}; returns that overview. */
    private static JsonNode awaitSampleAfter(Vitals vitals, Instant time) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Awaitility.await("a sample after " + time).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    last.set(ok(vitals.get(DETAILS)));
                    return Instant.parse(last.get().path("timestamp").asText()).isAfter(time);
                });
        return last.get();
    }

    private static JsonNode ok(Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json();
    }

    private static JsonNode component(JsonNode overview, String name) {
        for (JsonNode component : overview.path("details").path("score_breakdown").path("components")) {
            if (component.path("name").asText().equals(name)) {
                return component;
            }
        }
        throw new AssertionError("no component " + name + " in " + describe(overview));
    }

    private static List<JsonNode> recommendations(JsonNode overview) {
        return list(overview.path("details").path("performance_recommendations"));
    }

    private static JsonNode recommendation(JsonNode overview, String id, String resource) {
        return recommendations(overview).stream()
                .filter(r -> r.path("id").asText().equals(id) && r.path("resource").asText().equals(resource))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + id + " recommendation for " + resource + " in "
                        + describe(overview)));
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static List<String> texts(JsonNode array) {
        return list(array).stream().map(JsonNode::asText).toList();
    }

    /** Score, health, breakdown and recommendations: what a failure message needs. */
    private static String describe(JsonNode overview) {
        JsonNode details = overview.path("details");
        return "score " + overview.path("performance_score") + ", " + overview.path("system_health")
                + ", breakdown " + details.path("score_breakdown") + ", recommendations "
                + details.path("performance_recommendations");
    }
}
