package dev.vitals.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.it.apps.RecordingLogManager;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Vitals;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent must never initialise {@code java.util.logging} for the application: applications
 * that install their own {@code LogManager} later (WildFly, JBoss LogManager) break if an agent
 * did it first. Undertow, XNIO and JBoss Threads inside the agent log through our own backend and
 * never create the platform MBean server (which would initialise JUL).
 */
class ApplicationLoggingIT {

    private static final String TOKEN = "logging-it";

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @Test
    void premainAgentLeavesJulUninitialised() {
        JavaProcess app = jvms.startIdleApp(jvms.idleApp("jul-premain")
                .systemProperty("java.util.logging.manager", RecordingLogManager.class.getName())
                .agent(Artifacts.agentJar(), options().toAgentArgument()));
        Vitals vitals = Vitals.awaitStartLine(app, JavaProcess.STARTUP);
        exercise(vitals);

        assertJulUntouched(app);
    }

    @Test
    void attachedAgentLeavesJulUninitialised() {
        JavaProcess app = jvms.startIdleApp(jvms.idleApp("jul-attach")
                .systemProperty("java.util.logging.manager", RecordingLogManager.class.getName()));
        Vitals vitals = jvms.cli().attach(app.pid(), options());
        exercise(vitals);

        assertJulUntouched(app);
    }

    /** Serves a few requests, including errors, so Undertow's logging paths run too. */
    private static void exercise(Vitals vitals) {
        assertThat(vitals.health().status()).isEqualTo(200);
        assertThat(vitals.getWithoutToken("/api/v1/config").status()).isEqualTo(401);
        assertThat(vitals.get("/api/v1/no-such-thing").status()).isEqualTo(404);
        assertThat(vitals.get("/api/v1/performance/pools").status()).isEqualTo(200);
    }

    private static void assertJulUntouched(JavaProcess app) {
        app.writeStdin("logmanager");
        assertThat(app.awaitStdout("logmanager created-by=(.+)$", Duration.ofSeconds(10)).group(1))
                .as("who initialised java.util.logging").isEqualTo("none");
    }

    private static AgentOptions options() {
        return AgentOptions.of("port", "0", "token", TOKEN, "state.dir", jvms.newDir("state").toString());
    }
}
