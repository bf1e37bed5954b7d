package dev.vitals.agent.history;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;

/**
 * One immutable point of history: a sample's derived numbers, or a rollup of several samples.
 *
 * <p>A raw point is stamped with the instant it was sampled and its counts cover the
 * {@link HistoryMetric#INTERVAL_SECONDS} before it; a rollup or query bucket is stamped with the
 * start of its period and {@link #samples()} says how many raw samples it holds. Times are kept to
 * the millisecond (the file format's precision). Values are in the units the metric documents
 * (seconds for times); an absent metric reads as {@link Double#NaN}.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class HistoryPoint {

    private final Instant time;
    private final int samples;
    private final double[] values;

    /** Takes ownership of {@code values} (one slot per metric, NaN = absent). */
    HistoryPoint(Instant time, int samples, double[] values) {
        this.time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MILLIS);
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, was " + samples);
        }
        this.samples = samples;
        this.values = values;
    }

    /** A builder for one raw sample taken at {@code time}. */
    public static Builder at(Instant time) {
        return new Builder(time);
    }

    /** When the sample was taken, or the start of the rollup's period. */
    public Instant time() {
        return time;
    }

    /** Raw samples this point holds: 1 for a sample, more for a rollup. */
    public int samples() {
        return samples;
    }

    /** The metric's value, or NaN when the point has none. */
    public double get(HistoryMetric metric) {
        return values[metric.ordinal()];
    }

    /** True if the point has a value for the metric. */
    public boolean has(HistoryMetric metric) {
        return !Double.isNaN(values[metric.ordinal()]);
    }

    /** Σ cache hits / Σ cache requests, 0–1; NaN without cache traffic. */
    public double cacheHitRate() {
        return ratio(HistoryMetric.CACHE_HITS, HistoryMetric.CACHE_REQUESTS);
    }

    /** Σ queries / Σ covered seconds; NaN when either is missing or zero. */
    public double queriesPerSecond() {
        return ratio(HistoryMetric.QUERIES, HistoryMetric.INTERVAL_SECONDS);
    }

    /** Σ failed statements / Σ statements, 0–1; NaN without queries. */
    public double errorRate() {
        return ratio(HistoryMetric.ERRORS, HistoryMetric.QUERIES);
    }

    private double ratio(HistoryMetric numerator, HistoryMetric denominator) {
        double d = get(denominator);
        double n = get(numerator);
        return Double.isNaN(d) || d == 0 || Double.isNaN(n) ? Double.NaN : n / d;
    }

    /** Raw slot access for the codec and rollups; never mutate the result. */
    double valueAt(int ordinal) {
        return values[ordinal];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HistoryPoint p && time.equals(p.time) && samples == p.samples
                && Arrays.equals(values, p.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * time.hashCode() + samples) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("HistoryPoint{").append(time).append(", samples=").append(samples);
        for (HistoryMetric m : HistoryMetric.values()) {
            if (has(m)) {
                b.append(", ").append(m.key()).append('=').append(get(m));
            }
        }
        return b.append('}').toString();
    }

    /** Builds one raw sample. Not thread-safe; use once. */
    public static final class Builder {
        private final Instant time;
        private final double[] values = new double[HistoryMetric.count()];
        private int samples = 1;

        private Builder(Instant time) {
            this.time = Objects.requireNonNull(time, "time");
            Arrays.fill(values, Double.NaN);
        }

        /** Sets a metric; NaN leaves it absent. Infinite values are rejected. */
        public Builder set(HistoryMetric metric, double value) {
            if (Double.isInfinite(value)) {
                throw new IllegalArgumentException(metric.key() + " must be finite, was " + value);
            }
            values[metric.ordinal()] = value;
            return this;
        }

        /** Raw samples the point stands for (default 1); for tests and imports of pre-rolled data. */
        public Builder samples(int samples) {
            this.samples = samples;
            return this;
        }

        /** The point; metrics with a {@link HistoryMetric#source()} left unset are copied from it. */
        public HistoryPoint build() {
            double[] v = values.clone();
            for (HistoryMetric m : HistoryMetric.values()) {
                if (m.source() != null && Double.isNaN(v[m.ordinal()])) {
                    v[m.ordinal()] = v[m.source().ordinal()];
                }
            }
            return new HistoryPoint(time, samples, v);
        }
    }
}
