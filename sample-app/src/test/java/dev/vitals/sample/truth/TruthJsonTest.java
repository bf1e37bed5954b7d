package dev.vitals.sample.truth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TruthJsonTest {

    @Test
    void rendersTheWholeSchema() {
        Map<String, Long> bySql = new TreeMap<>(Map.of("SELECT 1", 3L, "SELECT price_cents FROM products WHERE id = ?", 4L));
        TruthSnapshot t = new TruthSnapshot("steady", Phase.RUNNING, Instant.parse("2025-01-02T03:04:05.123Z"), 42,
                "h2",
                List.of(new TruthSnapshot.Named<>("orders-pool", new TruthSnapshot.PoolCounts(10, 2, 1, 5000, 600, 3))),
                new TruthSnapshot.StatementCounts(7, 1, 0, 1000, bySql),
                List.of(new TruthSnapshot.Named<>("customers",
                                new TruthSnapshot.CacheCounts(5, 4, 1, 0, 0, 0, 1000, true)),
                        new TruthSnapshot.Named<>("prices",
                                new TruthSnapshot.CacheCounts(6, 3, 3, 3, 1, 2, 500, false))),
                new TruthSnapshot.WorkloadCounts(4, 11, 2));

        assertEquals("{\"scenario\":\"steady\",\"running\":true,\"finished\":false,"
                + "\"updated_at\":\"2025-01-02T03:04:05.123Z\",\"pid\":42,\"database\":\"h2\","
                + "\"pools\":{\"orders-pool\":{\"borrows\":10,\"borrow_timeouts\":2,\"borrow_errors\":1,"
                + "\"borrow_wait_nanos_total\":5000,\"timeout_wait_nanos_total\":600,\"max_pool_size\":3}},"
                + "\"statements\":{\"executed\":7,\"errors\":1,\"slow\":0,\"slow_threshold_millis\":1000,"
                + "\"by_sql\":{\"SELECT 1\":3,\"SELECT price_cents FROM products WHERE id = ?\":4}},"
                + "\"caches\":{\"customers\":{\"gets\":5,\"hits\":4,\"misses\":1,\"loads\":0,\"load_failures\":0,"
                + "\"evictions\":0,\"maximum_size\":1000,\"records_stats\":true},"
                + "\"prices\":{\"gets\":6,\"hits\":3,\"misses\":3,\"loads\":3,\"load_failures\":1,"
                + "\"evictions\":2,\"maximum_size\":500,\"records_stats\":false}},"
                + "\"workload\":{\"threads\":4,\"operations\":11,\"failures\":2}}", TruthJson.render(t));
    }

    @Test
    void finishedRunIsNotRunning() {
        TruthSnapshot t = new TruthSnapshot("cache-thrash", Phase.FINISHED, Instant.EPOCH, 1, "postgresql", List.of(),
                new TruthSnapshot.StatementCounts(0, 0, 0, 1000, Map.of()), List.of(),
                new TruthSnapshot.WorkloadCounts(1, 0, 0));
        String json = TruthJson.render(t);
        assertEquals(true, json.startsWith("{\"scenario\":\"cache-thrash\",\"running\":false,\"finished\":true,"
                + "\"updated_at\":\"1970-01-01T00:00:00Z\""), json);
        assertEquals(true, json.contains("\"pools\":{},\"statements\":{\"executed\":0,\"errors\":0,\"slow\":0,"
                + "\"slow_threshold_millis\":1000,\"by_sql\":{}},\"caches\":{},"), json);
    }

    @Test
    void escapesStringsPerRfc8259() {
        assertEquals("\"SELECT 'a' AS \\\"q\\\" \\\\ x\\n\\t\\u0001\"", TruthJson.string("SELECT 'a' AS \"q\" \\ x\n\t\u0001"));
        assertEquals("\"é€\"", TruthJson.string("é€"));
    }
}
