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
        "colour=red     | unknown configuration key 'colour' in the agent arguments; known keys: port, bind, token, app.name, state.dir, log.file, log.level, sql.max_statements, sql.slow_threshold, caches.names, sample.interval, score.window, history.max_mb, metrics.auth, config",
        "justaword      | agent argument 'justaword' is not key=value (example: port=9797,token=...)",
        "sql.max_statements=9      | invalid value '9' for 'sql.max_statements' (from the agent arguments): expected a whole number 10..100000; using the default '1000'",
        "sql.max_statements=100001 | invalid value '100001' for 'sql.max_statements' (from the agent arguments): expected a whole number 10..100000; using the default '1000'",
        "sql.max_statements=lots   | invalid value 'lots' for 'sql.max_statements' (from the agent arguments): expected a whole number 10..100000; using the default '1000'",
        "sql.slow_threshold=0s     | invalid value '0s' for 'sql.slow_threshold' (from the agent arguments): expected a duration above zero, such as 500ms or 1s; using the default '1s'",
        "sql.slow_threshold=1 sec  | invalid value '1 sec' for 'sql.slow_threshold' (from the agent arguments): expected a duration such as 500ms, 10s, 5m, 1h or 2d; using the default '1s'",
        "caches.names=Orders.x     | invalid value 'Orders.x' for 'caches.names' (from the agent arguments): expected site=name pairs separated by ';', such as OrderService.customers=customers;PriceService:42=prices (a site is Class.field, Class:line or a cache's default name; a name is 1 to 64 letters, digits, '.', '_', ':' or '-'); using the default (none)",
        "caches.names=a=x;a=y      | invalid value 'a=x;a=y' for 'caches.names' (from the agent arguments): the site a is named twice; expected site=name pairs separated by ';', such as OrderService.customers=customers;PriceService:42=prices (a site is Class.field, Class:line or a cache's default name; a name is 1 to 64 letters, digits, '.', '_', ':' or '-'); using the default (none)",
        "sample.interval=500ms     | invalid value '500ms' for 'sample.interval' (from the agent arguments): expected a duration from 1s to 1h; using the default '10s'",
        "sample.interval=2h        | invalid value '2h' for 'sample.interval' (from the agent arguments): expected a duration from 1s to 1h; using the default '10s'",
        "sample.interval=often     | invalid value 'often' for 'sample.interval' (from the agent arguments): expected a duration such as 500ms, 10s, 5m, 1h or 2d, from 1s to 1h; using the default '10s'",
        "score.window=5s           | invalid value '5s' for 'score.window' (from the agent arguments): expected a duration from 10s to 1h; using the default '5m'",
        "history.max_mb=0          | invalid value '0' for 'history.max_mb' (from the agent arguments): expected a whole number of megabytes 1..10240; using the default '50'",
        "history.max_mb=lots       | invalid value 'lots' for 'history.max_mb' (from the agent arguments): expected a whole number of megabytes 1..10240; using the default '50'",
    })
    void badArgumentsAreReportedAndDefaultsUsed(String args, String warning) {
        AgentConfig config = load(args, Map.of(), Map.of());

        assertThat(config.warnings()).containsExactly(warning);
        assertThat(config.port()).isEqualTo(9797);
    }

    @Test
    void sqlSettingsHaveDefaultsAndAcceptTheirRange() {
        AgentConfig defaults = load(null, Map.of(), Map.of());
        AgentConfig given = load("sql.max_statements=10,sql.slow_threshold=250ms", Map.of(), Map.of());
        AgentConfig largest = load("sql.max_statements=100000", Map.of(), Map.of());

        assertThat(defaults.sqlMaxStatements()).isEqualTo(1000);
        assertThat(defaults.sqlSlowThreshold()).isEqualTo(Duration.ofSeconds(1));
        assertThat(given.sqlMaxStatements()).isEqualTo(10);
        assertThat(given.sqlSlowThreshold()).isEqualTo(Duration.ofMillis(250));
        assertThat(largest.sqlMaxStatements()).isEqualTo(100_000);
        assertThat(given.warnings()).isEmpty();
        assertThat(largest.warnings()).isEmpty();
    }

    @Test
    void samplingSettingsHaveDefaultsAndTheWindowIsNeverShorterThanTheInterval() {
        AgentConfig defaults = load(null, Map.of(), Map.of());
        AgentConfig fast = load("sample.interval=1s,score.window=10s,history.max_mb=1", Map.of(), Map.of());
        AgentConfig stretched = load("sample.interval=1m,score.window=30s", Map.of(), Map.of());

        assertThat(defaults.sampleInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.scoreWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.historyMaxBytes()).isEqualTo(50L * 1024 * 1024);
        assertThat(fast.sampleInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(fast.scoreWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(fast.historyMaxBytes()).isEqualTo(1024L * 1024);
        assertThat(stretched.scoreWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(fast.warnings()).isEmpty();
    }

    @Test
    void cacheNamesAreSitesAndNamesAndEmptyByDefault() {
        assertThat(load(null, Map.of(), Map.of()).cacheNames()).isEmpty();

        AgentConfig given = load("caches.names=OrderService.customers=customers;PriceService:42=prices", Map.of(),
                Map.of());

        assertThat(given.cacheNames()).containsExactly(Map.entry("OrderService.customers", "customers"),
                Map.entry("PriceService:42", "prices"));
        assertThat(given.warnings()).isEmpty();
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
                + "; known keys: port, bind, token, app.name, state.dir, log.file, log.level, sql.max_statements, sql.slow_threshold, caches.names, sample.interval, score.window, history.max_mb, metrics.auth, config");
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
