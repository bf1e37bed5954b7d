package dev.vitals.sample.workload;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The workloads the sample app can run, with the defaults that make each behave as named.
 *
 * <p>Immutable; safe to share between threads.
 */
public enum Scenario {
    /** A healthy mix: mostly cache hits, short queries, short connection holds. */
    STEADY("steady", 4, 10, Duration.ofSeconds(5)),
    /**
     * Too few connections for too many threads that hold them too long. The 250 ms connection
     * timeout is Hikari's minimum, so waiting threads give up (and are counted) quickly.
     */
    POOL_STARVATION("pool-starvation", 8, 3, Duration.ofMillis(250)),
    /** Uniformly random keys over a key space several times the caches' maximum sizes. */
    CACHE_THRASH("cache-thrash", 4, 10, Duration.ofSeconds(5)),
    /** The steady mix plus a report query that takes 1 to 2 seconds inside the database. */
    SLOW_QUERIES("slow-queries", 4, 10, Duration.ofSeconds(5));

    private final String cliName;
    private final int defaultThreads;
    private final int defaultPoolSize;
    private final Duration connectionTimeout;

    Scenario(String cliName, int defaultThreads, int defaultPoolSize, Duration connectionTimeout) {
        this.cliName = cliName;
        this.defaultThreads = defaultThreads;
        this.defaultPoolSize = defaultPoolSize;
        this.connectionTimeout = connectionTimeout;
    }

    /** The name used on the command line and in the truth file, e.g. {@code pool-starvation}. */
    public String cliName() {
        return cliName;
    }

    /** Worker threads when {@code --threads} is not given. */
    public int defaultThreads() {
        return defaultThreads;
    }

    /** {@code orders-pool}'s maximum size when {@code --pool-size} is not given. */
    public int defaultPoolSize() {
        return defaultPoolSize;
    }

    /** How long a {@code getConnection()} on {@code orders-pool} waits before it throws. */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /** The scenario with this command-line name, if any (exact, lower case). */
    public static Optional<Scenario> byCliName(String name) {
        return Arrays.stream(values()).filter(s -> s.cliName.equals(name)).findFirst();
    }

    /** The accepted names, comma-separated, for messages: {@code steady, pool-starvation, ...}. */
    public static String acceptedNames() {
        return Arrays.stream(values()).map(Scenario::cliName).collect(Collectors.joining(", "));
    }
}
