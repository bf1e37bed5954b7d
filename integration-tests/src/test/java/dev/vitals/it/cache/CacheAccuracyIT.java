package dev.vitals.it.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.LoadPath;
import dev.vitals.it.harness.Monitored;
import dev.vitals.it.harness.SampleTruth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sample app's two caches as Vitals reports them, against what the app counted itself after
 * a quiesced run: {@code CustomerService.customers} records its own statistics (Vitals reads
 * them), {@code PriceService.prices} does not (Vitals enables Caffeine's statistics for itself).
 * By {@code -javaagent} every count is exact; by attach, both caches — built before the agent —
 * are found on their next lookup.
 */
class CacheAccuracyIT {

    private static final String TOKEN = "cache-accuracy-it";
    private static final Duration FINISH = Duration.ofSeconds(60);
    private static final String CUSTOMERS = "CustomerService.customers";
    private static final String PRICES = "PriceService.prices";

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @Test
    void premainCountsEqualTheTruthExactlyAndCacheThrashReallyThrashes() {
        Path truthFile = jvms.newDir("truth").resolve("truth.json");
        Monitored app = jvms.startMonitored(LoadPath.PREMAIN, sampleApp("thrash-premain", truthFile, "4s"), null,
                options());
        JsonNode truth = new SampleTruth(truthFile).awaitFinished(FINISH).path("caches");
        List<JsonNode> caches = CacheApi.caches(app.vitals());

        assertThat(caches).extracting(c -> c.path("name").asText()).containsExactly(CUSTOMERS, PRICES);
        JsonNode customers = CacheApi.named(caches, CUSTOMERS);
        JsonNode customersTruth = truth.path("customers");
        assertThat(customersTruth.path("records_stats").asBoolean()).isTrue();
        assertExact(customers, customersTruth);
        assertThat(customers.path("stats_source").asText()).isEqualTo("application");
        assertThat(customers.path("kind").asText()).isEqualTo("bounded");
        assertThat(customers.path("max_size").asLong()).isEqualTo(customersTruth.path("maximum_size").asLong());
        assertThat(customers.path("since_attach").asBoolean()).isFalse();

        JsonNode prices = CacheApi.named(caches, PRICES);
        JsonNode pricesTruth = truth.path("prices");
        assertThat(pricesTruth.path("records_stats").asBoolean()).isFalse();
        assertExact(prices, pricesTruth);
        assertThat(prices.path("stats_source").asText()).isEqualTo("vitals");
        assertThat(prices.path("kind").asText()).isEqualTo("bounded loading");
        assertThat(prices.path("max_size").asLong()).isEqualTo(pricesTruth.path("maximum_size").asLong());
        assertThat(prices.path("expire_after_write").asDouble()).isEqualTo(60.0);
        assertThat(prices.path("avg_load_time").asDouble()).isPositive();

        // cache-thrash: uniform keys over 5x and 4x the caches, so most lookups miss and evict.
        for (JsonNode cache : caches) {
            assertThat(cache.path("hit_rate").asDouble()).as("%s", cache).isLessThan(0.35);
            assertThat(cache.path("evictions").asLong()).as("%s", cache)
                    .isGreaterThan(cache.path("misses").asLong() / 2);
            assertThat(cache.path("size").asLong()).isEqualTo(cache.path("max_size").asLong());
        }
    }

    @Test
    void attachFindsTheCachesBuiltBeforeItOnTheirNextLookup() {
        Path truthFile = jvms.newDir("truth").resolve("truth.json");
        Monitored app = jvms.startMonitored(LoadPath.ATTACH, sampleApp("thrash-attach", truthFile, null),
                "^sample-app ready ", options());
        Awaitility.await("both caches found in use").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> CacheApi.caches(app.vitals()).size() == 2);
        app.process().writeStdin("stop");
        JsonNode truth = new SampleTruth(truthFile).awaitFinished(FINISH).path("caches");
        List<JsonNode> caches = CacheApi.caches(app.vitals());

        // Its own statistics cover the cache's whole life: exact even by attach.
        JsonNode customers = CacheApi.named(caches, CUSTOMERS);
        assertExact(customers, truth.path("customers"));
        assertThat(customers.path("stats_source").asText()).isEqualTo("application");
        assertThat(customers.path("since_attach").asBoolean()).isTrue();
        assertThat(customers.path("max_size").asLong()).isEqualTo(1000);

        // Counted by Vitals from the first lookup it saw: part of the app's lookups.
        JsonNode prices = CacheApi.named(caches, PRICES);
        JsonNode pricesTruth = truth.path("prices");
        assertThat(prices.path("stats_source").asText()).isEqualTo("observed");
        assertThat(prices.path("since_attach").asBoolean()).isTrue();
        assertThat(prices.path("requests").asLong()).isPositive()
                .isLessThanOrEqualTo(pricesTruth.path("gets").asLong());
        assertThat(prices.path("hits").asLong()).isLessThanOrEqualTo(pricesTruth.path("hits").asLong());
        assertThat(prices.path("misses").asLong()).isLessThanOrEqualTo(pricesTruth.path("misses").asLong())
                .isEqualTo(prices.path("load_success").asLong() + prices.path("load_failure").asLong());
        assertThat(prices.path("max_size").asLong()).isEqualTo(500);
        assertThat(prices.path("expire_after_write").asDouble()).isEqualTo(60.0);
    }

    private static void assertExact(JsonNode reported, JsonNode truth) {
        assertThat(truth.path("gets").asLong()).as("the scenario must look up").isPositive();
        CacheApi.assertCountsEqual(reported, truth.path("gets").asLong(), truth.path("hits").asLong(),
                truth.path("misses").asLong(), truth.path("loads").asLong(), truth.path("load_failures").asLong());
        assertThat(reported.path("evictions").asLong()).as("evictions of %s", reported)
                .isEqualTo(truth.path("evictions").asLong());
    }

    private static AgentOptions options() {
        return AgentOptions.of("port", "0", "token", TOKEN, "state.dir", jvms.newDir("state").toString());
    }

    private static JavaProcess.Builder sampleApp(String name, Path truthFile, String duration) {
        JavaProcess.Builder builder = jvms.java(name).jar(Artifacts.sampleJar());
        List<String> args = new java.util.ArrayList<>(List.of("--scenario", "cache-thrash", "--truth-file",
                truthFile.toString(), "--truth-interval", "200ms"));
        if (duration != null) {
            args.addAll(List.of("--duration", duration));
        }
        return builder.args(args);
    }
}
