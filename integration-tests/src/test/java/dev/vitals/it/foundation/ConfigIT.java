package dev.vitals.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Response;
import dev.vitals.it.harness.Vitals;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Configuration as the agent applies it, observed from outside through {@code /api/v1/config}
 * (each value with its source) and the agent's stderr.
 *
 * <p>Precedence is observed through {@code port}: the level under test sets {@code port=0} (any
 * free port), every lower level names a port this test holds open. If a lower level won, the
 * agent could not listen, and the test would see that instead of a start line.
 */
class ConfigIT {

    /** The agent's default port, which an invalid port value falls back to. */
    private static final int DEFAULT_PORT = 9797;

    private static final String TOKEN = "config-it-token";

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    /** Loopback ports held open by this test, so nothing else can listen on them. */
    private final List<ServerSocket> heldPorts = new ArrayList<>();

    /** The configuration levels, highest precedence first, with their name in the API. */
    enum Level {
        ARGUMENT("argument"),
        SYSTEM_PROPERTY("system_property"),
        ENVIRONMENT("environment"),
        FILE("file");

        final String source;

        Level(String source) {
            this.source = source;
        }
    }

    @AfterEach
    void releasePorts() throws IOException {
        for (ServerSocket socket : heldPorts) {
            socket.close();
        }
    }

    @ParameterizedTest(name = "port from {0} beats every lower level")
    @EnumSource(Level.class)
    void higherLevelWins(Level winner) throws IOException {
        Path configFile = jvms.dir().resolve("precedence-" + winner + ".properties");
        Files.writeString(configFile, "port=" + portFor(Level.FILE, winner) + "\n");
        AgentOptions arguments = AgentOptions.of("token", TOKEN, "config", configFile.toString(),
                "state.dir", jvms.newDir("state").toString());
        if (winner == Level.ARGUMENT) {
            arguments.set("port", "0");
        }
        JavaProcess.Builder app = jvms.idleApp("precedence-" + winner)
                .agent(Artifacts.agentJar(), arguments.toAgentArgument());
        if (winner.compareTo(Level.SYSTEM_PROPERTY) <= 0) {
            app.systemProperty("vitals.port", portFor(Level.SYSTEM_PROPERTY, winner));
        }
        if (winner.compareTo(Level.ENVIRONMENT) <= 0) {
            app.env("VITALS_PORT", portFor(Level.ENVIRONMENT, winner));
        }

        JavaProcess process = app.start();
        Vitals vitals = Vitals.awaitStartLine(process, JavaProcess.STARTUP);

        JsonNode values = config(vitals).path("values");
        assertThat(values.path("port").path("value").asText()).as("%s", values).isEqualTo("0");
        assertThat(values.path("port").path("source").asText()).as("%s", values).isEqualTo(winner.source);
        assertThat(vitals.port()).isNotEqualTo(DEFAULT_PORT);
        // Nothing sets bind: the default applies and says so.
        assertThat(values.path("bind").path("value").asText()).as("%s", values).isEqualTo("127.0.0.1");
        assertThat(values.path("bind").path("source").asText()).as("%s", values).isEqualTo("default");
    }

    @ParameterizedTest(name = "port={0} is reported and the default is used")
    @ValueSource(strings = {"abc", "70000"})
    void invalidValueIsReportedAndTheDefaultUsed(String invalid) {
        // The default is a fixed port another JVM on this machine may hold; either way the agent
        // must go for it, and what it then does shows that it did.
        boolean defaultPortFree = defaultPortFree();
        JavaProcess process = jvms.idleApp("invalid-port-" + invalid)
                .agent(Artifacts.agentJar(), AgentOptions.of("port", invalid, "token", TOKEN,
                        "state.dir", jvms.newDir("state").toString()).toAgentArgument())
                .start();

        String warning = process.awaitStderr("^\\[vitals\\] .*" + Pattern.quote(invalid) + ".*$", JavaProcess.STARTUP)
                .group();

        assertThat(warning).as("the warning names key, value and accepted range")
                .contains("port").contains(invalid).contains("65535");
        if (defaultPortFree) {
            Vitals vitals = Vitals.awaitStartLine(process, JavaProcess.STARTUP);
            assertThat(vitals.port()).isEqualTo(DEFAULT_PORT);
            JsonNode config = config(vitals);
            assertThat(config.path("values").path("port").path("value").asText())
                    .isEqualTo(Integer.toString(DEFAULT_PORT));
            assertThat(config.path("values").path("port").path("source").asText()).isEqualTo("default");
            assertThat(config.path("warnings").toString()).as("%s", config).contains(invalid).contains("port");
        } else {
            String failure = process.awaitStderr(Vitals.START_FAILURE, JavaProcess.STARTUP).group();
            assertThat(failure).as("port %d is taken: the agent tried the default and says so", DEFAULT_PORT)
                    .contains(Integer.toString(DEFAULT_PORT));
            assertThat(process.isAlive()).as("the application keeps running").isTrue();
        }
    }

    @Test
    void nonLoopbackBindWithoutTokenRefusesToServeButTheAppRuns() {
        JavaProcess process = jvms.startIdleApp(jvms.idleApp("wildcard-no-token")
                .agent(Artifacts.agentJar(), AgentOptions.of("port", "0", "bind", "0.0.0.0",
                        "state.dir", jvms.newDir("state").toString()).toAgentArgument()));

        String refusal = process.awaitStderr("^\\[vitals\\] .*0\\.0\\.0\\.0.*$", JavaProcess.STARTUP).group();

        assertThat(refusal).as("the refusal names the address and the missing token").containsIgnoringCase("token");
        assertThat(Vitals.fromStartLine(process.stderr())).as("no server started; stderr:%n%s", process.stderr()).isNull();
        process.writeStdin("prop vitals.error");
        String error = process.awaitStdout("^prop vitals\\.error(=.*| unset)$", JavaProcess.STARTUP).group();
        assertThat(error).as("vitals.error is published").startsWith("prop vitals.error=").contains("token");
        process.writeStdin("prop vitals.url");
        assertThat(process.awaitStdout("^prop vitals\\.url(=.*| unset)$", JavaProcess.STARTUP).group())
                .isEqualTo("prop vitals.url unset");
        assertThat(process.isAlive()).as("the application keeps running").isTrue();
    }

    @Test
    void nonLoopbackBindWithTokenServes() {
        JavaProcess process = jvms.idleApp("wildcard-with-token")
                .agent(Artifacts.agentJar(), AgentOptions.of("port", "0", "bind", "0.0.0.0", "token", TOKEN,
                        "state.dir", jvms.newDir("state").toString()).toAgentArgument())
                .start();

        Vitals vitals = Vitals.awaitStartLine(process, JavaProcess.STARTUP);

        assertThat(vitals.awaitHealthy(JavaProcess.STARTUP).path("status").asText()).isEqualTo("up");
        JsonNode values = config(vitals).path("values");
        assertThat(values.path("bind").path("value").asText()).as("%s", values).isEqualTo("0.0.0.0");
        assertThat(values.path("bind").path("source").asText()).as("%s", values).isEqualTo("argument");
    }

    /** {@code "0"} for the winning level, else a port held open by this test. */
    private String portFor(Level level, Level winner) throws IOException {
        if (level == winner) {
            return "0";
        }
        ServerSocket socket = new ServerSocket();
        heldPorts.add(socket);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return Integer.toString(socket.getLocalPort());
    }

    private static JsonNode config(Vitals vitals) {
        Response response = vitals.get("/api/v1/config", TOKEN);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json();
    }

    private static boolean defaultPortFree() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
