package dev.vitals.it.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jcmd;
import dev.vitals.it.harness.Json;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Vitals;
import java.time.Duration;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Vitals chains the application's own HikariCP metrics tracker instead of replacing it, and finds
 * pools in the places real applications keep them: a Micrometer-instrumented pool (premain, attach,
 * after detach), a Spring Boot executable jar, a JVM that also runs the OpenTelemetry agent, and a
 * pool that is closed and dropped.
 */
class HikariChainIT {

    private static final String TOKEN = "hikari-chain-it";
    private static final String POOL = "app-pool";
    private static final Duration ANSWER = Duration.ofSeconds(30);

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @Test
    void premainKeepsTheApplicationsMicrometerMetersExact() {
        PoolApp app = PoolApp.start(jvms.java("micrometer-premain").classpath(Artifacts.poolAppClasspath())
                .mainClass(PoolApp.MAIN).agent(Artifacts.agentJar(), agentArguments()).args("--micrometer"));
        Vitals vitals = Vitals.awaitStartLine(app.process, JavaProcess.STARTUP);

        app.borrow(100);
        JsonNode report = app.report();

        assertThat(report.path("borrows").asLong()).isEqualTo(100);
        assertThat(report.path("micrometer").path("acquire_count").asLong()).as("%s", report).isEqualTo(100);
        assertThat(report.path("micrometer").path("usage_count").asLong()).as("%s", report).isEqualTo(100);
        JsonNode pool = pool(vitals);
        assertThat(pool.path("borrows").asLong()).as("%s", pool).isEqualTo(100);
        assertThat(pool.path("since_attach").asBoolean()).isFalse();
    }

    @Test
    void attachChainsTheTrackerThePoolAlreadyHasAndDetachLeavesItWorking() {
        PoolApp app = PoolApp.start(jvms.java("micrometer-attach").classpath(Artifacts.poolAppClasspath())
                .mainClass(PoolApp.MAIN).args("--micrometer"));
        app.borrow(30);

        Vitals vitals = jvms.cli().attach(app.process.pid(), AgentOptions.of("port", "0", "token", TOKEN,
                "state.dir", jvms.newDir("state").toString()));
        app.borrow(70);
        JsonNode report = app.report();
        JsonNode pool = pool(vitals);

        assertThat(report.path("micrometer").path("acquire_count").asLong())
                .as("the app's meters count every borrow once: %s", report).isEqualTo(100);
        assertThat(pool.path("borrows").asLong()).as("counted from the attach: %s", pool).isEqualTo(70);
        assertThat(pool.path("since_attach").asBoolean()).isTrue();

        assertThat(jvms.cli().run("detach", Long.toString(app.process.pid())).exitCode()).isZero();
        app.borrow(20);
        assertThat(app.report().path("micrometer").path("acquire_count").asLong())
                .as("after detach the app's own tracker still records").isEqualTo(120);
    }

    @Test
    void springBootExecutableJarPoolIsFound() {
        PoolApp app = PoolApp.start(jvms.java("spring-boot-jar").jar(Artifacts.poolAppBootJar())
                .agent(Artifacts.agentJar(), agentArguments()));
        Vitals vitals = Vitals.awaitStartLine(app.process, JavaProcess.STARTUP);

        app.borrow(50);

        JsonNode pool = pool(vitals);
        assertThat(pool.path("borrows").asLong()).as("%s", pool).isEqualTo(50);
        assertThat(pool.path("since_attach").asBoolean()).isFalse();
        assertThat(selectCalls(vitals)).as("SQL seen through Spring Boot's nested jars").isEqualTo(50);
    }

    @Test
    void openTelemetryAgentInTheSameJvmDoesNotChangeTheCounts() {
        PoolApp app = PoolApp.start(jvms.java("with-otel").classpath(Artifacts.poolAppClasspath())
                .mainClass(PoolApp.MAIN)
                .jvmOptions("-javaagent:" + Artifacts.openTelemetryAgent(),
                        "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none",
                        "-Dotel.service.name=vitals-it")
                .agent(Artifacts.agentJar(), agentArguments()).args("--micrometer"));
        Vitals vitals = Vitals.awaitStartLine(app.process, JavaProcess.STARTUP);

        app.borrow(100);
        JsonNode report = app.report();
        JsonNode pool = pool(vitals);

        assertThat(app.process.stderr()).as("the OpenTelemetry agent ran").contains("opentelemetry-javaagent");
        assertThat(report.path("micrometer").path("acquire_count").asLong()).as("%s", report).isEqualTo(100);
        assertThat(pool.path("borrows").asLong()).as("%s", pool).isEqualTo(100);
        assertThat(selectCalls(vitals)).as("SQL counted once with OpenTelemetry's JDBC instrumentation too")
                .isEqualTo(100);
        assertThat(vitals.health().json().path("hooks").toString()).contains("\"state\":\"applied\"");
    }

    @Test
    void closedPoolIsShownClosedAndLeavesTheReportOnceCollected() {
        PoolApp app = PoolApp.start(jvms.java("closing").classpath(Artifacts.poolAppClasspath())
                .mainClass(PoolApp.MAIN).agent(Artifacts.agentJar(), agentArguments()));
        Vitals vitals = Vitals.awaitStartLine(app.process, JavaProcess.STARTUP);
        app.borrow(5);

        app.command("close", "closed");
        assertThat(pool(vitals).path("state").asText()).isEqualTo("closed");

        app.command("drop", "dropped");
        Awaitility.await("pool gone after GC").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    new Jcmd(Artifacts.currentJavaHome()).gc(app.process.pid());
                    return vitals.get("/api/v1/performance/pools").json().path("pools").isEmpty();
                });
    }

    private static String agentArguments() {
        return AgentOptions.of("port", "0", "token", TOKEN, "state.dir", jvms.newDir("state").toString())
                .toAgentArgument();
    }

    /** Executions of the app's {@code SELECT 1} on its pool, as Vitals grouped them. */
    private static long selectCalls(Vitals vitals) {
        JsonNode queries = vitals.get("/api/v1/performance/queries?limit=1000").json().path("queries");
        for (JsonNode query : queries) {
            if (query.path("sql").asText().equals("SELECT ?") && query.path("data_source").asText().equals(POOL)) {
                return query.path("calls").asLong();
            }
        }
        throw new AssertionError("no SELECT ? on " + POOL + " in " + queries);
    }

    private static JsonNode pool(Vitals vitals) {
        for (JsonNode pool : vitals.get("/api/v1/performance/pools").json().path("pools")) {
            if (pool.path("pool_name").asText().equals(POOL)) {
                return pool;
            }
        }
        throw new AssertionError("no pool " + POOL);
    }

    /** Drives apps/pool-app over stdin; its answers are numbered, so each command waits for its own. */
    private static final class PoolApp {
        static final String MAIN = "dev.vitals.it.poolapp.PoolApp";

        final JavaProcess process;
        private int answers;

        private PoolApp(JavaProcess process) {
            this.process = process;
        }

        static PoolApp start(JavaProcess.Builder builder) {
            JavaProcess process = builder.start();
            process.awaitStdout("pool-app ready", JavaProcess.STARTUP);
            return new PoolApp(process);
        }

        void borrow(int n) {
            command("borrow " + n, "done " + n);
        }

        JsonNode report() {
            return Json.parse(command("report", "\\{.*\\}"));
        }

        String command(String command, String answerRegex) {
            int number = ++answers;
            process.writeStdin(command);
            return process.awaitStdout("(?m)^#" + number + " (" + answerRegex + ")$", ANSWER).group(1);
        }
    }
}
