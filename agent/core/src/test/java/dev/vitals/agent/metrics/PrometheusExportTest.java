package dev.vitals.agent.metrics;

import static dev.vitals.agent.metrics.SamplesForTest.cache;
import static dev.vitals.agent.metrics.SamplesForTest.empty;
import static dev.vitals.agent.metrics.SamplesForTest.idlePool;
import static dev.vitals.agent.metrics.SamplesForTest.noScore;
import static dev.vitals.agent.metrics.SamplesForTest.pool;
import static dev.vitals.agent.metrics.SamplesForTest.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.agent.sampling.SqlTotals;
import dev.vitals.agent.sampling.SqlTotals.StatementTotals;
import dev.vitals.agent.score.HealthScore;
import dev.vitals.agent.snapshot.CacheSnapshot;
import dev.vitals.agent.snapshot.PoolSnapshot;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PrometheusExportTest {

    private static final HealthScore DEGRADED = new HealthScore(78.5, HealthScore.DEGRADED, List.of(
            new HealthScore.Component("pools", 0.3, 62.0, HealthScore.CRITICAL, List.of("starving")),
            new HealthScore.Component("caches", 0.2, 95.5, HealthScore.OK, List.of()),
            new HealthScore.Component("sql", 0.3, null, HealthScore.NO_DATA, List.of()),
            new HealthScore.Component("availability", 0.2, 100.0, HealthScore.OK, List.of())), List.of());

    private static final SqlTotals SQL = new SqlTotals(1000, 5, 12.5, 7, 2, List.of(
            new StatementTotals("orders", "SELECT * FROM orders WHERE id = ?", "statement", 900, 4, 10.0),
            new StatementTotals("orders", "(statements past sql.max_statements)", "other", 100, 1, 2.5)));

    @Test
    void beforeTheFirstSampleThereIsNothingToScrape() {
        assertThat(new PrometheusExport("shop").scrape()).isEmpty();
    }

    @Test
    void everySeriesOfASampleWithItsNameLabelsAndValue() {
        PrometheusExport export = new PrometheusExport("shop");
        export.accept(sample(3, List.of(pool("orders")), List.of(cache("products")), SQL, DEGRADED));

        assertThat(values(export.scrape())).containsExactly(
                "vitals_cache_eviction_weight_total{app=\"shop\",cache=\"products\"} 4.0",
                "vitals_cache_evictions_total{app=\"shop\",cache=\"products\"} 4.0",
                "vitals_cache_hit_ratio{app=\"shop\",cache=\"products\"} 0.9",
                "vitals_cache_load_total{app=\"shop\",cache=\"products\",result=\"failure\"} 2.0",
                "vitals_cache_load_total{app=\"shop\",cache=\"products\",result=\"success\"} 8.0",
                "vitals_cache_load_avg_seconds{app=\"shop\",cache=\"products\"} 0.002",
                "vitals_cache_max_size{app=\"shop\",cache=\"products\"} 100.0",
                "vitals_cache_requests_total{app=\"shop\",cache=\"products\",result=\"hit\"} 90.0",
                "vitals_cache_requests_total{app=\"shop\",cache=\"products\",result=\"miss\"} 10.0",
                "vitals_cache_size{app=\"shop\",cache=\"products\"} 96.0",
                "vitals_component_score{app=\"shop\",component=\"availability\"} 100.0",
                "vitals_component_score{app=\"shop\",component=\"caches\"} 95.5",
                "vitals_component_score{app=\"shop\",component=\"pools\"} 62.0",
                "vitals_performance_score{app=\"shop\"} 78.5",
                "vitals_pool_acquire_total{app=\"shop\",pool=\"orders\"} 120.0",
                "vitals_pool_acquire_timeouts_total{app=\"shop\",pool=\"orders\"} 3.0",
                "vitals_pool_acquire_wait_avg_seconds{app=\"shop\",pool=\"orders\"} 0.004",
                "vitals_pool_acquire_wait_max_seconds{app=\"shop\",pool=\"orders\"} 0.04",
                "vitals_pool_acquire_wait_seconds{app=\"shop\",pool=\"orders\",quantile=\"0.5\"} 0.001",
                "vitals_pool_acquire_wait_seconds{app=\"shop\",pool=\"orders\",quantile=\"0.95\"} 0.02",
                "vitals_pool_acquire_wait_seconds{app=\"shop\",pool=\"orders\",quantile=\"0.99\"} 0.03",
                "vitals_pool_connections{app=\"shop\",pool=\"orders\",state=\"active\"} 5.0",
                "vitals_pool_connections{app=\"shop\",pool=\"orders\",state=\"idle\"} 3.0",
                "vitals_pool_connections_max{app=\"shop\",pool=\"orders\"} 10.0",
                "vitals_pool_connections_min_idle{app=\"shop\",pool=\"orders\"} 2.0",
                "vitals_pool_connections_open{app=\"shop\",pool=\"orders\"} 8.0",
                "vitals_pool_connections_opened_total{app=\"shop\",pool=\"orders\"} 9.0",
                "vitals_pool_pending_threads{app=\"shop\",pool=\"orders\"} 1.0",
                "vitals_pool_usage_avg_seconds{app=\"shop\",pool=\"orders\"} 0.05",
                "vitals_pool_usage_seconds{app=\"shop\",pool=\"orders\",quantile=\"0.99\"} 0.25",
                "vitals_sample_duration_seconds{app=\"shop\"} 0.0015",
                // 2026-03-01T12:00:20.250Z
                "vitals_sample_timestamp_seconds{app=\"shop\"} 1.77236642025E9",
                "vitals_samples_total{app=\"shop\"} 3.0",
                "vitals_sql_calls_total{app=\"shop\"} 1000.0",
                "vitals_sql_errors_total{app=\"shop\"} 5.0",
                "vitals_sql_seconds_total{app=\"shop\"} 12.5",
                "vitals_sql_slow_queries_total{app=\"shop\"} 2.0",
                "vitals_sql_statement_calls_total{app=\"shop\",data_source=\"orders\",statement=\"(statements past sql.max_statements)\"} 100.0",
                "vitals_sql_statement_calls_total{app=\"shop\",data_source=\"orders\",statement=\"SELECT * FROM orders WHERE id = ?\"} 900.0",
                "vitals_sql_statement_errors_total{app=\"shop\",data_source=\"orders\",statement=\"(statements past sql.max_statements)\"} 1.0",
                "vitals_sql_statement_errors_total{app=\"shop\",data_source=\"orders\",statement=\"SELECT * FROM orders WHERE id = ?\"} 4.0",
                "vitals_sql_statement_seconds_total{app=\"shop\",data_source=\"orders\",statement=\"(statements past sql.max_statements)\"} 2.5",
                "vitals_sql_statement_seconds_total{app=\"shop\",data_source=\"orders\",statement=\"SELECT * FROM orders WHERE id = ?\"} 10.0",
                "vitals_sql_statements{app=\"shop\"} 7.0",
                "vitals_system_health{app=\"shop\"} 0.5");
    }

    @Test
    void samplesBeforeTheFirstScrapeShowAsTheNewestOfThemThenEveryLaterOneCounts() {
        PrometheusExport export = new PrometheusExport("shop");
        export.accept(sample(2, List.of(pool("orders")), List.of(), SQL, DEGRADED));
        export.accept(sample(3, List.of(pool("orders"), pool("billing")), List.of(), SQL, DEGRADED));
        export.accept(sample(1, List.of(pool("stale")), List.of(), SQL, DEGRADED)); // late on-demand sample

        assertThat(values(export.scrape())).filteredOn(line -> line.startsWith("vitals_pool_acquire_total"))
                .containsExactly("vitals_pool_acquire_total{app=\"shop\",pool=\"billing\"} 120.0",
                        "vitals_pool_acquire_total{app=\"shop\",pool=\"orders\"} 120.0");

        export.accept(sample(4, List.of(pool("billing")), List.of(), SQL, DEGRADED));
        assertThat(values(export.scrape())).filteredOn(line -> line.startsWith("vitals_pool_acquire_total"))
                .containsExactly("vitals_pool_acquire_total{app=\"shop\",pool=\"billing\"} 120.0");
    }

    @Test
    void theExpositionIsMadeOncePerSample() {
        PrometheusExport export = new PrometheusExport("shop");
        export.accept(sample(1, List.of(pool("orders")), List.of(), SQL, DEGRADED));
        byte[] first = export.exposition();

        assertThat(export.exposition()).isSameAs(first);
        assertThat(export.scrape()).isEqualTo(new String(first, java.nio.charset.StandardCharsets.UTF_8));
        export.accept(sample(1, List.of(pool("billing")), List.of(), SQL, DEGRADED)); // not newer: ignored
        assertThat(export.exposition()).isSameAs(first);
        export.accept(sample(2, List.of(pool("billing")), List.of(), SQL, DEGRADED));
        assertThat(export.exposition()).isNotSameAs(first);
        assertThat(export.scrape()).contains("pool=\"billing\"").doesNotContain("pool=\"orders\"");
    }

    @Test
    void eachFamilyHasItsTypeAndHelp() {
        PrometheusExport export = new PrometheusExport("shop");
        export.accept(sample(1, List.of(pool("orders")), List.of(cache("products")), SQL, DEGRADED));
        String text = export.scrape();

        assertThat(text).contains(
                "# HELP vitals_pool_acquire_total Borrows that got a connection, since Vitals first saw the pool\n"
                        + "# TYPE vitals_pool_acquire_total counter\n",
                "# TYPE vitals_pool_connections gauge\n",
                "# TYPE vitals_pool_acquire_wait_seconds gauge\n",
                "# TYPE vitals_cache_requests_total counter\n",
                "# TYPE vitals_sql_seconds_total counter\n",
                "# HELP vitals_system_health System health: healthy 1, degraded 0.5, critical 0\n"
                        + "# TYPE vitals_system_health gauge\n");
        // Every family has exactly one HELP and one TYPE line.
        List<String> families = text.lines().filter(line -> line.startsWith("# TYPE ")).toList();
        assertThat(families).hasSize(35).doesNotHaveDuplicates();
        assertThat(text.lines().filter(line -> line.startsWith("# HELP "))).hasSize(35);
    }

    @Test
    void figuresAPoolOrCacheDoesNotHaveYetAreAbsentNotNaNOrZero() {
        CacheSnapshot unboundedUnused = new CacheSnapshot("names", "unbounded", "vitals", 0, 0, 0, null, 0, 0, null,
                0, 0, 0, null, false, null, null, null, "Shop.names", "2026-03-01T11:00:00Z", false);
        CacheSnapshot withoutStats = new CacheSnapshot("seen", "bounded", "none", 0, 0, 0, null, 0, 0, null, 0, 0, 12,
                50L, false, null, null, null, "Shop:42", "2026-03-01T11:00:00Z", true);
        PrometheusExport export = new PrometheusExport("shop");
        export.accept(sample(1, List.of(idlePool("idle")), List.of(unboundedUnused, withoutStats), SqlTotals.NONE,
                noScore()));

        List<String> values = values(export.scrape());
        assertThat(values).filteredOn(line -> line.contains("pool=\"idle\""))
                .extracting(PrometheusExportTest::name)
                .containsExactly("vitals_pool_acquire_total", "vitals_pool_acquire_timeouts_total",
                        "vitals_pool_connections", "vitals_pool_connections", "vitals_pool_connections_max",
                        "vitals_pool_connections_min_idle", "vitals_pool_connections_open",
                        "vitals_pool_connections_opened_total", "vitals_pool_pending_threads");
        assertThat(values).filteredOn(line -> line.contains("cache=\"names\""))
                .extracting(PrometheusExportTest::name)
                .containsExactly("vitals_cache_eviction_weight_total", "vitals_cache_evictions_total",
                        "vitals_cache_load_total", "vitals_cache_load_total", "vitals_cache_requests_total",
                        "vitals_cache_requests_total", "vitals_cache_size");
        assertThat(values).as("no statistics: no counts, which would all be a meaningless 0")
                .filteredOn(line -> line.contains("cache=\"seen\""))
                .containsExactly("vitals_cache_max_size{app=\"shop\",cache=\"seen\"} 50.0",
                        "vitals_cache_size{app=\"shop\",cache=\"seen\"} 12.0");
        assertThat(values).as("no component with data: no score, no component scores")
                .noneMatch(line -> line.startsWith("vitals_performance_score") || line.startsWith("vitals_component"))
                .contains("vitals_system_health{app=\"shop\"} 1.0");
        assertThat(values).noneMatch(line -> line.contains("NaN") || line.contains("statement="));
    }

    @Test
    void seriesFollowTheLatestSampleAndThoseOfGonePoolsAndCachesAreRemoved() {
        PrometheusExport export = new PrometheusExport("shop");
        export.accept(sample(1, List.of(pool("orders"), pool("reports")), List.of(cache("products")), SQL, DEGRADED));
        assertThat(export.scrape()).contains("pool=\"reports\"", "cache=\"products\"", "statement=",
                "vitals_performance_score");

        PoolSnapshot busier = new PoolSnapshot("orders", "active", 10, 10, 2, 10, 0, 4, 11, 500, 0.1, 0.05, 0.2, 0.3,
                0.4, 0.05, 0.25, 9, 0.98, 30.0, null, "2026-03-01T11:00:00Z", false);
        export.accept(sample(2, List.of(busier), List.of(), SqlTotals.NONE, noScore()));

        String text = export.scrape();
        assertThat(text).doesNotContain("reports", "products", "statement=", "vitals_performance_score",
                "vitals_component_score", "# TYPE vitals_cache");
        assertThat(values(text)).contains(
                "vitals_pool_acquire_total{app=\"shop\",pool=\"orders\"} 500.0",
                "vitals_pool_acquire_timeouts_total{app=\"shop\",pool=\"orders\"} 9.0",
                "vitals_pool_connections{app=\"shop\",pool=\"orders\",state=\"active\"} 10.0",
                "vitals_pool_pending_threads{app=\"shop\",pool=\"orders\"} 4.0",
                "vitals_samples_total{app=\"shop\"} 2.0",
                "vitals_sql_calls_total{app=\"shop\"} 0.0");

        export.accept(sample(3, List.of(pool("orders"), pool("reports")), List.of(), SqlTotals.NONE, noScore()));
        assertThat(values(export.scrape())).contains(
                "vitals_pool_acquire_total{app=\"shop\",pool=\"reports\"} 120.0",
                "vitals_pool_acquire_total{app=\"shop\",pool=\"orders\"} 120.0");
    }

    @Test
    void aSampleOlderThanTheOneShownIsIgnored() {
        PrometheusExport export = new PrometheusExport("shop");
        export.accept(sample(5, List.of(pool("orders")), List.of(), SqlTotals.NONE, noScore()));
        export.accept(sample(4, List.of(pool("reports")), List.of(), SqlTotals.NONE, noScore()));
        export.accept(sample(5, List.of(), List.of(), SqlTotals.NONE, noScore()));

        assertThat(export.scrape()).contains("pool=\"orders\"", "vitals_samples_total{app=\"shop\"} 5.0")
                .doesNotContain("reports");
    }

    @Test
    void labelValuesAreEscaped() {
        String sql = "SELECT \"name\" FROM t\nWHERE path = 'C:\\tmp' AND note = '\u00e9t\u00e9 \u2603'";
        PrometheusExport export = new PrometheusExport("shop");
        export.accept(sample(1, List.of(pool("pool \"a\"\\b\nc")), List.of(),
                new SqlTotals(3, 0, 0.5, 1, 0, List.of(new StatementTotals("h2:mem:x", sql, "statement", 3, 0, 0.5))),
                noScore()));

        assertThat(values(export.scrape())).contains(
                "vitals_sql_statement_calls_total{app=\"shop\",data_source=\"h2:mem:x\",statement=\"SELECT \\\"name\\\" "
                        + "FROM t\\nWHERE path = 'C:\\\\tmp' AND note = '\u00e9t\u00e9 \u2603'\"} 3.0",
                "vitals_pool_acquire_total{app=\"shop\",pool=\"pool \\\"a\\\"\\\\b\\nc\"} 120.0");
    }

    @Test
    void longStatementsAreCutTo200CharsEndingInAnEllipsisAndThoseThatThenAgreeAreAdded() {
        String common = "SELECT " + "a, ".repeat(80);
        String first = common + "b FROM t1";
        String second = common + "c FROM t2";
        PrometheusExport export = new PrometheusExport("shop");
        export.accept(sample(1, List.of(), List.of(), new SqlTotals(5, 1, 1.5, 2, 0, List.of(
                new StatementTotals("db", first, "statement", 3, 1, 1.0),
                new StatementTotals("db", second, "statement", 2, 0, 0.5))), noScore()));

        String label = common.substring(0, 199) + "\u2026";
        assertThat(label).hasSize(200);
        assertThat(values(export.scrape())).filteredOn(line -> line.startsWith("vitals_sql_statement_")).containsExactly(
                "vitals_sql_statement_calls_total{app=\"shop\",data_source=\"db\",statement=\"" + label + "\"} 5.0",
                "vitals_sql_statement_errors_total{app=\"shop\",data_source=\"db\",statement=\"" + label + "\"} 1.0",
                "vitals_sql_statement_seconds_total{app=\"shop\",data_source=\"db\",statement=\"" + label + "\"} 1.5");
    }

    @Test
    void statementLabelKeepsShortTextAndNeverSplitsASurrogatePair() {
        assertThat(PrometheusExport.statementLabel("SELECT 1")).isEqualTo("SELECT 1");
        String exactly200 = "x".repeat(200);
        assertThat(PrometheusExport.statementLabel(exactly200)).isSameAs(exactly200);
        assertThat(PrometheusExport.statementLabel("x".repeat(201))).isEqualTo("x".repeat(199) + "\u2026");
        // A snowman-with-snow (U+1F328, two chars) straddling the cut is dropped whole.
        String straddling = "x".repeat(198) + "\uD83C\uDF28" + "tail";
        assertThat(PrometheusExport.statementLabel(straddling)).isEqualTo("x".repeat(198) + "\u2026");
    }

    @Test
    void twoExportsShareNothing() {
        PrometheusExport shop = new PrometheusExport("shop");
        PrometheusExport billing = new PrometheusExport("billing");
        shop.accept(sample(1, List.of(pool("orders")), List.of(), SqlTotals.NONE, noScore()));
        billing.accept(sample(7, List.of(pool("invoices")), List.of(cache("rates")), SqlTotals.NONE, noScore()));

        String shopText = shop.scrape();
        String billingText = billing.scrape();
        assertThat(shopText).contains("pool=\"orders\"", "vitals_samples_total{app=\"shop\"} 1.0")
                .doesNotContain("invoices", "rates", "billing");
        assertThat(billingText).contains("pool=\"invoices\"", "cache=\"rates\"",
                "vitals_samples_total{app=\"billing\"} 7.0").doesNotContain("orders", "app=\"shop\"");

        shop.accept(empty(2));
        assertThat(shop.scrape()).doesNotContain("orders");
        assertThat(billing.scrape()).isEqualTo(billingText);
    }

    @Test
    void theJvmsPrometheusClientConfigurationIsNotRead() {
        // Both would change or break the client's own loader: the first is a property it does not
        // know (it throws), the second would add _created series.
        System.setProperty("io.prometheus.no_such_setting", "1");
        System.setProperty("io.prometheus.exporter.include_created_timestamps", "true");
        try {
            PrometheusExport export = new PrometheusExport("shop");
            export.accept(empty(1));
            assertThat(export.scrape()).contains("vitals_samples_total{app=\"shop\"} 1.0").doesNotContain("_created");
        } finally {
            System.clearProperty("io.prometheus.no_such_setting");
            System.clearProperty("io.prometheus.exporter.include_created_timestamps");
        }
    }

    /** The sample lines of a scrape: neither HELP nor TYPE. */
    private static List<String> values(String text) {
        return text.lines().filter(line -> !line.startsWith("#") && !line.isEmpty()).collect(Collectors.toList());
    }

    private static String name(String sampleLine) {
        return sampleLine.substring(0, sampleLine.indexOf('{'));
    }
}
