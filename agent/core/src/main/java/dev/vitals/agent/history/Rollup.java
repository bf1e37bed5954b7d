package dev.vitals.agent.history;

import java.time.Instant;
import java.util.Arrays;

/**
 * Accumulates points into one by each metric's {@link HistoryMetric.Combine} rule: sums add,
 * means weigh each point by its {@link HistoryPoint#samples()}, maxima and minima take the
 * extreme. Absent values are skipped; a metric absent from every point stays absent. Combining
 * rollups gives the same result as combining their samples (exactly for sums and extremes; for
 * means up to floating-point rounding, and provided a metric was present in all of a rollup's
 * samples or none).
 *
 * <p>Not thread-safe: {@link History} uses it under its lock or on a private copy.
 */
public final class Rollup {

    private final double[] acc = new double[HistoryMetric.count()];
    private final double[] weight = new double[HistoryMetric.count()];
    private int samples;

    /** Adds one point (a sample or a rollup). */
    public void add(HistoryPoint point) {
        int w = point.samples();
        samples += w;
        for (int i = 0; i < acc.length; i++) {
            double v = point.valueAt(i);
            if (Double.isNaN(v)) {
                continue;
            }
            boolean first = weight[i] == 0;
            switch (HistoryMetric.of(i).combine()) {
                case SUM -> acc[i] += v;
                case MEAN -> acc[i] += v * w;
                case MAX -> acc[i] = first ? v : Math.max(acc[i], v);
                case MIN -> acc[i] = first ? v : Math.min(acc[i], v);
            }
            weight[i] += w;
        }
    }

    /** True until a point is added. */
    public boolean isEmpty() {
        return samples == 0;
    }

    /** The combined point stamped with {@code time}; the rollup must not be empty. */
    public HistoryPoint toPoint(Instant time) {
        if (samples == 0) {
            throw new IllegalStateException("empty rollup");
        }
        double[] v = new double[acc.length];
        Arrays.fill(v, Double.NaN);
        for (int i = 0; i < acc.length; i++) {
            if (weight[i] > 0) {
                v[i] = HistoryMetric.of(i).combine() == HistoryMetric.Combine.MEAN ? acc[i] / weight[i] : acc[i];
            }
        }
        return new HistoryPoint(time, samples, v);
    }

    /** The points combined, stamped with {@code time}. */
    public static HistoryPoint of(Instant time, Iterable<HistoryPoint> points) {
        Rollup r = new Rollup();
        points.forEach(r::add);
        return r.toPoint(time);
    }
}
