package dev.vitals.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.apps.IdleApp;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.LoadPath;
import dev.vitals.it.harness.Monitored;
import dev.vitals.it.harness.Requirements;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent in a Java 25 JVM, loaded with {@code -javaagent} and attached by the CLI running on
 * the build's Java 17. Skipped (or failed, with {@code VITALS_REQUIRE_ALL=true}) without a Java 25.
 */
class Java25IT {

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @ParameterizedTest
    @EnumSource(LoadPath.class)
    void agentRunsOnJava25(LoadPath loadPath) {
        Path java25 = Requirements.java25();
        JavaProcess.Builder app = jvms.idleApp("java25-app-" + loadPath).javaHome(java25);

        Monitored monitored = jvms.startMonitored(loadPath, app, "^" + IdleApp.READY,
                AgentOptions.of("port", "0", "token", "java25-it", "state.dir", jvms.newDir("state").toString()));

        JsonNode health = monitored.vitals().awaitHealthy(JavaProcess.STARTUP);
        assertThat(health.path("java_version").asText()).as("%s", health).startsWith("25");
        assertThat(health.path("java_version").asText()).isEqualTo(HealthIT.javaVersionOf(monitored.process()));
        assertThat(health.path("pid").asLong()).isEqualTo(monitored.process().pid());
        assertThat(health.path("attached_via").asText())
                .isEqualTo(loadPath == LoadPath.PREMAIN ? "premain" : "attach");
    }
}
