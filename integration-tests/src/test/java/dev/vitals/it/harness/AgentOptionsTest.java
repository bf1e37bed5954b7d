package dev.vitals.it.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AgentOptionsTest {

    @Test
    void rendersTheJavaagentArgumentInOrder() {
        AgentOptions options = AgentOptions.of("port", "0", "token", "t", "state.dir", "/tmp/s");

        assertThat(options.toAgentArgument()).isEqualTo("port=0,token=t,state.dir=/tmp/s");
    }

    @Test
    void rendersCliOptionsWithSetForKeysWithoutAnOptionOfTheirOwn() {
        AgentOptions options = AgentOptions.of("port", "0", "bind", "127.0.0.1", "token", "t",
                "config", "/c.properties", "app.name", "demo");

        assertThat(options.toCliArguments()).containsExactly(
                "--port", "0", "--bind", "127.0.0.1", "--token", "t", "--config", "/c.properties",
                "--set", "app.name=demo");
    }

    @Test
    void rejectsAnOddNumberOfArguments() {
        assertThatThrownBy(() -> AgentOptions.of("port")).isInstanceOf(IllegalArgumentException.class);
    }
}
