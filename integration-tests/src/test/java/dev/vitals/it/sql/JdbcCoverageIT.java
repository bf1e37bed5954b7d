package dev.vitals.it.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.apps.JdbcApp;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Response;
import dev.vitals.it.harness.Vitals;
import java.time.Duration;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every way of using JDBC the agent must tell apart, in one application ({@link JdbcApp}) whose
 * counts are fixed in advance, with Vitals attached after the driver's and the pool's classes were
 * loaded and used (so they are instrumented by retransformation): plain, prepared and batched
 * statements, failures, a data-source wrapper, a HikariCP pool, more open statements than a
 * thread remembers, a statement executed on another thread; then the API's parameter checks, and
 * the agent's retained heap under a flood of distinct SQL texts.
 *
 * <p>The tests share one application and run in order: the mix first, the flood last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JdbcCoverageIT {

    private static final String TOKEN = "jdbc-coverage-it";
    private static final String PASSWORD = "pw-jdbc-coverage-it-4b2c";
    private static final String H2 = "h2:mem:jdbcapp";
    private static final Duration ANSWER = Duration.ofSeconds(60);
    /** The flood: distinct SQL texts with distinct normalized keys, and a second one to show nothing grows. */
    private static final int FLOOD = 1_000_000;
    private static final int SECOND_FLOOD = 200_000;

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    private static JavaProcess app;
    private static Vitals vitals;
    private static long executed;
    private static long errors;

    @BeforeAll
    static void attachThenRunTheMix() {
        app = jvms.java("jdbc-app")
                .classpath(Artifacts.testClasses().toString(), Artifacts.sampleJar().toString())
                .mainClass(JdbcApp.class.getName())
                .jvmOptions("-Xmx256m")
                .args(PASSWORD)
                .start();
        app.awaitStdout("^" + JdbcApp.READY + " ", JavaProcess.STARTUP);
        command("warm", "^warm done$");
        vitals = jvms.cli().attach(app.pid(), AgentOptions.of("port", "0", "token", TOKEN,
                "state.dir", jvms.newDir("state").toString()));
        MatchResult done = command("mix", "^mix done executed=(\\d+) errors=(\\d+)$");
        executed = Long.parseLong(done.group(1));
        errors = Long.parseLong(done.group(2));
    }

    /** Sends a command and waits for the answer line (the n-th one if the same answer came before). */
    private static MatchResult command(String command, String answer) {
        int before = count(answer);
        app.writeStdin(command);
        org.awaitility.Awaitility.await(command).atMost(ANSWER).pollInterval(Duration.ofMillis(50))
                .until(() -> count(answer) > before);
        Matcher matcher = Pattern.compile(answer, Pattern.MULTILINE).matcher(app.stdout());
        MatchResult last = null;
        while (matcher.find()) {
            last = matcher.toMatchResult();
        }
        return last;
    }

    private static int count(String regex) {
        Matcher matcher = Pattern.compile(regex, Pattern.MULTILINE).matcher(app.stdout());
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }

    @Test
    @Order(1)
    void everyExecutionIsCountedOnceUnderItsSqlAndDataSource() {
        List<JsonNode> entries = QueryApi.queries(vitals);

        assertThat(executed).isEqualTo(JdbcApp.EXECUTED);
        assertThat(errors).isEqualTo(JdbcApp.ERRORS);
        assertThat(QueryApi.sum(entries, "calls")).as("%s", entries).isEqualTo(JdbcApp.EXECUTED);
        assertThat(QueryApi.sum(entries, "errors")).isEqualTo(JdbcApp.ERRORS);

        JsonNode insert = QueryApi.entry(entries, JdbcApp.INSERT, H2);
        assertThat(insert.path("calls").asLong()).isEqualTo(JdbcApp.INSERT_CALLS);
        assertThat(insert.path("errors").asLong()).isEqualTo(JdbcApp.INSERT_ERRORS);
        assertThat(insert.path("rows").asLong()).isEqualTo(JdbcApp.INSERT_ROWS);
        assertThat(QueryApi.entry(entries, JdbcApp.CREATE, H2).path("calls").asLong()).isEqualTo(1);
        assertThat(QueryApi.entry(entries, JdbcApp.SELECT_NAME, H2).path("calls").asLong())
                .isEqualTo(JdbcApp.SELECT_NAME_CALLS);
        JsonNode missing = QueryApi.entry(entries, JdbcApp.MISSING_TABLE, H2);
        assertThat(missing.path("calls").asLong()).isEqualTo(JdbcApp.MISSING_TABLE_CALLS);
        assertThat(missing.path("errors").asLong()).isEqualTo(JdbcApp.MISSING_TABLE_CALLS);
        assertThat(QueryApi.entry(entries, JdbcApp.COUNT, JdbcApp.POOL).path("calls").asLong())
                .isEqualTo(JdbcApp.COUNT_CALLS);
        JsonNode rename = QueryApi.entry(entries, JdbcApp.RENAME, JdbcApp.POOL);
        assertThat(rename.path("calls").asLong()).isEqualTo(JdbcApp.RENAME_CALLS);
        assertThat(rename.path("rows").asLong()).isEqualTo(JdbcApp.RENAME_CALLS);
        for (int k = 0; k < JdbcApp.HELD_OPEN; k++) {
            assertThat(QueryApi.entry(entries, "SELECT id AS c" + k + " FROM items WHERE id = ?", H2)
                    .path("calls").asLong()).as("statement %d of %d held open", k, JdbcApp.HELD_OPEN).isEqualTo(1);
        }
        JsonNode unknown = QueryApi.entry(entries, "(unknown statement)", H2);
        assertThat(unknown.path("kind").asText()).isEqualTo("unknown");
        assertThat(unknown.path("calls").asLong()).isEqualTo(JdbcApp.CROSS_THREAD_CALLS);
        assertThat(entries).as("four keys on H2, two on the pool, the held-open ones and unknown")
                .hasSize(4 + 2 + JdbcApp.HELD_OPEN + 1);
    }

    @Test
    @Order(2)
    void dataSourcesCountTheInnermostOnceAndLeaveHikariToThePoolHook() {
        JsonNode dataSources = vitals.get(QueryApi.DATA_SOURCES).json().path("data_sources");

        assertThat(dataSources).as("%s", dataSources).singleElement().satisfies(h2 -> {
            assertThat(h2.path("data_source").asText()).isEqualTo(H2);
            assertThat(h2.path("type").asText()).isEqualTo("org.h2.jdbcx.JdbcDataSource");
            assertThat(h2.path("connections").asLong()).isEqualTo(JdbcApp.H2_CONNECTIONS);
            assertThat(h2.path("errors").asLong()).isEqualTo(JdbcApp.H2_CONNECTION_ERRORS);
            assertThat(h2.path("max_wait_time").asDouble()).isGreaterThanOrEqualTo(h2.path("p50_wait_time").asDouble());
        });
        JsonNode hooks = vitals.health().json().path("hooks");
        assertThat(hooks).filteredOn(h -> List.of("jdbc-statements", "datasource").contains(h.path("name").asText()))
                .extracting(h -> h.path("state").asText()).containsExactly("applied", "applied");
        assertThat(vitals.get(QueryApi.DATA_SOURCES).body()).doesNotContain(PASSWORD);
        assertThat(vitals.get(QueryApi.QUERIES + "?limit=1000").body()).doesNotContain(PASSWORD);
    }

    @Test
    @Order(3)
    void badParametersAreRefusedWithWhatIsAccepted() {
        assertBadParameter(QueryApi.QUERIES + "?sort=x", "sort",
                "sort must be one of total_time, p99_time, calls, errors; got 'x'");
        assertBadParameter(QueryApi.QUERIES + "?limit=0", "limit", "limit must be an integer from 1 to 1000; got '0'");
        assertBadParameter(QueryApi.QUERIES + "?limit=1001", "limit",
                "limit must be an integer from 1 to 1000; got '1001'");
        assertBadParameter(QueryApi.SLOW_QUERIES + "?limit=201", "limit",
                "limit must be an integer from 1 to 200; got '201'");
        assertBadParameter(QueryApi.SLOW_QUERIES + "?limit=many", "limit",
                "limit must be an integer from 1 to 200; got 'many'");

        JsonNode top = vitals.get(QueryApi.QUERIES + "?sort=errors&limit=2").json();
        assertThat(top.path("sort").asText()).isEqualTo("errors");
        assertThat(top.path("queries")).extracting(q -> q.path("sql").asText())
                .containsExactly(JdbcApp.MISSING_TABLE, JdbcApp.INSERT);
        assertThat(top.path("total_calls").asLong()).isEqualTo(JdbcApp.EXECUTED);
        JsonNode slow = vitals.get(QueryApi.SLOW_QUERIES).json();
        assertThat(slow.path("slow_queries")).isEmpty();
        assertThat(vitals.getWithoutToken(QueryApi.QUERIES).status()).isEqualTo(401);
        assertThat(vitals.getWithoutToken(QueryApi.SLOW_QUERIES).status()).isEqualTo(401);
        assertThat(vitals.getWithoutToken(QueryApi.DATA_SOURCES).status()).isEqualTo(401);
    }

    private static void assertBadParameter(String path, String field, String message) {
        Response response = vitals.get(path);
        assertThat(response.status()).as("%s", response).isEqualTo(400);
        JsonNode body = response.json();
        assertThat(body.path("error").asText()).isEqualTo("bad_parameter");
        assertThat(body.path("field").asText()).isEqualTo(field);
        assertThat(body.path("message").asText()).isEqualTo(message);
    }

    @Test
    @Order(4)
    void aMillionDistinctSqlTextsLeaveTheRetainedHeapBounded() {
        long before = liveHeapBytes();
        command("flood " + FLOOD + " 0", "^flood done " + FLOOD + "$");
        long afterFlood = liveHeapBytes();
        command("flood " + SECOND_FLOOD + " " + FLOOD, "^flood done " + SECOND_FLOOD + "$");
        long afterSecond = liveHeapBytes();
        JsonNode report = vitals.get(QueryApi.QUERIES + "?limit=5").json();

        System.out.printf("[it] live heap after the mix %,d B; after %,d distinct SQL texts %,d B (+%,d B); "
                + "after %,d more %,d B (+%,d B); %d statements tracked%n", before, FLOOD, afterFlood,
                afterFlood - before, SECOND_FLOOD, afterSecond, afterSecond - afterFlood,
                report.path("total_statements").asInt());
        assertThat(report.path("total_calls").asLong()).isEqualTo(JdbcApp.EXECUTED + FLOOD + SECOND_FLOOD);
        // The mix took 27 of the 1000 keys (26 executed, and the one prepared for the other
        // thread, which never ran under its key); the flood got the other 973 and its other entry
        // the rest. Listed: the keys that ran, the mix's unknown entry and the flood's other entry.
        int mixKeys = 4 + 2 + JdbcApp.HELD_OPEN + 1;
        assertThat(report.path("total_statements").asInt()).isEqualTo(1000 - 1 + 1 + 1);
        assertThat(report.path("other_calls").asLong()).isEqualTo(FLOOD + SECOND_FLOOD - (1000 - mixKeys));
        // 1000 keys of about 6 KB each, and the raw-text cache at its bounds: well under 16 MB.
        assertThat(afterFlood - before).isLessThan(16L << 20);
        assertThat(afterSecond - afterFlood).as("once full, nothing grows").isLessThan(1L << 20);
    }

    /** Bytes of live objects in the application, after a full GC ({@code jcmd GC.class_histogram}). */
    private static long liveHeapBytes() {
        String histogram = jvms.jcmd().run(app.pid(), "GC.class_histogram");
        Matcher total = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)\\s*$", Pattern.MULTILINE).matcher(histogram);
        assertThat(total.find()).as(histogram).isTrue();
        return Long.parseLong(total.group(1));
    }
}
