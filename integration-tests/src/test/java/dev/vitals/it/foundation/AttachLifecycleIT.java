package dev.vitals.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.CompletedProcess;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jcmd;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Vitals;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attach, attach again, detach, attach again, all through the real CLI against one JVM per test;
 * after a detach the JVM is checked from outside with {@code jcmd} (threads, class loaders), as an
 * operator would.
 */
class AttachLifecycleIT {

    /** The agent's private loader; after detach and a full GC it must be gone. */
    private static final String CORE_LOADER = "dev.vitals.agent.CoreClassLoader";

    /**
     * Detach is synchronous, but a stopped thread leaves the thread list, and a class loader is
     * unloaded, on the JVM's schedule: bounded waits, not sleeps.
     */
    private static final Duration AFTER_DETACH = Duration.ofSeconds(20);

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @Test
    void secondAttachIsIdempotent() {
        JavaProcess app = jvms.startIdleApp(jvms.idleApp("twice-attached-app"));
        Vitals first = jvms.cli().attach(app.pid(), options());

        CompletedProcess second = jvms.cli().attachRaw(app.pid(), options());

        assertThat(second.exitCode()).as(second::describe).isZero();
        assertThat(second.output()).as(second::describe).containsIgnoringCase("already running")
                .contains(first.url().toString());
        JsonNode health = first.awaitHealthy(JavaProcess.STARTUP);
        assertThat(health.path("attached_via").asText()).isEqualTo("attach");
        assertThat(health.path("pid").asLong()).isEqualTo(app.pid());
    }

    @Test
    void detachStopsEverythingAndReattachWorks() {
        JavaProcess app = jvms.startIdleApp(jvms.idleApp("reattached-app"));
        Vitals first = jvms.cli().attach(app.pid(), options());
        first.awaitHealthy(JavaProcess.STARTUP);
        assertThat(vitalsThreads(app)).as("agent threads while attached").isNotEmpty();

        CompletedProcess detach = jvms.cli().run("detach", Long.toString(app.pid()));

        assertThat(detach.exitCode()).as(detach::describe).isZero();
        // Detach is synchronous (contract): by the time the CLI returns, the server is closed.
        assertThat(first.acceptsConnections()).as("old port %d still accepts connections", first.port()).isFalse();
        CompletedProcess status = jvms.cli().run("status", Long.toString(app.pid()), "--json");
        assertThat(status.json().path("attached").asBoolean(true)).as(status::describe).isFalse();
        await("no vitals-* thread left").atMost(AFTER_DETACH).untilAsserted(() ->
                assertThat(vitalsThreads(app)).as("threads named vitals-* after detach").isEmpty());
        assertThat(app.isAlive()).as("the application survives the detach").isTrue();

        Vitals second = jvms.cli().attach(app.pid(), options());

        JsonNode health = second.awaitHealthy(JavaProcess.STARTUP);
        assertThat(health.path("attached_via").asText()).isEqualTo("attach");
        assertThat(health.path("pid").asLong()).isEqualTo(app.pid());
        CompletedProcess statusAgain = jvms.cli().run("status", Long.toString(app.pid()), "--json");
        assertThat(statusAgain.exitCode()).as(statusAgain::describe).isZero();
        assertThat(statusAgain.json().path("attached").asBoolean()).as(statusAgain::describe).isTrue();
        assertThat(statusAgain.json().path("url").asText()).as(statusAgain::describe)
                .isEqualTo(second.url().toString());
    }

    @Test
    void detachReleasesThePrivateClassLoader() {
        JavaProcess app = jvms.startIdleApp(jvms.idleApp("unloaded-app"));
        Vitals vitals = jvms.cli().attach(app.pid(), options());
        // Exercise the server, so the check covers classes loaded by real requests too.
        vitals.awaitHealthy(JavaProcess.STARTUP);
        assertThat(vitals.get("/api/v1/config").status()).isEqualTo(200);
        Jcmd jcmd = jvms.jcmd();
        assertThat(jcmd.classLoaders(app.pid()))
                .as("positive control: %s is listed while attached", CORE_LOADER)
                .contains(CORE_LOADER);

        CompletedProcess detach = jvms.cli().run("detach", Long.toString(app.pid()));
        assertThat(detach.exitCode()).as(detach::describe).isZero();

        // Each poll runs a full GC first: unloading needs one after the last reference is dropped.
        await(CORE_LOADER + " unloaded").atMost(AFTER_DETACH).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            jcmd.gc(app.pid());
            assertThat(jcmd.classLoaders(app.pid()))
                    .as("jcmd %d VM.classloaders after detach and GC.run", app.pid())
                    .doesNotContain(CORE_LOADER);
        });
    }

    private AgentOptions options() {
        return AgentOptions.of("port", "0", "token", "lifecycle-it", "state.dir", jvms.newDir("state").toString());
    }

    private static List<String> vitalsThreads(JavaProcess app) {
        return jvms.jcmd().threadNames(app.pid()).stream()
                .filter(name -> name.startsWith("vitals-"))
                .collect(Collectors.toList());
    }
}
