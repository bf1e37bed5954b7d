package dev.vitals.agent.sampling;

import dev.vitals.agent.hikari.PoolReading;
import dev.vitals.agent.histogram.LatencyHistogram;
import dev.vitals.agent.history.History;
import dev.vitals.agent.threads.DaemonThreads;
import dev.vitals.agent.history.HistoryMetric;
import dev.vitals.agent.history.HistoryPoint;
import dev.vitals.agent.sampling.Interval.CacheDelta;
import dev.vitals.agent.sampling.Interval.PoolDelta;
import dev.vitals.agent.sampling.Interval.SqlDelta;
import dev.vitals.agent.sampling.Sources.SqlReading;
import dev.vitals.agent.score.HealthScore;
import dev.vitals.agent.score.Recommendations;
import dev.vitals.agent.score.ScoreInput;
import dev.vitals.agent.score.ScoreModel;
import dev.vitals.agent.snapshot.CacheSnapshot;
import dev.vitals.agent.snapshot.PoolSnapshot;
import dev.vitals.agent.snapshot.StatementCounts;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Takes a {@link Sample} every {@code sample.interval} on its own daemon thread: reads every
 * recorder, subtracts the previous reading to get the interval, slides the score window, scores
 * it, adds a point to the {@link History} and hands the sample to the listeners (Prometheus
 * export, alert rules, the live stream).
 *
 * <pre>
 * Concurrency: {@link #sampleNow()} is synchronized: the scheduled task and on-demand callers
 *   (rule checks) take turns; {@link #latest()} is a volatile read for any thread. Listeners run
 *   on the sampling thread, after the sample is published, each guarded: one that throws is
 *   counted and does not stop the others or the schedule.
 * Cost: one pass over the recorders (every statement histogram is summed into one accumulator,
 *   no per-statement copy), a few small maps, one history append and fsync. The duration is in
 *   every sample and on /api/v1/health.
 * Application threads are never involved: the recorders are read with volatile reads.
 * </pre>
 */
public final class Sampler implements AutoCloseable {

    /** Health as a number for history and Prometheus: healthy 1, degraded 0.5, critical 0. */
    public static double healthValue(String health) {
        return switch (health) {
            case HealthScore.HEALTHY -> 1.0;
            case HealthScore.DEGRADED -> 0.5;
            default -> 0.0;
        };
    }

    /** Per-thread CPU time; the platform MBean server is not involved (nor created). */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final Sources sources;
    private final History history;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Duration interval;
    private final Duration windowLength;
    private final Window window;
    private final List<Consumer<Sample>> listeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService scheduler;

    // Guarded by this.
    private final Map<Integer, PoolReading> previousPools = new HashMap<>();
    private final Map<String, CacheSnapshot> previousCaches = new HashMap<>();
    private final Map<Integer, StatementCounts> previousStatements = new HashMap<>();
    private LatencyHistogram.Snapshot previousSql = LatencyHistogram.Snapshot.EMPTY;
    private long previousNanos;
    private Instant previousTime;
    private long sequence;

    private volatile Sample latest;
    private volatile long lastCpuNanos = -1;
    private volatile long listenerFailures;
    private volatile String lastProblem;

    /**
     * @param sources what to read
     * @param history where each sample's point goes
     * @param clock wall clock for sample times
     * @param nanoTime monotonic clock for interval lengths and durations
     * @param interval {@code sample.interval}
     * @param windowLength {@code score.window}
     * @param startedNanos {@code nanoTime} when the agent started: the first interval begins there
     */
    public Sampler(Sources sources, History history, Clock clock, LongSupplier nanoTime, Duration interval,
            Duration windowLength, long startedNanos) {
        this.sources = sources;
        this.history = history;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.interval = interval;
        this.windowLength = windowLength;
        this.window = new Window(windowLength);
        this.previousNanos = startedNanos;
        this.previousTime = clock.instant().minusNanos(Math.max(0, nanoTime.getAsLong() - startedNanos));
    }

    /** Takes the first sample now, then one every interval on the {@code vitals-sampler} daemon thread. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("vitals-sampler"));
        long millis = interval.toMillis();
        scheduler.scheduleAtFixedRate(this::sampleGuarded, 0, millis, TimeUnit.MILLISECONDS);
    }

    private void sampleGuarded() {
        try {
            sampleNow();
        } catch (RuntimeException | Error e) {
            // Never let one bad sample end the schedule (a scheduled task that throws is cancelled).
            lastProblem = "sample failed: " + e;
        }
    }

    /** The newest sample, or null before the first. */
    public Sample latest() {
        return latest;
    }

    /** The configured interval. */
    public Duration interval() {
        return interval;
    }

    /** The configured score window. */
    public Duration windowLength() {
        return windowLength;
    }

    /** Called with every new sample, on the sampling thread; must be quick and not block. */
    public void addListener(Consumer<Sample> listener) {
        listeners.add(listener);
    }

    /** CPU time the newest sample took on its thread, nanoseconds; -1 when the JVM cannot tell. */
    public long lastCpuNanos() {
        return lastCpuNanos;
    }

    /** The last failure of a sample or a listener, or null. */
    public String lastProblem() {
        return lastProblem;
    }

    /** Listener calls that threw. */
    public long listenerFailures() {
        return listenerFailures;
    }

    /** Takes a sample now, publishes it and tells the listeners. */
    public Sample sampleNow() {
        Sample sample;
        synchronized (this) {
            long cpu = CPU.isCurrentThreadCpuTimeSupported() ? CPU.getCurrentThreadCpuTime() : -1;
            sample = take();
            latest = sample;
            lastCpuNanos = cpu < 0 ? -1 : CPU.getCurrentThreadCpuTime() - cpu;
        }
        for (Consumer<Sample> listener : listeners) {
            try {
                listener.accept(sample);
            } catch (RuntimeException | Error e) {
                listenerFailures++;
                lastProblem = "listener " + listener.getClass().getSimpleName() + " failed: " + e;
            }
        }
        return sample;
    }

    private Sample take() {
        long begin = nanoTime.getAsLong();
        Instant time = clock.instant();
        double seconds = Math.max(1e-3, (begin - previousNanos) / 1e9);

        List<PoolReading> pools = sources.pools();
        List<CacheSnapshot> caches = sources.caches();
        SqlReading sql = sources.sql();

        Map<Integer, PoolDelta> poolDeltas = poolDeltas(pools);
        Map<String, CacheDelta> cacheDeltas = cacheDeltas(caches);
        SqlDelta sqlDelta = sqlDelta(sql);

        // The interval's own health, without availability (which it is an input of): see SCORING.md.
        // A sample with nothing to score (no traffic, no waiter) says nothing about availability.
        Interval provisional = new Interval(time, seconds, poolDeltas, cacheDeltas, sqlDelta, null);
        HealthScore own = ScoreModel.score(Window.build(List.of(provisional), null, ScoreInput.Availability.NONE));
        boolean timeoutFree = poolDeltas.values().stream().allMatch(p -> p.timeouts() == 0);
        Boolean available = own.performanceScore() == null ? null
                : timeoutFree && !own.systemHealth().equals(HealthScore.CRITICAL);
        Interval interval = new Interval(time, seconds, poolDeltas, cacheDeltas, sqlDelta, available);

        long cumulativeCalls = sql.all().count();
        long cumulativeErrors = sql.statements().stream().mapToLong(StatementCounts::errors).sum();
        window.add(interval, previousTime, cumulativeCalls, cumulativeErrors);
        ScoreInput input = window.input();
        HealthScore score = ScoreModel.score(input);

        HistoryPoint point = point(interval, pools, score);
        history.add(point);

        sequence++;
        previousNanos = begin;
        previousTime = time;
        SqlTotals totals = totals(sql, cumulativeCalls, cumulativeErrors);
        List<PoolSnapshot> poolSnapshots = pools.stream().map(PoolReading::snapshot).toList();
        return new Sample(time, sequence, seconds, poolSnapshots, caches, totals, input, score,
                Recommendations.evaluate(input), point, nanoTime.getAsLong() - begin);
    }

    private Map<Integer, PoolDelta> poolDeltas(List<PoolReading> pools) {
        Map<Integer, PoolDelta> deltas = new LinkedHashMap<>();
        Map<Integer, PoolReading> now = new HashMap<>();
        for (PoolReading reading : pools) {
            PoolReading before = previousPools.get(reading.id());
            LatencyHistogram.Snapshot acquire = before == null ? reading.acquire() : reading.acquire().minus(before.acquire());
            LatencyHistogram.Snapshot usage = before == null ? reading.usage() : reading.usage().minus(before.usage());
            long timeouts = ScoreInput.delta(before == null ? 0 : before.snapshot().poolExhaustedCount(),
                    reading.snapshot().poolExhaustedCount());
            // HikariCP times every attempt, timed out or not (as PoolSnapshot counts them).
            long attempts = Math.max(acquire.count(), timeouts);
            deltas.put(reading.id(), new PoolDelta(reading.snapshot(), attempts, timeouts, acquire.sparse(),
                    usage.sparse()));
            now.put(reading.id(), reading);
        }
        previousPools.clear();
        previousPools.putAll(now);
        return deltas;
    }

    private Map<String, CacheDelta> cacheDeltas(List<CacheSnapshot> caches) {
        Map<String, CacheDelta> deltas = new LinkedHashMap<>();
        Map<String, CacheSnapshot> now = new HashMap<>();
        for (CacheSnapshot cache : caches) {
            CacheSnapshot before = previousCaches.get(cache.name());
            deltas.put(cache.name(), new CacheDelta(cache,
                    ScoreInput.delta(before == null ? 0 : before.hits(), cache.hits()),
                    ScoreInput.delta(before == null ? 0 : before.misses(), cache.misses()),
                    ScoreInput.delta(before == null ? 0 : before.evictions(), cache.evictions()),
                    ScoreInput.delta(before == null ? 0 : before.loadSuccess() + before.loadFailure(),
                            cache.loadSuccess() + cache.loadFailure()),
                    ScoreInput.delta(before == null ? 0 : before.loadFailure(), cache.loadFailure())));
            now.put(cache.name(), cache);
        }
        previousCaches.clear();
        previousCaches.putAll(now);
        return deltas;
    }

    private SqlDelta sqlDelta(SqlReading sql) {
        LatencyHistogram.Snapshot all = sql.all().minus(previousSql);
        previousSql = sql.all();
        long errors = 0;
        Map<Integer, long[]> changed = new HashMap<>();
        Map<Integer, String> text = new HashMap<>();
        for (StatementCounts counts : sql.statements()) {
            StatementCounts before = previousStatements.put(counts.id(), counts);
            long calls = ScoreInput.delta(before == null ? 0 : before.calls(), counts.calls());
            errors += ScoreInput.delta(before == null ? 0 : before.errors(), counts.errors());
            if (calls > 0) {
                long nanos = ScoreInput.delta(before == null ? 0 : before.sumNanos(), counts.sumNanos());
                changed.put(counts.id(), new long[] {calls, nanos});
                text.put(counts.id(), counts.sql());
            }
        }
        if (all.count() == 0 && changed.isEmpty()) {
            return SqlDelta.NONE;
        }
        return new SqlDelta(all.count(), Math.min(errors, all.count()), all.sparse(), changed, text);
    }

    /** This sample's history point: the last interval's figures and the window's score. */
    private static HistoryPoint point(Interval interval, List<PoolReading> pools, HealthScore score) {
        HistoryPoint.Builder point = HistoryPoint.at(interval.end())
                .set(HistoryMetric.INTERVAL_SECONDS, interval.seconds())
                .set(HistoryMetric.HEALTH, healthValue(score.systemHealth()));
        if (interval.available() != null) {
            point.set(HistoryMetric.AVAILABLE, interval.available() ? 1 : 0);
        }
        if (score.performanceScore() != null) {
            point.set(HistoryMetric.PERFORMANCE_SCORE, score.performanceScore());
        }
        if (!interval.caches().isEmpty()) {
            long hits = 0;
            long requests = 0;
            for (CacheDelta cache : interval.caches().values()) {
                hits += cache.hits();
                requests += cache.hits() + cache.misses();
            }
            point.set(HistoryMetric.CACHE_HITS, hits).set(HistoryMetric.CACHE_REQUESTS, requests);
        }
        if (!pools.isEmpty()) {
            point.set(HistoryMetric.ACTIVE_CONNECTIONS, pools.stream().mapToInt(p -> p.snapshot().active()).sum())
                    .set(HistoryMetric.PENDING_THREADS, pools.stream().mapToInt(p -> p.snapshot().pending()).sum())
                    .set(HistoryMetric.CONNECTION_TIMEOUTS,
                            interval.pools().values().stream().mapToLong(PoolDelta::timeouts).sum());
            LatencyHistogram.Snapshot waits = LatencyHistogram.Sparse.merge(
                    interval.pools().values().stream().map(PoolDelta::acquire).toList());
            if (waits.count() > 0) {
                point.set(HistoryMetric.AVG_WAIT_TIME, waits.meanNanos() / 1e9)
                        .set(HistoryMetric.P99_WAIT_TIME, waits.percentileNanos(99) / 1e9);
            }
        }
        SqlDelta sql = interval.sql();
        point.set(HistoryMetric.QUERIES, sql.calls()).set(HistoryMetric.ERRORS, sql.errors());
        if (sql.calls() > 0) {
            point.set(HistoryMetric.QUERY_P99_TIME,
                    LatencyHistogram.Sparse.merge(List.of(sql.all())).percentileNanos(99) / 1e9);
        }
        return point.build();
    }

    private static SqlTotals totals(SqlReading sql, long calls, long errors) {
        List<SqlTotals.StatementTotals> top = sql.statements().stream()
                .sorted(Comparator.comparingLong(StatementCounts::sumNanos).reversed()
                        .thenComparingInt(StatementCounts::id))
                .limit(SqlTotals.TOP_STATEMENTS)
                .map(c -> new SqlTotals.StatementTotals(c.dataSource(), c.sql(), c.kind(), c.calls(), c.errors(),
                        c.sumNanos() / 1e9))
                .toList();
        return new SqlTotals(calls, errors, sql.all().sumNanos() / 1e9, sql.statements().size(), sql.slowQueries(),
                top);
    }

    /**
     * Stops the schedule and waits (up to 5 s) for a sample in progress to finish, so that after
     * a detach no agent thread runs our code. Not synchronized while waiting: the sampling thread
     * may need this object's lock to finish.
     */
    @Override
    public void close() {
        ScheduledExecutorService stopping;
        synchronized (this) {
            stopping = scheduler;
            scheduler = null;
        }
        if (stopping == null) {
            return;
        }
        // shutdown, not shutdownNow: periodic runs stop either way, and an interrupt would close the
        // history file's channel in the middle of a write (FileChannel is interruptible).
        stopping.shutdown();
        try {
            stopping.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
