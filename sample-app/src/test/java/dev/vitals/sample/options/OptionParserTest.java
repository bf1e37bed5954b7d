package dev.vitals.sample.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vitals.sample.workload.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionParserTest {
    private final OptionParser parser = new OptionParser();

    private Options parse(String... args) throws UsageException {
        return parser.parse(args);
    }

    @Test
    void noArgumentsGiveTheDefaults() throws Exception {
        Options o = parse();
        assertEquals(Options.DEFAULT_JDBC_URL, o.jdbcUrl());
        assertEquals(Optional.empty(), o.user());
        assertEquals(Optional.empty(), o.password());
        assertEquals(Scenario.STEADY, o.scenario());
        assertEquals(4, o.threads());
        assertEquals(10, o.poolSize());
        assertEquals(Optional.empty(), o.duration());
        assertFalse(o.exitAfterDuration());
        assertEquals(Optional.empty(), o.truthFile());
        assertEquals(Duration.ofSeconds(1), o.truthInterval());
        assertFalse(o.help());
    }

    @Test
    void poolStarvationDefaultsToASmallPoolAndManyThreads() throws Exception {
        Options o = parse("--scenario", "pool-starvation");
        assertEquals(Scenario.POOL_STARVATION, o.scenario());
        assertEquals(3, o.poolSize());
        assertEquals(8, o.threads());
    }

    @Test
    void explicitValuesWinOverScenarioDefaults() throws Exception {
        Options o = parse("--pool-size=5", "--scenario=pool-starvation", "--threads", "2");
        assertEquals(5, o.poolSize());
        assertEquals(2, o.threads());
    }

    @Test
    void readsEveryOption() throws Exception {
        Options o = parse("--jdbc-url", "jdbc:postgresql://127.0.0.1:5432/test", "--user", "postgres",
                "--password", "s3cret", "--scenario", "slow-queries", "--duration", "5m", "--exit-after-duration",
                "--truth-file", "/tmp/t.json", "--truth-interval", "250ms");
        assertEquals("jdbc:postgresql://127.0.0.1:5432/test", o.jdbcUrl());
        assertEquals(Optional.of("postgres"), o.user());
        assertEquals(Optional.of("s3cret"), o.password());
        assertEquals(Scenario.SLOW_QUERIES, o.scenario());
        assertEquals(Optional.of(Duration.ofMinutes(5)), o.duration());
        assertTrue(o.exitAfterDuration());
        assertEquals(Optional.of(Path.of("/tmp/t.json")), o.truthFile());
        assertEquals(Duration.ofMillis(250), o.truthInterval());
    }

    @ParameterizedTest
    @CsvSource({"500ms, PT0.5S", "10s, PT10S", "5m, PT5M", "1h, PT1H"})
    void readsDurations(String text, Duration expected) throws Exception {
        assertEquals(Optional.of(expected), parse("--duration", text).duration());
    }

    @Test
    void helpWinsOverEverythingElse() throws Exception {
        assertTrue(parse("--threads", "zero", "--help").help());
        assertTrue(parse("-h").help());
        assertTrue(OptionParser.usage().contains("--scenario NAME"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            --scenario|busy|--scenario must be one of steady, pool-starvation, cache-thrash, slow-queries, got 'busy'
            --threads|0|--threads must be a whole number from 1 to 256, got '0'
            --threads|257|--threads must be a whole number from 1 to 256, got '257'
            --threads|four|--threads must be a whole number from 1 to 256, got 'four'
            --threads|-1|--threads must be a whole number from 1 to 256, got '-1'
            --pool-size|101|--pool-size must be a whole number from 1 to 100, got '101'
            --duration|5|--duration must be a positive duration such as 500ms, 10s, 5m or 1h, got '5'
            --duration|0s|--duration must be a positive duration such as 500ms, 10s, 5m or 1h, got '0s'
            --duration|1d|--duration must be a positive duration such as 500ms, 10s, 5m or 1h, got '1d'
            --truth-interval|10ms|--truth-interval must be a duration of at least 50ms such as 500ms, 10s, 5m or 1h, got '10ms'
            --jdbc-url|jdbc:mysql://localhost/db|--jdbc-url must start with jdbc:h2: or jdbc:postgresql:, got 'jdbc:mysql://localhost/db'
            """)
    void rejectsBadValuesNamingTheOptionAndWhatItAccepts(String option, String value, String message) {
        UsageException e = assertThrows(UsageException.class, () -> parse(option, value));
        assertEquals(message, e.getMessage());
    }

    @Test
    void rejectsMissingValues() {
        assertEquals("--threads needs a value: a whole number from 1 to 256",
                assertThrows(UsageException.class, () -> parse("--threads")).getMessage());
        assertEquals("--scenario needs a value: one of steady, pool-starvation, cache-thrash, slow-queries",
                assertThrows(UsageException.class, () -> parse("--scenario", "--threads", "2")).getMessage());
        assertEquals("--truth-file needs a value: a file path",
                assertThrows(UsageException.class, () -> parse("--truth-file=")).getMessage());
    }

    @Test
    void rejectsUnknownRepeatedAndContradictoryArguments() {
        assertEquals("unknown option '--thread'; run with --help to see the options",
                assertThrows(UsageException.class, () -> parse("--thread", "4")).getMessage());
        assertEquals("unexpected argument 'steady'; all options start with --",
                assertThrows(UsageException.class, () -> parse("steady")).getMessage());
        assertEquals("--threads is given more than once",
                assertThrows(UsageException.class, () -> parse("--threads", "2", "--threads=3")).getMessage());
        assertEquals("--exit-after-duration takes no value, got 'yes'",
                assertThrows(UsageException.class, () -> parse("--exit-after-duration=yes")).getMessage());
        assertEquals("--exit-after-duration needs --duration: without it the workload never ends",
                assertThrows(UsageException.class, () -> parse("--exit-after-duration")).getMessage());
    }
}
