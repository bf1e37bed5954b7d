package dev.vitals.it.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.agent.jdbc.SqlNormalizer;
import dev.vitals.it.harness.Response;
import dev.vitals.it.harness.Vitals;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads the agent's SQL endpoints, and the sample app's ground truth in the agent's terms. */
final class QueryApi {

    static final String QUERIES = "/api/v1/performance/queries";
    static final String SLOW_QUERIES = "/api/v1/performance/slow-queries";
    static final String DATA_SOURCES = "/api/v1/performance/data-sources";

    private QueryApi() {
    }

    /** Every statement entry (the API's maximum page, which must hold them all). */
    static List<JsonNode> queries(Vitals vitals) {
        Response response = vitals.get(QUERIES + "?limit=1000&sort=calls");
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        JsonNode body = response.json();
        List<JsonNode> entries = new ArrayList<>();
        body.path("queries").forEach(entries::add);
        assertThat(entries).as("every entry fits in one page: %s", body.path("total_statements"))
                .hasSize(body.path("total_statements").asInt());
        return entries;
    }

    /** Calls per SQL text, summed over data sources. */
    static Map<String, Long> callsBySql(List<JsonNode> entries) {
        Map<String, Long> calls = new TreeMap<>();
        for (JsonNode entry : entries) {
            calls.merge(entry.path("sql").asText(), entry.path("calls").asLong(), Long::sum);
        }
        return calls;
    }

    static long sum(List<JsonNode> entries, String field) {
        return entries.stream().mapToLong(e -> e.path(field).asLong()).sum();
    }

    /** The one entry for {@code sql} on {@code dataSource}. */
    static JsonNode entry(List<JsonNode> entries, String sql, String dataSource) {
        List<JsonNode> found = entries.stream()
                .filter(e -> e.path("sql").asText().equals(sql) && e.path("data_source").asText().equals(dataSource))
                .toList();
        assertThat(found).as("entries for %s on %s in %s", sql, dataSource, entries).hasSize(1);
        return found.get(0);
    }

    /** The truth's {@code by_sql}, its exact texts normalized as the agent does, counts summed per key. */
    static Map<String, Long> truthBySql(JsonNode truth) {
        Map<String, Long> calls = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = truth.path("statements").path("by_sql").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            calls.merge(SqlNormalizer.normalize(field.getKey()), field.getValue().asLong(), Long::sum);
        }
        return calls;
    }
}
