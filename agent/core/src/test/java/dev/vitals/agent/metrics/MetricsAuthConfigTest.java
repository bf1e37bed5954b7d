package dev.vitals.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.agent.AgentConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code metrics.auth}: whether {@code /metrics} needs the token. */
class MetricsAuthConfigTest {

    private static AgentConfig load(String arguments, Map<String, String> properties) {
        return AgentConfig.load(arguments, properties, Map.of(), "OrderService", Path.of("/home/test"));
    }

    @Test
    void theTokenIsNeededByDefault() {
        AgentConfig config = load(null, Map.of());
        assertThat(config.metricsNeedToken()).isTrue();
        assertThat(config.settings().get("metrics.auth"))
                .isEqualTo(new AgentConfig.Setting("metrics.auth", "token", AgentConfig.Source.DEFAULT));
        assertThat(config.warnings()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"none, false", "NONE, false", "token, true", "Token, true"})
    void takesTokenOrNoneInAnyCase(String value, boolean needToken) {
        assertThat(load("metrics.auth=" + value, Map.of()).metricsNeedToken()).isEqualTo(needToken);
        assertThat(load(null, Map.of("vitals.metrics.auth", value)).metricsNeedToken()).isEqualTo(needToken);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "open  | invalid value 'open' for 'metrics.auth' (from the agent arguments): expected token (/metrics needs the token) or none (/metrics is public); using the default 'token'",
        "''    | invalid value '' for 'metrics.auth' (from the agent arguments): expected token (/metrics needs the token) or none (/metrics is public); using the default 'token'",
        "false | invalid value 'false' for 'metrics.auth' (from the agent arguments): expected token (/metrics needs the token) or none (/metrics is public); using the default 'token'",
    })
    void anythingElseIsReportedWithTheAcceptedValuesAndTheTokenStaysNeeded(String value, String warning) {
        AgentConfig config = load("metrics.auth=" + value, Map.of());
        assertThat(config.metricsNeedToken()).isTrue();
        assertThat(config.warnings()).containsExactly(warning);
    }
}
