package dev.vitals.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentConfigTest {

    private static final Path HOME = Path.of("/home/alice");

    @TempDir
    Path dir;

    private static AgentConfig load(String args, Map<String, String> props, Map<String, String> env) {
        return AgentConfig.load(args, props, env, "OrderService", HOME);
    }

    @Test
    void defaultsWhenNothingIsGiven() {
        AgentConfig config = load(null, Map.of(), Map.of());

        assertThat(config.port()).isEqualTo(9797);
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.token()).isNull();
        assertThat(config.appName()).isEqualTo("OrderService");
        assertThat(config.stateDir()).isEqualTo(Path.of("/home/alice/.vitals/OrderService"));
        assertThat(config.logFile()).isNull();
        assertThat(config.warnings()).isEmpty();
        assertThat(config.settings().get("port").source()).isEqualTo(AgentConfig.Source.DEFAULT);
    }

    @Test
    void argumentsBeatSystemPropertiesBeatEnvironmentBeatFileBeatDefaults() throws IOException {
        Path file = dir.resolve("vitals.properties");
        Files.writeString(file, "port=1004\nbind=::1\napp.name=from-file\ntoken=file-token\n");
        Map<String, String> props = Map.of("vitals.port", "1002", "vitals.config", file.toString(),
                "vitals.app.name", "from-prop");
        Map<String, String> env = Map.of("VITALS_PORT", "1003", "VITALS_APP_NAME", "from-env",
                "VITALS_TOKEN", "env-token");

        AgentConfig config = load("port=1001", props, env);

        assertThat(config.port()).isEqualTo(1001);
        assertThat(config.settings().get("port").source()).isEqualTo(AgentConfig.Source.ARGUMENT);
        assertThat(config.appName()).isEqualTo("from-prop");
        assertThat(config.settings().get("app.name").source()).isEqualTo(AgentConfig.Source.SYSTEM_PROPERTY);
        assertThat(config.token()).isEqualTo("env-token");
        assertThat(config.settings().get("token").source()).isEqualTo(AgentConfig.Source.ENVIRONMENT);
        assertThat(config.bind()).isEqualTo("::1");
        assertThat(config.settings().get("bind").source()).isEqualTo(AgentConfig.Source.FILE);
        assertThat(config.settings().get("config").source()).isEqualTo(AgentConfig.Source.SYSTEM_PROPERTY);
        assertThat(config.stateDir()).isEqualTo(Path.of("/home/alice/.vitals/from-prop"));
        assertThat(config.warnings()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "port=abc       | invalid value 'abc' for 'port' (from the agent arguments): expected a port number 0..65535 (0 picks a free port); using the default '9797'",
        "port=70000     | invalid value '70000' for 'port' (from the agent arguments): expected a port number 0..65535 (0 picks a free port); using the default '9797'",
        "port=-1        | invalid value '-1' for 'port' (from the agent arguments): expected a port number 0..65535 (0 picks a free port); using the default '9797'",
        "app.name=a b   | invalid value 'a b' for 'app.name' (from the agent arguments): expected 1 to 64 letters, digits, '.', '_' or '-'; using the default 'OrderService'",
        "log.level=loud | invalid value 'loud' for 'log.level' (from the agent arguments): expected one of error, warn, info, debug; using the default 'info'",
        "bind=a/b       | invalid value 'a/b' for 'bind' (from the agent arguments): expected an IP address or host name, such as 127.0.0.1, ::1 or 0.0.0.0; using the default '127.0.0.1'",
        "colour=red     | unknown configuration key 'colour' in the agent arguments; known keys: port, bind, token, app.name, state.dir, log.file, log.level, config",
        "justaword      | agent argument 'justaword' is not key=value (example: port=9797,token=...)",
    })
    void badArgumentsAreReportedAndDefaultsUsed(String args, String warning) {
        AgentConfig config = load(args, Map.of(), Map.of());

        assertThat(config.warnings()).containsExactly(warning);
        assertThat(config.port()).isEqualTo(9797);
    }

    @Test
    void invalidSystemPropertyFallsBackToTheDefaultNotToLowerSources() {
        AgentConfig config = load(null, Map.of("vitals.port", "x"), Map.of("VITALS_PORT", "1234"));

        assertThat(config.port()).isEqualTo(9797);
        assertThat(config.warnings()).containsExactly("invalid value 'x' for 'port' (from a -Dvitals.* system property): "
                + "expected a port number 0..65535 (0 picks a free port); using the default '9797'");
    }

    @Test
    void missingConfigFileIsReported() {
        Path missing = dir.resolve("nope.properties");
        AgentConfig config = load("config=" + missing, Map.of(), Map.of());

        assertThat(config.warnings()).singleElement().asString()
                .startsWith("cannot read the configuration file '" + missing + "' (from argument)")
                .endsWith("; continuing without it");
    }

    @Test
    void unknownKeyInFileIsReportedWithTheFile() throws IOException {
        Path file = dir.resolve("v.properties");
        Files.writeString(file, "prot=1\n");

        AgentConfig config = load("config=" + file, Map.of(), Map.of());

        assertThat(config.warnings()).containsExactly("unknown configuration key 'prot' in the file " + file
                + "; known keys: port, bind, token, app.name, state.dir, log.file, log.level, config");
    }

    @Test
    void tokenWithCommaOrSpaceIsRejected() {
        AgentConfig config = load(null, Map.of("vitals.token", "has space"), Map.of());

        assertThat(config.token()).isNull();
        assertThat(config.warnings()).singleElement().asString()
                .contains("'token'").contains("expected printable ASCII without spaces or commas")
                .doesNotContain("has space");
    }

    @Test
    void unrelatedVitalsPropertiesAreNotJudged() {
        AgentConfig config = load(null, Map.of("vitals.url", "http://x/", "vitals.token.file", "/t"),
                Map.of("VITALS_REQUIRE_ALL", "true"));

        assertThat(config.warnings()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "10s, PT10S",
        "5m, PT5M",
        "1h, PT1H",
        "2d, PT48H",
    })
    void durations(String text, String expected) {
        assertThat(AgentConfig.parseDuration(text)).isEqualTo(Duration.parse(expected));
    }

    @Test
    void badDurationNamesTheAcceptedForms() {
        assertThatThrownBy(() -> AgentConfig.parseDuration("10 sec"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a duration such as 500ms, 10s, 5m, 1h or 2d");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "dev.vitals.sample.SampleApp --scenario steady | SampleApp",
        "/opt/app/orders-service.jar --port 1         | orders-service",
        "'                                           ' | app",
        "Main                                         | Main",
    })
    void defaultAppName(String command, String expected) {
        assertThat(AgentConfig.defaultAppName(command)).isEqualTo(expected);
    }
}
