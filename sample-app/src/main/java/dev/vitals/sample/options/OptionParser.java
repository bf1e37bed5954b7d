package dev.vitals.sample.options;

import dev.vitals.sample.workload.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns {@code String[] args} into {@link Options}, or a {@link UsageException} whose message names
 * the option at fault and the values it accepts.
 *
 * <p>Accepts {@code --name value} and {@code --name=value}. Each option may be given once.
 * Stateless apart from one parse's locals; safe from any thread.
 */
public final class OptionParser {
    /** More workers than this would only measure the scheduler of a 2-core machine. */
    static final int MAX_THREADS = 256;
    /** Far above what a demo database wants; guards against typos such as 1000. */
    static final int MAX_POOL_SIZE = 100;
    /** Rewriting the truth file more often than this only churns the disk. */
    static final Duration MIN_TRUTH_INTERVAL = Duration.ofMillis(50);

    private static final String DURATION_FORMS = "such as 500ms, 10s, 5m or 1h";

    /** Options that take a value, with what the value is (for "needs a value" messages). */
    private static final Map<String, String> VALUED = Map.of(
            "--jdbc-url", "a JDBC URL starting with jdbc:h2: or jdbc:postgresql:",
            "--user", "a database user name",
            "--password", "a database password",
            "--scenario", "one of " + Scenario.acceptedNames(),
            "--threads", "a whole number from 1 to " + MAX_THREADS,
            "--pool-size", "a whole number from 1 to " + MAX_POOL_SIZE,
            "--duration", "a positive duration " + DURATION_FORMS,
            "--truth-file", "a file path",
            "--truth-interval", "a duration of at least 50ms " + DURATION_FORMS);

    /** Options that are switches: giving a value to them is an error. */
    private static final List<String> FLAGS = List.of("--exit-after-duration", "--start-paused");

    /** Parses {@code args}; never returns partially validated options. */
    public Options parse(String[] args) throws UsageException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            // Help wins over every other argument, valid or not: the user is asking how to call us.
            return new Options(Options.DEFAULT_JDBC_URL, Optional.empty(), Optional.empty(), Scenario.STEADY,
                    Scenario.STEADY.defaultThreads(), Scenario.STEADY.defaultPoolSize(), Optional.empty(), false, false,
                    Optional.empty(), Options.DEFAULT_TRUTH_INTERVAL, true);
        }
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (FLAGS.contains(name)) {
                if (value != null) {
                    throw new UsageException(name + " takes no value, got '" + value + "'");
                }
                value = "";
            } else if (VALUED.containsKey(name)) {
                if (value == null) {
                    // The next word is the value unless it is missing or is itself an option.
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new UsageException(name + " needs a value: " + VALUED.get(name));
                    }
                    value = args[++i];
                }
            } else if (arg.startsWith("-")) {
                throw new UsageException("unknown option '" + name + "'; run with --help to see the options");
            } else {
                throw new UsageException("unexpected argument '" + arg + "'; all options start with --");
            }
            if (given.put(name, value) != null) {
                throw new UsageException(name + " is given more than once");
            }
        }
        return resolve(given);
    }

    private static Options resolve(Map<String, String> given) throws UsageException {
        String jdbcUrl = given.getOrDefault("--jdbc-url", Options.DEFAULT_JDBC_URL);
        if (!jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new UsageException("--jdbc-url must start with jdbc:h2: or jdbc:postgresql:, got '"
                    + jdbcUrl + "'");
        }
        Scenario scenario = Scenario.STEADY;
        if (given.containsKey("--scenario")) {
            String name = given.get("--scenario");
            scenario = Scenario.byCliName(name).orElseThrow(() -> new UsageException(
                    "--scenario must be one of " + Scenario.acceptedNames() + ", got '" + name + "'"));
        }
        int threads = wholeNumber(given, "--threads", MAX_THREADS, scenario.defaultThreads());
        int poolSize = wholeNumber(given, "--pool-size", MAX_POOL_SIZE, scenario.defaultPoolSize());

        Optional<Duration> duration = Optional.empty();
        if (given.containsKey("--duration")) {
            String text = given.get("--duration");
            Duration d = DurationText.parse(text).filter(x -> !x.isZero()).orElseThrow(() ->
                    new UsageException("--duration must be a positive duration " + DURATION_FORMS
                            + ", got '" + text + "'"));
            duration = Optional.of(d);
        }
        boolean exitAfterDuration = given.containsKey("--exit-after-duration");
        if (exitAfterDuration && duration.isEmpty()) {
            throw new UsageException("--exit-after-duration needs --duration: without it the workload never ends");
        }

        Duration truthInterval = Options.DEFAULT_TRUTH_INTERVAL;
        if (given.containsKey("--truth-interval")) {
            String text = given.get("--truth-interval");
            truthInterval = DurationText.parse(text)
                    .filter(d -> d.compareTo(MIN_TRUTH_INTERVAL) >= 0)
                    .orElseThrow(() -> new UsageException("--truth-interval must be a duration of at least 50ms "
                            + DURATION_FORMS + ", got '" + text + "'"));
        }
        Optional<Path> truthFile = Optional.empty();
        if (given.containsKey("--truth-file")) {
            String text = given.get("--truth-file");
            if (text.isBlank()) {
                throw new UsageException("--truth-file needs a value: a file path");
            }
            truthFile = Optional.of(Path.of(text).toAbsolutePath());
        }
        return new Options(jdbcUrl,
                Optional.ofNullable(given.get("--user")),
                Optional.ofNullable(given.get("--password")),
                scenario, threads, poolSize, duration, exitAfterDuration, given.containsKey("--start-paused"), truthFile,
                truthInterval, false);
    }

    private static int wholeNumber(Map<String, String> given, String name, int max, int fallback)
            throws UsageException {
        if (!given.containsKey(name)) {
            return fallback;
        }
        String text = given.get(name);
        String expected = name + " must be a whole number from 1 to " + max + ", got '" + text + "'";
        int n;
        try {
            n = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(expected);
        }
        if (n < 1 || n > max) {
            throw new UsageException(expected);
        }
        return n;
    }

    /** The text {@code --help} prints. */
    public static String usage() {
        return """
                Usage: java -jar vitals-sample-app.jar [options]

                A demo workload (HikariCP, H2 or PostgreSQL, Caffeine) for the Vitals agent to watch.

                Options:
                  --jdbc-url URL          jdbc:h2:... or jdbc:postgresql:... (default: %s)
                  --user NAME             database user
                  --password SECRET       database password
                  --scenario NAME         %s (default: steady)
                  --threads N             worker threads, 1 to %d (default: 8 for pool-starvation, else 4)
                  --pool-size N           orders-pool maximum size, 1 to %d (default: 3 for pool-starvation, else 10)
                  --duration D            run the workload for D (500ms, 10s, 5m, 1h), then idle (default: until stopped)
                  --exit-after-duration   exit instead of idling when --duration has elapsed
                  --start-paused          open the pools and caches, then wait for the 'start' command
                  --truth-file FILE       write the ground truth JSON here (atomically)
                  --truth-interval D      rewrite the truth file every D, at least 50ms (default: 1s)
                  -h, --help              print this help and exit

                Commands on standard input, one per line:
                  stop    stop the workload, write the final truth, stay alive idle
                  truth   write the truth file now
                  exit    stop and exit with status 0
                """.formatted(Options.DEFAULT_JDBC_URL, Scenario.acceptedNames(), MAX_THREADS, MAX_POOL_SIZE);
    }
}
