package dev.vitals.it.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.agent.jdbc.SqlNormalizer;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Requirements;
import dev.vitals.it.harness.SampleTruth;
import dev.vitals.it.harness.Vitals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * JDBC statements as Vitals reports them against what the sample app counted itself, after a
 * quiesced run: every execution and every failure, per SQL text, exactly; the slow-query log
 * against the app's own count of executions of a second or more; on H2 and on PostgreSQL; and no
 * password anywhere in what the agent serves.
 *
 * <p>The truth counts the statements the application issues. Drivers and HikariCP run statements
 * of their own too (pgjdbc's connection validation is one); Vitals counts only executions through
 * the JDBC API's {@code execute*} methods, and none of those shows up here, so the comparison is
 * exact over every entry the agent lists, with no exclusion.
 */
class SqlAccuracyIT {

    private static final String TOKEN = "sql-accuracy-it";
    private static final Duration FINISH = Duration.ofSeconds(60);
    private static final String PASSWORD = "pw-sql-accuracy-it-7d1e";

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @Test
    void h2SlowQueriesAreCountedExactlyAndTheSlowOnesLoggedWithTheirCaller() {
        Path truthFile = jvms.newDir("truth").resolve("truth.json");
        JavaProcess app = sampleApp("slow-h2", truthFile, List.of("--scenario", "slow-queries", "--duration", "6s",
                "--jdbc-url", "jdbc:h2:mem:vitals-it;DB_CLOSE_DELAY=-1", "--user", "sa", "--password", PASSWORD));
        Vitals vitals = Vitals.awaitStartLine(app, JavaProcess.STARTUP);
        JsonNode truth = new SampleTruth(truthFile).awaitFinished(FINISH);
        List<JsonNode> entries = QueryApi.queries(vitals);

        assertCountsMatchTheTruth(entries, truth);
        assertThat(entries).extracting(e -> e.path("data_source").asText())
                .containsOnly("orders-pool", "reports-pool");

        String report = SqlNormalizer.normalize("SELECT SLEEP_MS(?) AS paused, COUNT(*) AS orders, "
                + "SUM(amount_cents) AS revenue_cents FROM orders");
        long slowInTruth = truth.path("statements").path("slow").asLong();
        JsonNode slow = vitals.get(QueryApi.SLOW_QUERIES + "?limit=200").json();
        assertThat(slowInTruth).as("the scenario must run slow reports").isPositive();
        assertThat(slow.path("threshold_seconds").asDouble()).isEqualTo(1.0);
        assertThat(slow.path("total_slow").asLong()).as("%s", slow).isEqualTo(slowInTruth);
        assertThat(slow.path("slow_queries")).hasSize((int) Math.min(slowInTruth, 200)).allSatisfy(entry -> {
            assertThat(entry.path("duration").asDouble()).as("%s", entry).isGreaterThanOrEqualTo(1.0);
            assertThat(entry.path("sql").asText()).isEqualTo(report);
            assertThat(entry.path("data_source").asText()).isEqualTo("reports-pool");
            assertThat(entry.path("thread").asText()).startsWith("sample-worker-");
            assertThat(entry.path("application_frame").asText()).as("%s", entry).startsWith("dev.vitals.sample.");
            assertThat(entry.path("failed").asBoolean()).isFalse();
        });
        JsonNode reportEntry = QueryApi.entry(entries, report, "reports-pool");
        assertThat(reportEntry.path("max_time").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(reportEntry.path("p99_time").asDouble()).isLessThanOrEqualTo(reportEntry.path("max_time").asDouble());

        assertNoPasswordServed(vitals, PASSWORD);
    }

    @Test
    void postgresqlStatementsAreCountedExactlyAndThePasswordNeverShown() {
        String url = Requirements.postgres();
        Path truthFile = jvms.newDir("truth").resolve("truth.json");
        JavaProcess app = sampleApp("steady-postgres", truthFile, List.of("--scenario", "steady", "--duration", "3s",
                "--jdbc-url", url + "?ApplicationName=vitals-sql-it&password=" + PASSWORD, "--user", "postgres",
                "--password", PASSWORD));
        Vitals vitals = Vitals.awaitStartLine(app, JavaProcess.STARTUP);
        JsonNode truth = new SampleTruth(truthFile).awaitFinished(FINISH);
        List<JsonNode> entries = QueryApi.queries(vitals);

        assertThat(truth.path("database").asText()).isEqualTo("postgresql");
        assertCountsMatchTheTruth(entries, truth);
        assertThat(entries).extracting(e -> e.path("data_source").asText()).containsOnly("orders-pool");
        assertNoPasswordServed(vitals, PASSWORD);
    }

    private static void assertCountsMatchTheTruth(List<JsonNode> entries, JsonNode truth) {
        JsonNode statements = truth.path("statements");
        assertThat(statements.path("executed").asLong()).as("the app ran statements").isPositive();
        assertThat(QueryApi.sum(entries, "calls")).as("calls over %d entries", entries.size())
                .isEqualTo(statements.path("executed").asLong());
        assertThat(QueryApi.sum(entries, "errors")).isEqualTo(statements.path("errors").asLong());
        Map<String, Long> expected = QueryApi.truthBySql(truth);
        assertThat(QueryApi.callsBySql(entries)).isEqualTo(expected);
        assertThat(entries).allSatisfy(entry -> {
            assertThat(entry.path("kind").asText()).as("%s", entry).isEqualTo("statement");
            assertThat(entry.path("avg_time").asDouble()).isLessThanOrEqualTo(entry.path("max_time").asDouble());
            assertThat(entry.path("total_time").asDouble()).isPositive();
            assertThat(entry.path("last_seen").asText()).isNotEmpty();
        });
    }

    /** Nothing the agent serves carries the password, wherever the app gave it (URL or property). */
    private static void assertNoPasswordServed(Vitals vitals, String password) {
        for (String path : List.of(QueryApi.QUERIES + "?limit=1000", QueryApi.SLOW_QUERIES + "?limit=200",
                QueryApi.DATA_SOURCES, "/api/v1/performance/pools", "/api/v1/health", "/api/v1/config")) {
            String body = vitals.get(path).body();
            assertThat(body).as(path).doesNotContain(password);
        }
    }

    private static JavaProcess sampleApp(String name, Path truthFile, List<String> scenario) {
        List<String> args = new ArrayList<>(scenario);
        args.addAll(List.of("--truth-file", truthFile.toString(), "--truth-interval", "200ms"));
        return jvms.java(name).jar(Artifacts.sampleJar()).args(args)
                .agent(Artifacts.agentJar(), AgentOptions.of("port", "0", "token", TOKEN,
                        "state.dir", jvms.newDir("state").toString()).toAgentArgument())
                .start();
    }
}
