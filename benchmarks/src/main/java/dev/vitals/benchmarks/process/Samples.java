package dev.vitals.benchmarks.process;

import java.util.Arrays;
import java.util.List;

/** Medians and percentiles of the repeated measurements. */
final class Samples {

    private Samples() {
    }

    /** The median: the middle value, or the mean of the two middle ones. */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The {@code q}-quantile by nearest rank: the smallest value with at least {@code q} of all at or below it. */
    static double percentile(List<Double> values, double q) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[rank(sorted.length, q)];
    }

    /** As {@link #percentile}, over values already sorted. */
    static long nearestRank(long[] sorted, double q) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        return sorted[rank(sorted.length, q)];
    }

    private static int rank(int count, double q) {
        if (count == 0) {
            throw new IllegalArgumentException("no values");
        }
        return Math.max(0, Math.min(count - 1, (int) Math.ceil(q * count) - 1));
    }

    static String describe(List<Double> values) {
        return Arrays.toString(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
