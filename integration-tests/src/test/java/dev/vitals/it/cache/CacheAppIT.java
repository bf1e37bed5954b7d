package dev.vitals.it.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.LoadPath;
import dev.vitals.it.harness.Monitored;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every kind of Caffeine cache — application statistics or none, bounded and unbounded, loading
 * with failing loads, asynchronous, made by Spring's {@code CaffeineCacheManager} — on Caffeine
 * 3.x and 2.9, against the app's own counts and its caches' own {@code stats()}, exactly; names
 * from fields, lines, Spring and {@code caches.names}; a dropped cache leaving after a GC; and
 * caches built before an attach, counted exactly from the attach on.
 */
class CacheAppIT {

    private static final String TOKEN = "cache-app-it";
    private static final int ROUNDS = 2000;

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @Test
    void caffeine3AndSpringCachesAreCountedExactlyAndNamed() {
        Monitored monitored = start("caffeine3", CacheApp.Caffeine.V3, LoadPath.PREMAIN, "--spring");
        CacheApp app = new CacheApp(monitored.process());
        JsonNode own = app.run(ROUNDS);
        List<JsonNode> caches = CacheApi.caches(monitored.vitals());

        assertEveryKindExact(caches, own);
        for (String name : List.of("users", "orders")) {
            JsonNode cache = CacheApi.named(caches, name);
            assertExact(cache, own.path(name));
            assertThat(cache.path("framework").asText()).isEqualTo("spring");
            assertThat(cache.path("stats_source").asText()).isEqualTo("vitals");
            assertThat(cache.path("max_size").asLong()).isEqualTo(40);
            assertThat(own.path(name).path("stats_empty").asBoolean()).as("Spring's view of %s", name).isTrue();
        }

        // Dropped by the app: collectable, so it leaves the report after a GC.
        assertThat(CacheApi.find(caches, "Shop.droppable")).isPresent();
        app.drop();
        Awaitility.await("the dropped cache leaving the report").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    jvms.jcmd().gc(monitored.process().pid());
                    return CacheApi.find(CacheApi.caches(monitored.vitals()), "Shop.droppable").isEmpty();
                });
        assertThat(CacheApi.caches(monitored.vitals())).hasSize(caches.size() - 1);
    }

    @Test
    void caffeine2CachesAreCountedExactlyAndNamed() {
        Monitored monitored = start("caffeine2", CacheApp.Caffeine.V2, LoadPath.PREMAIN);
        assertThat(monitored.process().stdout()).contains("caffeine=caffeine-2.9.");
        CacheApp app = new CacheApp(monitored.process());
        JsonNode own = app.run(ROUNDS);

        assertEveryKindExact(CacheApi.caches(monitored.vitals()), own);
    }

    @ParameterizedTest
    @EnumSource(CacheApp.Caffeine.class)
    void cachesBuiltBeforeAnAttachAreFoundAndCountedExactlyFromThen(CacheApp.Caffeine caffeine) {
        JavaProcess process = jvms.java("attach-" + caffeine).classpath(caffeine.classpath()).mainClass(CacheApp.MAIN)
                .start();
        process.awaitStdout(CacheApp.READY, JavaProcess.STARTUP);
        CacheApp app = new CacheApp(process);
        JsonNode before = app.run(ROUNDS / 2);
        assertThat(before.path("plain").path("recording").asBoolean()).as("no agent yet").isFalse();

        Monitored monitored = new Monitored(process, jvms.cli().attach(process.pid(), options()));
        JsonNode after = app.run(ROUNDS / 2);
        List<JsonNode> caches = CacheApi.caches(monitored.vitals());

        // Its own statistics: the cache's whole life. Named where it is used, and so renamed by caches.names.
        JsonNode recorded = CacheApi.named(caches, "recorded-by-config");
        assertThat(recorded.path("site").asText()).isEqualTo("Shop.recorded");
        assertExact(recorded, after.path("recorded"));
        assertThat(recorded.path("stats_source").asText()).isEqualTo("application");
        assertThat(recorded.path("since_attach").asBoolean()).isTrue();

        // Counted by Vitals: every lookup since the attach, no more, no less.
        for (String field : List.of("plain", "loading", "async")) {
            JsonNode cache = CacheApi.named(caches, "Shop." + field);
            JsonNode now = after.path(field);
            JsonNode then = before.path(field);
            assertThat(cache.path("stats_source").asText()).as(field).isEqualTo("observed");
            assertThat(cache.path("since_attach").asBoolean()).as(field).isTrue();
            assertThat(cache.path("hits").asLong()).as("%s hits in %s", field, cache)
                    .isEqualTo(delta(now, then, "hits"));
            assertThat(cache.path("misses").asLong()).as("%s misses in %s", field, cache)
                    .isEqualTo(delta(now, then, "misses"));
        }
        JsonNode loading = CacheApi.named(caches, "Shop.loading");
        assertThat(loading.path("load_success").asLong() + loading.path("load_failure").asLong())
                .isEqualTo(delta(after.path("loading"), before.path("loading"), "loads"));
        assertThat(loading.path("load_failure").asLong())
                .isEqualTo(delta(after.path("loading"), before.path("loading"), "load_failures"));
        assertThat(loading.path("expire_after_access").asDouble()).isEqualTo(300.0);
        assertThat(CacheApi.named(caches, "Shop.async").path("kind").asText()).isEqualTo("bounded async");
        // The application still sees no statistics where it enabled none.
        assertThat(after.path("plain").path("stats_empty").asBoolean()).isTrue();
    }

    /** The caches both Caffeine lines have, built after the agent started. */
    private static void assertEveryKindExact(List<JsonNode> caches, JsonNode own) {
        JsonNode recorded = CacheApi.named(caches, "recorded-by-config");
        assertExact(recorded, own.path("recorded"));
        assertThat(recorded.path("evictions").asLong())
                .isEqualTo(own.path("recorded").path("stats").path("evictions").asLong())
                .isEqualTo(own.path("recorded").path("evictions").asLong());
        assertThat(recorded.path("stats_source").asText()).isEqualTo("application");
        assertThat(recorded.path("site").asText()).isEqualTo("Shop.recorded");
        assertThat(recorded.path("kind").asText()).isEqualTo("bounded");
        assertThat(recorded.path("max_size").asLong()).isEqualTo(50);

        JsonNode plain = CacheApi.named(caches, "Shop.plain");
        assertExact(plain, own.path("plain"));
        assertThat(plain.path("stats_source").asText()).isEqualTo("vitals");
        assertThat(plain.path("kind").asText()).isEqualTo("unbounded");
        assertThat(plain.path("max_size").isNull()).isTrue();
        assertThat(plain.path("expire_after_write").isNull()).isTrue();

        JsonNode loading = CacheApi.named(caches, "Shop.loading");
        assertExact(loading, own.path("loading"));
        assertThat(own.path("loading").path("load_failures").asLong()).as("the loader must fail").isPositive();
        assertThat(loading.path("evictions").asLong()).isEqualTo(own.path("loading").path("evictions").asLong());
        assertThat(loading.path("kind").asText()).isEqualTo("bounded loading");
        assertThat(loading.path("expire_after_access").asDouble()).isEqualTo(300.0);

        JsonNode async = CacheApi.named(caches, "Shop.async");
        assertExact(async, own.path("async"));
        assertThat(async.path("evictions").asLong()).isEqualTo(own.path("async").path("evictions").asLong());
        assertThat(async.path("kind").asText()).isEqualTo("bounded async loading");

        // caches.names gives both twins one name: made unique.
        JsonNode twin = CacheApi.named(caches, "twin");
        JsonNode twin2 = CacheApi.named(caches, "twin#2");
        assertThat(twin.path("site").asText()).isEqualTo("Shop.twinA");
        assertThat(twin2.path("site").asText()).isEqualTo("Shop.twinB");
        assertThat(twin.path("hits").asLong() + twin2.path("hits").asLong())
                .isEqualTo(own.path("twins").path("hits").asLong());
        assertThat(twin.path("misses").asLong() + twin2.path("misses").asLong())
                .isEqualTo(own.path("twins").path("misses").asLong());

        // A builder that built once, then had recordStats() called (the agent had filled its slot
        // for the first build): the application's call works, and each cache gets what it asked for.
        JsonNode reused = CacheApi.named(caches, "Shop.reusedSecond");
        assertExact(reused, own.path("reused"));
        assertThat(reused.path("stats_source").asText()).isEqualTo("application");
        assertThat(CacheApi.named(caches, "Shop.reusedFirst").path("stats_source").asText()).isEqualTo("vitals");
        assertThat(own.path("reused_first_stats_empty").asBoolean()).isTrue();

        // No field holds it: named by its line.
        assertThat(caches).filteredOn(c -> c.path("name").asText().matches("Shop:\\d+")).hasSize(1);

        // The application's own view: its statistics where it enabled them, none elsewhere.
        assertThat(own.path("recorded").path("stats_empty").asBoolean()).isFalse();
        for (String name : List.of("plain", "loading", "async", "twins")) {
            assertThat(own.path(name).path("stats_empty").asBoolean()).as("%s's stats()", name).isTrue();
        }
        assertThat(caches).allSatisfy(cache -> assertThat(cache.path("since_attach").asBoolean()).isFalse());
    }

    private static void assertExact(JsonNode reported, JsonNode own) {
        assertThat(own.path("gets").asLong()).as("the app must look up").isPositive();
        CacheApi.assertCountsEqual(reported, own.path("gets").asLong(), own.path("hits").asLong(),
                own.path("misses").asLong(), own.path("loads").asLong(), own.path("load_failures").asLong());
        if (own.path("recording").asBoolean() && !own.path("stats_empty").asBoolean()) {
            JsonNode stats = own.path("stats");
            assertThat(reported.path("hits").asLong()).isEqualTo(stats.path("hits").asLong());
            assertThat(reported.path("misses").asLong()).isEqualTo(stats.path("misses").asLong());
        }
    }

    private static long delta(JsonNode now, JsonNode then, String field) {
        return now.path(field).asLong() - then.path(field).asLong();
    }

    private static Monitored start(String name, CacheApp.Caffeine caffeine, LoadPath loadPath, String... args) {
        JavaProcess.Builder app = jvms.java(name).classpath(caffeine.classpath()).mainClass(CacheApp.MAIN).args(args);
        Monitored monitored = jvms.startMonitored(loadPath, app, CacheApp.READY, options());
        monitored.process().awaitStdout(CacheApp.READY, JavaProcess.STARTUP);
        return monitored;
    }

    private static AgentOptions options() {
        return AgentOptions.of("port", "0", "token", TOKEN, "state.dir", jvms.newDir("state").toString(),
                "caches.names", "Shop.recorded=recorded-by-config;Shop.twinA=twin;Shop.twinB=twin");
    }
}
