package dev.vitals.sample.options;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads durations written the way people type them on a command line: a whole number and one unit,
 * {@code 500ms}, {@code 10s}, {@code 5m} or {@code 1h}.
 *
 * <p>Stateless; safe from any thread.
 */
public final class DurationText {
    /** Digits then a unit; {@code ms} must be tried before {@code m}, hence the order. */
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

    private DurationText() {
    }

    /** The duration {@code text} denotes, or empty if it is not in the accepted format. */
    public static Optional<Duration> parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(m.group(1));
        try {
            return Optional.of(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            });
        } catch (ArithmeticException tooLarge) {
            return Optional.empty();
        }
    }
}
