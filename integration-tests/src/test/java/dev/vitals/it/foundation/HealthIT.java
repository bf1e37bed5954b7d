package dev.vitals.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.CompletedProcess;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Vitals;
import java.time.Duration;
import java.util.regex.MatchResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/v1/health} of an agent loaded both ways, and the CLI's {@code list}: one JVM with
 * {@code -javaagent} and one attached by the CLI, shared by the tests (they only read).
 */
class HealthIT {

    /** The contract: health answers within 5 s of the JVM's start. */
    private static final Duration PREMAIN_HEALTHY = Duration.ofSeconds(5);

    private static final String TOKEN = "health-it-token";

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    private static JavaProcess premainApp;
    private static Vitals premainVitals;

    private static JavaProcess attachedApp;
    private static Vitals attachedVitals;

    @BeforeAll
    static void startBothJvms() {
        String agentArgument = AgentOptions.of(
                "port", "0", "token", TOKEN, "state.dir", jvms.newDir("state").toString()).toAgentArgument();
        // The deadline runs from the JVM's start: the agent may not delay it, nor take longer.
        long deadline = System.nanoTime() + PREMAIN_HEALTHY.toNanos();
        premainApp = jvms.idleApp("premain-app").agent(Artifacts.agentJar(), agentArgument).start();
        premainVitals = Vitals.awaitStartLine(premainApp, left(deadline));
        premainVitals.awaitHealthy(left(deadline));

        attachedApp = jvms.startIdleApp(jvms.idleApp("attached-app"));
        attachedVitals = jvms.cli().attach(attachedApp.pid(), AgentOptions.of(
                "port", "0", "token", TOKEN, "state.dir", jvms.newDir("state").toString()));
    }

    @Test
    void premainHealthDescribesTheAgentAndTheJvm() {
        JsonNode health = premainVitals.health().json();

        assertThat(health.path("status").asText()).as("%s", health).isEqualTo("up");
        assertThat(health.path("attached_via").asText()).as("%s", health).isEqualTo("premain");
        assertThat(health.path("pid").asLong()).as("%s", health).isEqualTo(premainApp.pid());
        assertThat(health.path("java_version").asText()).as("%s", health).isEqualTo(javaVersionOf(premainApp));
        assertThat(health.path("version").asText()).as("%s", health).isEqualTo(premainVitals.version());
        assertThat(health.path("hooks").isArray()).as("hooks is an array: %s", health).isTrue();
        assertThat(health.path("problems").isArray()).as("problems is an array: %s", health).isTrue();
        assertThat(health.path("problems")).as("no recorder met a problem: %s", health).isEmpty();
    }

    @Test
    void healthAnswersWithoutTokenAsJson() {
        assertThat(premainVitals.health().status()).isEqualTo(200);
        assertThat(premainVitals.health().header("Content-Type")).startsWith("application/json");
    }

    @Test
    void attachedHealthSaysAttach() {
        JsonNode health = attachedVitals.health().json();

        assertThat(health.path("status").asText()).as("%s", health).isEqualTo("up");
        assertThat(health.path("attached_via").asText()).as("%s", health).isEqualTo("attach");
        assertThat(health.path("pid").asLong()).as("%s", health).isEqualTo(attachedApp.pid());
        assertThat(health.path("java_version").asText()).as("%s", health).isEqualTo(javaVersionOf(attachedApp));
        assertThat(health.path("hooks").isArray()).as("hooks is an array: %s", health).isTrue();
    }

    @Test
    void listShowsBothJvmsWithTheirUrls() {
        CompletedProcess list = jvms.cli().run("list", "--json");

        assertThat(list.exitCode()).as(list::describe).isZero();
        JsonNode jvmsListed = list.json();
        assertThat(jvmsListed.isArray()).as(list::describe).isTrue();
        assertThat(entryFor(jvmsListed, premainApp.pid(), list).path("vitals_url").asText())
                .isEqualTo(premainVitals.url().toString());
        assertThat(entryFor(jvmsListed, attachedApp.pid(), list).path("vitals_url").asText())
                .isEqualTo(attachedVitals.url().toString());
        assertThat(entryFor(jvmsListed, attachedApp.pid(), list).path("main").asText()).contains("IdleApp");
        assertThat(entryFor(jvmsListed, attachedApp.pid(), list).path("java_version").asText())
                .isEqualTo(javaVersionOf(attachedApp));
    }

    private static Duration left(long deadlineNanos) {
        return Duration.ofNanos(Math.max(deadlineNanos - System.nanoTime(), 1_000_000));
    }

    private static JsonNode entryFor(JsonNode listed, long pid, CompletedProcess list) {
        for (JsonNode entry : listed) {
            if (entry.path("pid").asLong() == pid) {
                return entry;
            }
        }
        throw new AssertionError("pid " + pid + " not listed\n" + list.describe());
    }

    /** The version the target JVM itself reported in its ready line. */
    static String javaVersionOf(JavaProcess idleApp) {
        MatchResult ready = idleApp.awaitStdout("java\\.version=(\\S+)", JavaProcess.STARTUP);
        return ready.group(1);
    }
}
