package dev.vitals.it.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.Response;
import dev.vitals.it.harness.Vitals;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code GET /api/v1/performance/caches} as the cache tests read it. */
final class CacheApi {

    static final String CACHES = "/api/v1/performance/caches";

    private CacheApi() {
    }

    /** Every cache the agent reports now. */
    static List<JsonNode> caches(Vitals vitals) {
        Response response = vitals.get(CACHES);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        List<JsonNode> caches = new ArrayList<>();
        response.json().path("caches").forEach(caches::add);
        return caches;
    }

    /** The cache of this name, if reported. */
    static Optional<JsonNode> find(List<JsonNode> caches, String name) {
        return caches.stream().filter(c -> c.path("name").asText().equals(name)).findFirst();
    }

    /** The cache of this name; fails listing the names reported. */
    static JsonNode named(List<JsonNode> caches, String name) {
        return find(caches, name).orElseThrow(() -> new AssertionError("no cache named " + name + " among "
                + caches.stream().map(c -> c.path("name").asText()).toList()));
    }

    /** Asserts the agent's lookup and load counts equal the application's own (see the apps' truth). */
    static void assertCountsEqual(JsonNode reported, long gets, long hits, long misses, long loads, long loadFailures) {
        String name = reported.path("name").asText();
        assertThat(reported.path("hits").asLong()).as("%s hits in %s", name, reported).isEqualTo(hits);
        assertThat(reported.path("misses").asLong()).as("%s misses in %s", name, reported).isEqualTo(misses);
        assertThat(reported.path("requests").asLong()).as("%s requests", name).isEqualTo(gets);
        assertThat(reported.path("load_success").asLong() + reported.path("load_failure").asLong())
                .as("%s loads in %s", name, reported).isEqualTo(loads);
        assertThat(reported.path("load_failure").asLong()).as("%s load failures", name).isEqualTo(loadFailures);
        if (gets > 0) {
            assertThat(reported.path("hit_rate").asDouble()).as("%s hit rate", name).isEqualTo((double) hits / gets);
        } else {
            assertThat(reported.path("hit_rate").isNull()).as("%s hit rate before any request", name).isTrue();
        }
    }
}
