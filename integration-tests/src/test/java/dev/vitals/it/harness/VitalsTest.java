package dev.vitals.it.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VitalsTest {

    @Test
    void parsesTheAgentStartLine() {
        Vitals vitals = Vitals.fromStartLine("[vitals] warn: something\n"
                + "vitals 0.1.0-SNAPSHOT listening on http://127.0.0.1:41234/ (token file: /tmp/x y/token-12)\n");

        assertThat(vitals.version()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(vitals.url()).isEqualTo(URI.create("http://127.0.0.1:41234/"));
        assertThat(vitals.port()).isEqualTo(41234);
        assertThat(vitals.tokenFile()).isEqualTo(Path.of("/tmp/x y/token-12"));
    }

    @Test
    void noStartLineIsNull() {
        assertThat(Vitals.fromStartLine("[vitals] error: HTTP server not started\n")).isNull();
    }

    @Test
    void parsesTheCliAttachLine() {
        Vitals vitals = Vitals.fromAttachOutput(
                "attached to 1234: http://127.0.0.1:5555/ (token file: /root/.vitals/demo/token-1234)\n");

        assertThat(vitals.url()).isEqualTo(URI.create("http://127.0.0.1:5555/"));
        assertThat(vitals.tokenFile()).isEqualTo(Path.of("/root/.vitals/demo/token-1234"));
    }

    @Test
    void refusesNonLoopbackUrls() {
        assertThatThrownBy(() -> new Vitals("v", URI.create("http://192.0.2.1:80/"), Path.of("/t")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-loopback");
    }

    @Test
    void acceptsLoopbackAndWildcardUrls() {
        new Vitals("v", URI.create("http://localhost:80/"), Path.of("/t"));
        new Vitals("v", URI.create("http://[::1]:80/"), Path.of("/t"));
        new Vitals("v", URI.create("http://0.0.0.0:80/"), Path.of("/t"));
    }
}
