package dev.vitals.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Json;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.LoadPath;
import dev.vitals.it.harness.Monitored;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An application with its own Jackson, Undertow and Byte Buddy, in versions other than the
 * agent's: with Vitals loaded either way, both the agent and the application work, and the
 * application still sees exactly its own versions (the agent's copies stay in its private
 * loader).
 */
class DependencyConflictIT {

    private static final String READY = "^conflict-app ready port=(\\d+)";

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @ParameterizedTest
    @EnumSource(LoadPath.class)
    void agentAndApplicationEachUseTheirOwnLibraries(LoadPath loadPath) throws Exception {
        JavaProcess.Builder app = jvms.java("conflict-app-" + loadPath)
                .classpath(Artifacts.conflictAppClasspath())
                .mainClass("dev.vitals.it.conflict.ConflictApp");

        Monitored monitored = jvms.startMonitored(loadPath, app, READY,
                AgentOptions.of("port", "0", "token", "conflict-it", "state.dir", jvms.newDir("state").toString()));

        JsonNode health = monitored.vitals().awaitHealthy(JavaProcess.STARTUP);
        assertThat(health.path("pid").asLong()).isEqualTo(monitored.process().pid());
        int appPort = Integer.parseInt(monitored.process().awaitStdout(READY, JavaProcess.STARTUP).group(1));
        JsonNode versions = appVersions(appPort);
        assertThat(versions.path("jackson").asText()).as("%s", versions)
                .isEqualTo(expected("jackson"));
        assertThat(versions.path("undertow").asText()).as("%s", versions)
                .isEqualTo(expected("undertow"));
        assertThat(versions.path("bytebuddy").asText()).as("%s", versions)
                .isEqualTo(expected("bytebuddy"));
        assertThat(versions.path("bytebuddy_subclass_works").asBoolean()).as("%s", versions).isTrue();
    }

    /** The version the build gave the conflict app (the parent's {@code conflict.<library>.version}). */
    private static String expected(String library) {
        String property = "vitals.conflict." + library + ".version";
        String version = System.getProperty(property);
        assertThat(version).as("system property %s (set by failsafe)", property).isNotBlank();
        return version;
    }

    /** {@code GET /versions} of the application's own Undertow server (loopback). */
    private static JsonNode appVersions(int port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/versions"))
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET /versions: %s", response.body()).isEqualTo(200);
        return Json.parse(response.body());
    }
}
