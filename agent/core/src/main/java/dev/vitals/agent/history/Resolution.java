package dev.vitals.agent.history;

import java.time.Duration;
import java.time.Instant;

/**
 * The three resolutions {@link History} keeps and {@link HistoryStore} persists: every sample for
 * an hour, one-minute rollups for a day, one-hour rollups for thirty days.
 */
public enum Resolution {
    /** Every sample as taken. */
    RAW("raw", Duration.ZERO, Duration.ofHours(1), 3_600, Duration.ofHours(1)),
    /** One point per UTC minute. */
    MINUTE("minute", Duration.ofMinutes(1), Duration.ofHours(24), 1_440, Duration.ofDays(1)),
    /** One point per UTC hour. */
    HOUR("hour", Duration.ofHours(1), Duration.ofDays(30), 720, Duration.ofDays(10));

    private final String fileName;
    private final Duration period;
    private final Duration retention;
    private final int capacity;
    private final Duration segmentSpan;

    Resolution(String fileName, Duration period, Duration retention, int capacity, Duration segmentSpan) {
        this.fileName = fileName;
        this.period = period;
        this.retention = retention;
        this.capacity = capacity;
        this.segmentSpan = segmentSpan;
    }

    /** Prefix of this resolution's segment files. */
    public String fileName() {
        return fileName;
    }

    /** Width of one point: zero for raw samples, else the rollup period (points are stamped with its start). */
    public Duration period() {
        return period;
    }

    /** How long points are kept: a point is kept while {@code time >= now - retention}. */
    public Duration retention() {
        return retention;
    }

    /**
     * Most points kept in memory whatever their times: the retention at the finest rate (one
     * sample a second for raw). Bounds memory if the sampler runs faster than 1 s or the clock jumps.
     */
    public int capacity() {
        return capacity;
    }

    /** Time one segment file covers (UTC-aligned). */
    public Duration segmentSpan() {
        return segmentSpan;
    }

    /** True if {@code time} is within retention at {@code now}. */
    boolean retains(Instant time, Instant now) {
        return !time.isBefore(now.minus(retention));
    }

    /** {@code time} rounded down to a multiple of {@code width} since the epoch (UTC-aligned). */
    static Instant floor(Instant time, Duration width) {
        long w = width.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(time.toEpochMilli(), w) * w);
    }
}
