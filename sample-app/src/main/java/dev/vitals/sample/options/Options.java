package dev.vitals.sample.options;

import dev.vitals.sample.workload.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The validated command line. Every value is already checked and defaulted by {@link OptionParser},
 * including the scenario-dependent defaults of {@code threads} and {@code poolSize}.
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param jdbcUrl           where the data lives; {@code jdbc:h2:} or {@code jdbc:postgresql:}
 * @param user              database user, empty to let the driver decide
 * @param password          database password, empty for none
 * @param scenario          the workload to run
 * @param threads           worker threads
 * @param poolSize          {@code orders-pool}'s maximum size
 * @param duration          how long the workload runs; empty means until stopped
 * @param exitAfterDuration exit the JVM when {@code duration} has elapsed instead of idling
 * @param startPaused       set everything up but start the workload only on the {@code start} command
 * @param truthFile         where the ground truth JSON is written; empty means nowhere
 * @param truthInterval     how often the truth file is rewritten while the app runs
 * @param help              {@code --help} was given: print usage and exit 0, nothing else
 */
public record Options(
        String jdbcUrl,
        Optional<String> user,
        Optional<String> password,
        Scenario scenario,
        int threads,
        int poolSize,
        Optional<Duration> duration,
        boolean exitAfterDuration,
        boolean startPaused,
        Optional<Path> truthFile,
        Duration truthInterval,
        boolean help) {

    /** The embedded database used when no {@code --jdbc-url} is given; lives as long as the JVM. */
    public static final String DEFAULT_JDBC_URL = "jdbc:h2:mem:vitals;DB_CLOSE_DELAY=-1";

    /** How often the truth file is rewritten when {@code --truth-interval} is not given. */
    public static final Duration DEFAULT_TRUTH_INTERVAL = Duration.ofSeconds(1);
}
