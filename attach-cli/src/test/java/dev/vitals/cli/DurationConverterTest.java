package dev.vitals.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @ParameterizedTest
    @CsvSource({"500ms, 500", "30s, 30000", "2m, 120000", "1h, 3600000", "45, 45000", "PT1.5S, 1500", "' 10 S ', 10000"})
    void parses(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), converter.convert(text));
    }

    @Test
    void rejectsNonsense() {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> converter.convert("soon"));
        assertEquals("'soon' is not a duration (use e.g. 500ms, 30s, 2m, 1h)", e.getMessage());
    }

    @Test
    void rejectsZero() {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> converter.convert("0s"));
        assertEquals("'0s' must be a positive duration", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"500, 500ms", "30000, 30s", "120000, 2m", "7200000, 2h", "90000, 90s"})
    void formatsTheWayUsersTypeIt(long millis, String text) {
        assertEquals(text, DurationConverter.format(Duration.ofMillis(millis)));
    }
}
