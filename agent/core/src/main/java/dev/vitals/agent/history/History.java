package dev.vitals.agent.history;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The in-memory, multi-resolution history of samples: every sample for the last hour, one-minute
 * rollups for 24 hours and one-hour rollups for 30 days (see {@link Resolution}), queried in
 * UTC-aligned buckets of any interval.
 *
 * <p>The sampler {@link #add}s one raw point per sample. A sample in a new minute closes the open
 * minute rollup; a closed minute in a new hour closes the open hour rollup. Every raw point and
 * every closed rollup is handed to the {@link Sink} (the {@link HistoryStore}) after the lock is
 * released. {@link #query} picks the finest resolution whose retention covers {@code from}, and
 * adds the still-open rollups, so the newest samples are never missing from a coarse query.
 *
 * <pre>
 * Concurrency: one writer (the sampler thread calls add and, once at start, restore) and any
 *   number of concurrent readers. One lock guards the rings and the open rollups; add holds it
 *   for an append, at most two rollup closes and evictions (microseconds); query holds it only
 *   to copy the points in range (at most 1,440 references) and aggregates the copy outside it.
 *   The sink runs on the writer's thread outside the lock, so slow I/O never blocks readers.
 *
 * Accuracy: see HistoryMetric for how metrics roll up (sums exact, p99s an upper bound). Samples
 *   older than the newest one already added (a clock stepping back) are dropped and counted.
 *
 * Overhead: add() allocates the point's rollup arrays only when a minute or hour closes. Memory is
 *   bounded by Resolution.capacity() points per ring (3,600 + 1,440 + 720 = 5,760) plus two open
 *   rollups. A point is ~230 bytes (17 doubles, array and object headers, an Instant),
 *   so at most ~1.3 MB with one-second sampling; ~0.55 MB at the default 10 s.
 * </pre>
 */
public final class History {

    /** Receives every raw point and every closed rollup, on the writer's thread, in time order per resolution. */
    @FunctionalInterface
    public interface Sink {
        /** Must not throw; a store counts its own failures. */
        void accept(Resolution resolution, HistoryPoint point);

        /** Keeps nothing. */
        Sink NONE = (resolution, point) -> { };
    }

    /** Shortest bucket a query accepts; finer requests are a caller bug (the API offers 1 m and up). */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

    private final Clock clock;
    private final Sink sink;
    private final Object lock = new Object();
    private final Map<Resolution, ArrayDeque<HistoryPoint>> rings = new EnumMap<>(Resolution.class);

    // Guarded by lock.
    private Rollup openMinute = new Rollup();
    private Instant openMinuteStart;
    private Rollup openHour = new Rollup();
    private Instant openHourStart;
    private Instant lastSampleTime;
    private long droppedOutOfOrder;

    /** A history that keeps nothing on disk. */
    public History(Clock clock) {
        this(clock, Sink.NONE);
    }

    /** A history that hands every point it keeps to {@code sink}. */
    public History(Clock clock, Sink sink) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sink = Objects.requireNonNull(sink, "sink");
        for (Resolution r : Resolution.values()) {
            rings.put(r, new ArrayDeque<>());
        }
    }

    /** Adds one raw sample. Called by the single writer (the sampler thread). */
    public void add(HistoryPoint sample) {
        Objects.requireNonNull(sample, "sample");
        List<Emitted> emitted = new ArrayList<>(3);
        synchronized (lock) {
            if (lastSampleTime != null && sample.time().isBefore(lastSampleTime)) {
                droppedOutOfOrder++;
                return;
            }
            lastSampleTime = sample.time();
            rings.get(Resolution.RAW).addLast(sample);
            emitted.add(new Emitted(Resolution.RAW, sample));
            feedMinute(sample, emitted);
            evict(clock.instant());
        }
        emit(emitted);
    }

    /**
     * Restores points read back from disk, before the first {@link #add}. Points are sorted by
     * time; raw samples newer than the last stored minute are replayed into the minute rollup and
     * stored minutes newer than the last stored hour into the hour rollup, so a rollup a crash
     * left unclosed is rebuilt (and handed to the sink once it closes) rather than lost.
     */
    public void restore(Collection<HistoryPoint> raw, Collection<HistoryPoint> minutes, Collection<HistoryPoint> hours) {
        List<Emitted> emitted = new ArrayList<>();
        synchronized (lock) {
            if (lastSampleTime != null || !rings.get(Resolution.MINUTE).isEmpty() || !rings.get(Resolution.HOUR).isEmpty()) {
                throw new IllegalStateException("restore must come before the first add");
            }
            List<HistoryPoint> h = sorted(hours);
            List<HistoryPoint> m = sorted(minutes);
            List<HistoryPoint> r = sorted(raw);
            rings.get(Resolution.HOUR).addAll(h);
            Instant hoursEnd = h.isEmpty() ? null : h.get(h.size() - 1).time().plus(Resolution.HOUR.period());
            for (HistoryPoint minute : m) {
                rings.get(Resolution.MINUTE).addLast(minute);
                if (hoursEnd == null || !minute.time().isBefore(hoursEnd)) {
                    feedHour(minute, emitted);
                }
            }
            Instant minutesEnd = m.isEmpty() ? null : m.get(m.size() - 1).time().plus(Resolution.MINUTE.period());
            for (HistoryPoint sample : r) {
                rings.get(Resolution.RAW).addLast(sample);
                if (minutesEnd == null || !sample.time().isBefore(minutesEnd)) {
                    feedMinute(sample, emitted);
                }
            }
            if (!r.isEmpty()) {
                lastSampleTime = r.get(r.size() - 1).time();
            }
            evict(clock.instant());
        }
        emit(emitted);
    }

    /**
     * Buckets of {@code interval}, aligned to multiples of it since the epoch (UTC), holding the
     * points stamped within {@code [from, to]} (both inclusive), oldest first; only buckets with
     * data. Each bucket is stamped with its start. Built from the finest resolution whose
     * retention covers {@code from} (see {@link #resolutionFor}); an interval finer than that
     * resolution's period yields one bucket per rollup. For minute and hour resolution, {@code
     * from} is first rounded down to the resolution's period so the rollup that contains it counts.
     *
     * @throws IllegalArgumentException if {@code from} is after {@code to} or the interval is
     *     shorter than {@link #MIN_INTERVAL} or not a whole number of milliseconds
     */
    public List<HistoryPoint> query(Instant from, Instant to, Duration interval) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(interval, "interval");
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("from " + from + " is after to " + to);
        }
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("interval must be whole milliseconds and at least " + MIN_INTERVAL + ", was " + interval);
        }
        List<HistoryPoint> copy = new ArrayList<>();
        synchronized (lock) {
            Resolution res = resolutionFor(from, judgedAt(to, clock.instant()));
            Instant start = res == Resolution.RAW ? from : Resolution.floor(from, res.period());
            for (HistoryPoint p : rings.get(res)) {
                if (!p.time().isBefore(start) && !p.time().isAfter(to)) {
                    copy.add(p);
                }
            }
            if (res == Resolution.HOUR && !openHour.isEmpty()) {
                addIfIn(openHour.toPoint(openHourStart), start, to, copy);
            }
            if (res != Resolution.RAW && !openMinute.isEmpty()) {
                addIfIn(openMinute.toPoint(openMinuteStart), start, to, copy);
            }
        }
        long width = interval.toMillis();
        TreeMap<Long, Rollup> buckets = new TreeMap<>();
        for (HistoryPoint p : copy) {
            long key = Math.floorDiv(p.time().toEpochMilli(), width) * width;
            buckets.computeIfAbsent(key, k -> new Rollup()).add(p);
        }
        List<HistoryPoint> out = new ArrayList<>(buckets.size());
        buckets.forEach((key, rollup) -> out.add(rollup.toPoint(Instant.ofEpochMilli(key))));
        return out;
    }

    /**
     * The moment a query's resolution is chosen at: {@code to} when it is within a minute before
     * now, else now. A caller that computed {@code from = now - 24 h} a moment ago would otherwise
     * find {@code from} a few milliseconds past the minute rollups' 24-hour retention and get
     * hourly points; judged at its own {@code to}, it reads the resolution its window fits.
     */
    private static Instant judgedAt(Instant to, Instant now) {
        return to.isBefore(now) && to.isAfter(now.minus(Duration.ofMinutes(1))) ? to : now;
    }

    /**
     * The resolution a query starting at {@code from} reads at {@code now}: raw if {@code from} is
     * within the last hour, minutes if within the last 24 hours, else hours.
     */
    public static Resolution resolutionFor(Instant from, Instant now) {
        if (Resolution.RAW.retains(from, now)) {
            return Resolution.RAW;
        }
        return Resolution.MINUTE.retains(from, now) ? Resolution.MINUTE : Resolution.HOUR;
    }

    /** A copy of the closed points kept at one resolution, oldest first (open rollups excluded). */
    public List<HistoryPoint> points(Resolution resolution) {
        synchronized (lock) {
            return new ArrayList<>(rings.get(resolution));
        }
    }

    /** Samples dropped because they were older than one already added. */
    public long droppedOutOfOrder() {
        synchronized (lock) {
            return droppedOutOfOrder;
        }
    }

    private static void addIfIn(HistoryPoint p, Instant start, Instant to, List<HistoryPoint> out) {
        if (!p.time().isBefore(start) && !p.time().isAfter(to)) {
            out.add(p);
        }
    }

    private void feedMinute(HistoryPoint sample, List<Emitted> emitted) {
        Instant minute = Resolution.floor(sample.time(), Resolution.MINUTE.period());
        if (openMinuteStart != null && !openMinuteStart.equals(minute)) {
            HistoryPoint closed = openMinute.toPoint(openMinuteStart);
            openMinute = new Rollup();
            rings.get(Resolution.MINUTE).addLast(closed);
            emitted.add(new Emitted(Resolution.MINUTE, closed));
            feedHour(closed, emitted);
        }
        openMinuteStart = minute;
        openMinute.add(sample);
    }

    private void feedHour(HistoryPoint minute, List<Emitted> emitted) {
        Instant hour = Resolution.floor(minute.time(), Resolution.HOUR.period());
        if (openHourStart != null && !openHourStart.equals(hour)) {
            HistoryPoint closed = openHour.toPoint(openHourStart);
            openHour = new Rollup();
            rings.get(Resolution.HOUR).addLast(closed);
            emitted.add(new Emitted(Resolution.HOUR, closed));
        }
        openHourStart = hour;
        openHour.add(minute);
    }

    private void evict(Instant now) {
        for (Resolution r : Resolution.values()) {
            ArrayDeque<HistoryPoint> ring = rings.get(r);
            while (!ring.isEmpty() && (ring.size() > r.capacity() || !r.retains(ring.peekFirst().time(), now))) {
                ring.removeFirst();
            }
        }
    }

    private void emit(List<Emitted> emitted) {
        for (Emitted e : emitted) {
            sink.accept(e.resolution(), e.point());
        }
    }

    /** A point for the sink, collected under the lock and handed over after it. */
    private record Emitted(Resolution resolution, HistoryPoint point) { }

    private static List<HistoryPoint> sorted(Collection<HistoryPoint> points) {
        List<HistoryPoint> list = new ArrayList<>(points);
        list.sort(Comparator.comparing(HistoryPoint::time));
        return list;
    }
}
