package dev.vitals.agent.score;

import java.util.List;
import java.util.Objects;

/**
 * Everything the score model and the recommendation rules look at: one evaluation window.
 *
 * <p>Counts ({@code borrows}, {@code hits}, {@code errors}, …) are the increase <em>within</em>
 * the window, so a sampler fills them by subtracting the cumulative snapshot at the window's
 * start from the one at its end ({@link #delta(long, long)} does that and survives a counter
 * reset). Gauges ({@code active}, {@code size}, …) are the value at the window's end; the few
 * window extremes ({@code peakActive}, {@code lowestActive}) are the minimum and maximum the
 * sampler saw over the window's samples. Durations are in seconds. Immutable; lists are copied.
 *
 * @param windowSeconds the length of the window, seconds; only used in evidence text
 * @param pools the connection pools seen in the window, in a stable order (the order of reasons)
 * @param caches the caches seen in the window, in a stable order
 * @param sql the SQL statements of the window, all data sources together
 * @param availability the availability samples of the window
 */
public record ScoreInput(double windowSeconds, List<Pool> pools, List<Cache> caches, Sql sql,
        Availability availability) {

    public ScoreInput {
        if (!(windowSeconds > 0) || Double.isInfinite(windowSeconds)) {
            throw new IllegalArgumentException("windowSeconds must be a positive number of seconds, was " + windowSeconds);
        }
        pools = List.copyOf(pools);
        caches = List.copyOf(caches);
        sql = sql == null ? Sql.NONE : sql;
        availability = availability == null ? Availability.NONE : availability;
    }

    /**
     * The increase of a cumulative counter between two snapshots. A counter that went down was
     * reset (the pool or cache was rebuilt, the agent re-attached): the later value is then the
     * whole increase since the reset.
     */
    public static long delta(long before, long after) {
        return after >= before ? after - before : after;
    }

    /**
     * One connection pool over the window.
     *
     * @param name the pool's name ({@code poolName})
     * @param maxPoolSize {@code maximumPoolSize}
     * @param active connections lent out at the window's end
     * @param idle idle connections at the window's end
     * @param pending threads waiting for a connection at the window's end
     * @param borrows connections lent in the window
     * @param timeouts borrow attempts that timed out in the window ({@code SQLTransientConnectionException})
     * @param avgWaitSeconds mean time to get a connection in the window, seconds; null without borrows
     * @param p99WaitSeconds 99th percentile of that time, seconds; null without borrows
     * @param p99UsageSeconds 99th percentile of the time a connection was held, seconds; null when unknown
     * @param peakActive the most connections lent at once over the window's samples; null when unknown
     *     (then {@code active} stands in)
     * @param lowestActive the fewest connections lent at once over the window's samples; null when
     *     unknown (then {@code active} stands in)
     */
    public record Pool(String name, int maxPoolSize, int active, int idle, int pending, long borrows, long timeouts,
            Double avgWaitSeconds, Double p99WaitSeconds, Double p99UsageSeconds, Integer peakActive,
            Integer lowestActive) {

        public Pool {
            Objects.requireNonNull(name, "name");
            if (maxPoolSize < 1 || active < 0 || idle < 0 || pending < 0 || borrows < 0 || timeouts < 0) {
                throw new IllegalArgumentException("pool " + name + ": maxPoolSize must be >= 1 and counts >= 0");
            }
        }

        /** A pool with only the end-of-window gauges and counts; no wait, usage or extremes. */
        public static Pool of(String name, int maxPoolSize, int active, int idle, int pending, long borrows,
                long timeouts) {
            return new Pool(name, maxPoolSize, active, idle, pending, borrows, timeouts, null, null, null, null, null);
        }

        /** Whether the window says anything about this pool: a borrow, a timeout, a waiter or a lent connection. */
        public boolean hasData() {
            return borrows + timeouts > 0 || pending > 0 || active > 0;
        }

        /** The wait figure that is scored: p99 when known, else the mean; null when neither is. */
        public Double scoredWaitSeconds() {
            return p99WaitSeconds != null ? p99WaitSeconds : avgWaitSeconds;
        }

        /** {@code peakActive}, or {@code active} when the sampler did not track it. */
        public int peakOrActive() {
            return peakActive != null ? peakActive : active;
        }

        /** {@code lowestActive}, or {@code active} when the sampler did not track it. */
        public int lowestOrActive() {
            return lowestActive != null ? lowestActive : active;
        }
    }

    /**
     * One cache over the window.
     *
     * @param name the cache's name
     * @param hits lookups that found a value in the window
     * @param misses lookups that did not in the window
     * @param evictions entries removed for size or weight in the window
     * @param expirations entries removed because they expired in the window; a source that cannot
     *     tell the causes apart (Caffeine's {@code evictionCount} counts both) reports the sum as
     *     {@code evictions} and 0 here
     * @param loads loads (successful or not) in the window
     * @param loadFailures loads that threw or returned null in the window
     * @param maxSize the eviction maximum (entries or weight); null when the cache has none
     * @param size entries at the window's end
     * @param expireAfterWriteSeconds expire-after-write, seconds; null when none
     * @param expireAfterAccessSeconds expire-after-access, seconds; null when none
     */
    public record Cache(String name, long hits, long misses, long evictions, long expirations, long loads,
            long loadFailures, Long maxSize, long size, Double expireAfterWriteSeconds,
            Double expireAfterAccessSeconds) {

        public Cache {
            Objects.requireNonNull(name, "name");
            if (hits < 0 || misses < 0 || evictions < 0 || expirations < 0 || loads < 0 || loadFailures < 0
                    || size < 0 || (maxSize != null && maxSize < 0)) {
                throw new IllegalArgumentException("cache " + name + ": counts and sizes must be >= 0");
            }
        }

        /** {@code hits + misses}. */
        public long requests() {
            return hits + misses;
        }

        /** {@code hits / requests}; null without requests. */
        public Double hitRate() {
            long requests = requests();
            return requests == 0 ? null : (double) hits / requests;
        }

        /** Whether an expiry is configured. */
        public boolean expires() {
            return expireAfterWriteSeconds != null || expireAfterAccessSeconds != null;
        }
    }

    /**
     * The SQL of the window.
     *
     * @param calls statement executions in the window
     * @param errors executions that threw in the window
     * @param p99Seconds 99th percentile execution time over all statements, seconds; null without calls
     * @param totalSeconds summed execution time of all statements in the window, seconds
     * @param statementCount distinct (normalized) statements executed in the window
     * @param topStatements the statements with the most total time in the window, any order (the
     *     rules sort them); a sampler keeps a bounded number
     * @param previousErrorRate {@code errors / calls} of the window before this one; null when
     *     unknown or that window had no calls
     */
    public record Sql(long calls, long errors, Double p99Seconds, double totalSeconds, int statementCount,
            List<Statement> topStatements, Double previousErrorRate) {

        /** No SQL in the window. */
        public static final Sql NONE = new Sql(0, 0, null, 0, 0, List.of(), null);

        public Sql {
            if (calls < 0 || errors < 0 || errors > calls || totalSeconds < 0 || statementCount < 0) {
                throw new IllegalArgumentException("sql: counts must be >= 0 and errors <= calls");
            }
            topStatements = List.copyOf(topStatements);
        }

        /** {@code errors / calls}; null without calls. */
        public Double errorRate() {
            return calls == 0 ? null : (double) errors / calls;
        }
    }

    /**
     * One normalized statement over the window.
     *
     * @param sql the normalized SQL text
     * @param totalSeconds summed execution time in the window, seconds
     * @param calls executions in the window
     */
    public record Statement(String sql, double totalSeconds, long calls) {

        public Statement {
            Objects.requireNonNull(sql, "sql");
            if (totalSeconds < 0 || calls < 0) {
                throw new IllegalArgumentException("statement: totalSeconds and calls must be >= 0");
            }
        }
    }

    /**
     * The availability samples of the window (definition in {@code docs/SCORING.md}): a sample is
     * available when every pool lent connections without a timeout since the previous sample and
     * the health of that sample (scored without availability) was not {@code critical}.
     *
     * @param samples samples taken in the window
     * @param availableSamples of those, the available ones
     */
    public record Availability(long samples, long availableSamples) {

        /** No samples in the window. */
        public static final Availability NONE = new Availability(0, 0);

        public Availability {
            if (samples < 0 || availableSamples < 0 || availableSamples > samples) {
                throw new IllegalArgumentException("availability: need 0 <= availableSamples <= samples");
            }
        }

        /** {@code availableSamples / samples}; null without samples. */
        public Double ratio() {
            return samples == 0 ? null : (double) availableSamples / samples;
        }
    }
}
