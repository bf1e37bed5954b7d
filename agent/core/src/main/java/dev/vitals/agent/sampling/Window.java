package dev.vitals.agent.sampling;

import dev.vitals.agent.histogram.LatencyHistogram;
import dev.vitals.agent.sampling.Interval.CacheDelta;
import dev.vitals.agent.sampling.Interval.PoolDelta;
import dev.vitals.agent.score.ScoreInput;
import dev.vitals.agent.snapshot.CacheSnapshot;
import dev.vitals.agent.snapshot.PoolSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The score window: the intervals of the last {@code score.window}, and the cumulative SQL
 * counts the window before it needs for "error rate rising".
 *
 * <p>The window is a run of whole intervals: those that ended less than {@code length} before the
 * newest one ended. Counts are summed, histograms merged (so a window p99 is the p99 of every
 * record in it, not a mean of p99s), gauges taken from the newest interval, and a pool's
 * {@code peakActive}/{@code lowestActive} are the extremes of its sampled {@code active} (a peak
 * between two samples is not seen).
 *
 * <p>Memory: intervals are sparse (see {@link Interval#footprintBytes()}); should they ever add
 * up to more than {@link #MAX_BYTES}, the oldest are dropped and the window is that much shorter
 * (its {@code windowSeconds} says so). Single-threaded: only the sampler uses it.
 */
final class Window {

    /** Most heap the intervals may hold; far above what a realistic window needs (kilobytes). */
    static final long MAX_BYTES = 8L * 1024 * 1024;

    /** Statements the score input lists (the rules look at the top three). */
    static final int TOP_STATEMENTS = 10;

    private record Checkpoint(Instant time, long calls, long errors) {
    }

    private final Duration length;
    private final ArrayDeque<Interval> intervals = new ArrayDeque<>();
    private final ArrayDeque<Checkpoint> checkpoints = new ArrayDeque<>();
    private long bytes;

    Window(Duration length) {
        this.length = length;
    }

    /**
     * Adds the newest interval, with the cumulative SQL counts at its end.
     *
     * @param start when the interval began (the checkpoint for the window before the first)
     */
    void add(Interval interval, Instant start, long cumulativeCalls, long cumulativeErrors) {
        if (checkpoints.isEmpty()) {
            checkpoints.add(new Checkpoint(start, 0, 0));
        }
        checkpoints.add(new Checkpoint(interval.end(), cumulativeCalls, cumulativeErrors));
        intervals.addLast(interval);
        bytes += interval.footprintBytes();
        Instant cutoff = interval.end().minus(length);
        while (intervals.size() > 1 && (!intervals.peekFirst().end().isAfter(cutoff) || bytes > MAX_BYTES)) {
            bytes -= intervals.removeFirst().footprintBytes();
        }
        // Keep checkpoints back to two windows before the newest: the previous window's start.
        Instant oldestNeeded = interval.end().minus(length.multipliedBy(2)).minus(Duration.ofSeconds(1));
        while (checkpoints.size() > 2) {
            Checkpoint first = checkpoints.removeFirst();
            if (!checkpoints.peekFirst().time().isBefore(oldestNeeded)) {
                checkpoints.addFirst(first);
                break;
            }
        }
    }

    /** The window's score input. */
    ScoreInput input() {
        List<Interval> list = new ArrayList<>(intervals);
        long samples = list.stream().filter(i -> i.available() != null).count();
        long available = list.stream().filter(i -> Boolean.TRUE.equals(i.available())).count();
        return build(list, previousErrorRate(), new ScoreInput.Availability(samples, available));
    }

    /**
     * The error rate of the window of the same length just before this one; null while the agent
     * is younger than two windows or that window had no calls.
     */
    private Double previousErrorRate() {
        Interval first = intervals.peekFirst();
        Interval last = intervals.peekLast();
        if (first == null) {
            return null;
        }
        Instant end = first.end().minusNanos((long) (first.seconds() * 1e9));
        Duration span = Duration.between(end, last.end());
        Checkpoint atEnd = latestAtOrBefore(end);
        Checkpoint atStart = latestAtOrBefore(end.minus(span));
        if (atEnd == null || atStart == null || atStart == atEnd) {
            return null;
        }
        // The start checkpoint must really be a window back, not just the oldest one kept.
        if (Duration.between(atStart.time(), atEnd.time()).compareTo(span.multipliedBy(9).dividedBy(10)) < 0) {
            return null;
        }
        long calls = ScoreInput.delta(atStart.calls(), atEnd.calls());
        long errors = ScoreInput.delta(atStart.errors(), atEnd.errors());
        return calls == 0 ? null : (double) Math.min(errors, calls) / calls;
    }

    private Checkpoint latestAtOrBefore(Instant time) {
        Checkpoint found = null;
        // Checkpoints are few (two windows of samples) and in time order.
        for (Checkpoint c : checkpoints) {
            if (c.time().isAfter(time.plusMillis(1))) {
                break;
            }
            found = c;
        }
        return found;
    }

    /**
     * The score input of a run of intervals (oldest first): pools and caches are those live at
     * the newest interval's end.
     */
    static ScoreInput build(List<Interval> run, Double previousErrorRate, ScoreInput.Availability availability) {
        Interval newest = run.get(run.size() - 1);
        double seconds = run.stream().mapToDouble(Interval::seconds).sum();

        List<ScoreInput.Pool> pools = new ArrayList<>();
        for (Map.Entry<Integer, PoolDelta> entry : newest.pools().entrySet()) {
            pools.add(pool(entry.getKey(), entry.getValue().end(), run));
        }
        List<ScoreInput.Cache> caches = new ArrayList<>();
        for (Map.Entry<String, CacheDelta> entry : newest.caches().entrySet()) {
            caches.add(cache(entry.getKey(), entry.getValue().end(), run));
        }
        return new ScoreInput(Math.max(seconds, 0.001), pools, caches, sql(run, previousErrorRate), availability);
    }

    private static ScoreInput.Pool pool(int id, PoolSnapshot end, List<Interval> run) {
        long borrows = 0;
        long timeouts = 0;
        int peak = end.active();
        int lowest = end.active();
        List<LatencyHistogram.Sparse> acquire = new ArrayList<>();
        List<LatencyHistogram.Sparse> usage = new ArrayList<>();
        for (Interval interval : run) {
            PoolDelta delta = interval.pools().get(id);
            if (delta == null) {
                continue;
            }
            borrows += delta.borrows();
            timeouts += delta.timeouts();
            acquire.add(delta.acquire());
            usage.add(delta.usage());
            peak = Math.max(peak, delta.end().active());
            lowest = Math.min(lowest, delta.end().active());
        }
        LatencyHistogram.Snapshot waits = LatencyHistogram.Sparse.merge(acquire);
        LatencyHistogram.Snapshot uses = LatencyHistogram.Sparse.merge(usage);
        return new ScoreInput.Pool(end.poolName(), Math.max(1, end.maxPoolSize()), end.active(), end.idle(),
                end.pending(), borrows, timeouts, mean(waits), p99(waits), p99(uses), peak, lowest);
    }

    private static ScoreInput.Cache cache(String name, CacheSnapshot end, List<Interval> run) {
        long hits = 0;
        long misses = 0;
        long evictions = 0;
        long loads = 0;
        long failures = 0;
        for (Interval interval : run) {
            CacheDelta delta = interval.caches().get(name);
            if (delta != null) {
                hits += delta.hits();
                misses += delta.misses();
                evictions += delta.evictions();
                loads += delta.loads();
                failures += delta.loadFailures();
            }
        }
        // Caffeine's eviction count includes expiry: all of it goes to evictions (see ScoreInput.Cache).
        return new ScoreInput.Cache(name, hits, misses, evictions, 0, loads, Math.min(failures, loads),
                end.maxSize(), end.size(), end.expireAfterWrite(), end.expireAfterAccess());
    }

    private static ScoreInput.Sql sql(List<Interval> run, Double previousErrorRate) {
        long calls = 0;
        long errors = 0;
        List<LatencyHistogram.Sparse> all = new ArrayList<>();
        Map<Integer, long[]> byStatement = new HashMap<>();
        Map<Integer, String> text = new HashMap<>();
        for (Interval interval : run) {
            calls += interval.sql().calls();
            errors += interval.sql().errors();
            all.add(interval.sql().all());
            interval.sql().statements().forEach((id, d) -> {
                long[] sum = byStatement.computeIfAbsent(id, k -> new long[2]);
                sum[0] += d[0];
                sum[1] += d[1];
            });
            text.putAll(interval.sql().sqlById());
        }
        if (calls == 0) {
            return new ScoreInput.Sql(0, 0, null, 0, 0, List.of(), previousErrorRate);
        }
        LatencyHistogram.Snapshot times = LatencyHistogram.Sparse.merge(all);
        List<ScoreInput.Statement> top = byStatement.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<Integer, long[]> e) -> e.getValue()[1]).reversed()
                        .thenComparing(Map.Entry::getKey))
                .limit(TOP_STATEMENTS)
                .map(e -> new ScoreInput.Statement(text.get(e.getKey()), e.getValue()[1] / 1e9, e.getValue()[0]))
                .toList();
        return new ScoreInput.Sql(calls, Math.min(errors, calls), p99(times), times.sumNanos() / 1e9,
                byStatement.size(), top, previousErrorRate);
    }

    static Double mean(LatencyHistogram.Snapshot s) {
        return s.count() == 0 ? null : s.meanNanos() / 1e9;
    }

    static Double p99(LatencyHistogram.Snapshot s) {
        return s.count() == 0 ? null : s.percentileNanos(99) / 1e9;
    }

    /** Intervals held (for tests and the health report). */
    int size() {
        return intervals.size();
    }

    /** Bytes the intervals hold, roughly. */
    long bytes() {
        return bytes;
    }
}
