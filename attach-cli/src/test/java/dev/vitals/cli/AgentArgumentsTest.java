package dev.vitals.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentArgumentsTest {

    @Test
    void noOptionsGiveAnEmptyString() {
        assertEquals("", new AgentArguments().port(null).bind(null).token(null).config(null).set(null).toString());
    }

    @Test
    void optionsComeInAFixedOrderThenTheSettingsAsGiven(@TempDir Path dir) throws IOException {
        Path config = Files.createFile(dir.resolve("vitals.properties"));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("state.dir", "/var/lib/vitals");
        settings.put("app.name", "orders");
        String args = new AgentArguments().port(0).bind("0.0.0.0").token("s3cret").config(config).set(settings).toString();
        assertEquals("port=0,bind=0.0.0.0,token=s3cret,config=" + config.toAbsolutePath()
                + ",state.dir=/var/lib/vitals,app.name=orders", args);
    }

    @Test
    void aValueMayContainAnEqualsSign() {
        assertEquals("token=a=b", new AgentArguments().token("a=b").toString());
    }

    @ParameterizedTest
    @CsvSource({"0", "9797", "65535"})
    void portsInRangeAreAccepted(int port) {
        assertEquals("port=" + port, new AgentArguments().port(port).toString());
    }

    @ParameterizedTest
    @CsvSource({"-1", "65536"})
    void portsOutOfRangeAreRejected(int port) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AgentArguments().port(port));
        assertEquals("--port must be between 0 and 65535 (0 = any free port), but was " + port, e.getMessage());
    }

    @Test
    void aCommaIsRejectedNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AgentArguments().bind("127.0.0.1,0.0.0.0"));
        assertEquals("--bind must not contain ',' (the agent's arguments are comma-separated), but was"
                + " '127.0.0.1,0.0.0.0'", e.getMessage());
    }

    @Test
    void aCommaInASettingNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AgentArguments().set(Map.of("app.name", "a,b")));
        assertEquals("--set app.name must not contain ',' (the agent's arguments are comma-separated), but was 'a,b'",
                e.getMessage());
    }

    @Test
    void aRejectedTokenIsNotEchoed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AgentArguments().token("top,secret"));
        assertEquals("--token must not contain ',' (the agent's arguments are comma-separated)", e.getMessage());
        assertFalse(e.getMessage().contains("secret"));
    }

    @Test
    void emptyValuesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AgentArguments().bind(""));
        assertEquals("--bind must not be empty", e.getMessage());
    }

    @Test
    void controlCharactersAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AgentArguments().token("a\nb"));
        assertEquals("--token must not contain control characters", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"'bad key'", "'.hidden'", "'a,b'", "''"})
    void oddKeysAreRejected(String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AgentArguments().set(Map.of(key, "1")));
        assertEquals("--set: '" + key + "' is not a valid key (letters, digits, '.', '_' and '-', e.g. --set"
                + " app.name=orders)", e.getMessage());
    }

    @Test
    void aKeyGivenTwiceIsAContradiction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AgentArguments().port(9797).set(Map.of("port", "0")));
        assertEquals("--set port conflicts with --port: both set 'port'; give it once", e.getMessage());
    }

    @Test
    void theConfigFileIsMadeAbsoluteAndMustExist(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AgentArguments().config(missing));
        assertEquals("--config: no such file: " + missing.toAbsolutePath(), e.getMessage());
    }
}
