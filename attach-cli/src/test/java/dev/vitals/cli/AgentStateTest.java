package dev.vitals.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AgentStateTest {

    @Test
    void readsWhatTheAgentPublishes() {
        Properties p = new Properties();
        p.setProperty("vitals.url", "http://127.0.0.1:41234/");
        p.setProperty("vitals.token.file", "/root/.vitals/demo/token-1234");
        p.setProperty("vitals.version", "0.1.0-SNAPSHOT");
        AgentState state = AgentState.of(p);
        assertTrue(state.running());
        assertEquals("http://127.0.0.1:41234/ (token file: /root/.vitals/demo/token-1234)", state.describe());
        assertEquals("0.1.0-SNAPSHOT", state.version());
        assertNull(state.error());
    }

    @Test
    void blankMeansAbsent() {
        Properties p = new Properties();
        p.setProperty("vitals.url", " ");
        p.setProperty("vitals.error", "port 9797 is in use");
        AgentState state = AgentState.of(p);
        assertFalse(state.running());
        assertEquals("port 9797 is in use", state.error());
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:41234/, http://127.0.0.1:41234/api/v1/health",
        "http://127.0.0.1:41234, http://127.0.0.1:41234/api/v1/health",
        "http://0.0.0.0:9797/, http://127.0.0.1:9797/api/v1/health",
        "http://[::]:9797/, http://[::1]:9797/api/v1/health",
        "http://10.1.2.3:9797/, http://10.1.2.3:9797/api/v1/health",
        "http://localhost:9797/vitals/, http://localhost:9797/vitals/api/v1/health"})
    void healthIsResolvedAgainstAConnectableUrl(String url, String health) {
        assertEquals(URI.create(health), new AgentState(url, null, null, null).healthUri());
    }

    @ParameterizedTest
    @CsvSource({"1.8, 8", "17, 17", "21, 21", "25, 25", "'', 0", "x, 0"})
    void javaMajorVersion(String spec, int major) {
        Properties p = new Properties();
        p.setProperty("java.specification.version", spec);
        assertEquals(major, TargetJvm.javaMajor(p));
    }
}
