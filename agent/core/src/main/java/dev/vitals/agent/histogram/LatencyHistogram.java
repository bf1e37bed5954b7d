package dev.vitals.agent.histogram;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed-size, lock-free histogram of latencies in nanoseconds: application threads
 * {@link #record} into it, an agent thread reads it through immutable {@link Snapshot}s.
 *
 * <p>Buckets are log-linear, as in HdrHistogram: values below 16 ns get one bucket each, every
 * power of two from 2<sup>4</sup> to 2<sup>41</sup> ns is split into {@value #SUB_BUCKET_COUNT}
 * buckets of equal width (so the 16 buckets of 16–31 ns are exact too), and everything from
 * 2<sup>42</sup> ns (about 73 minutes) up shares one overflow bucket: {@value #BUCKET_COUNT}
 * buckets in all.
 *
 * <pre>
 * Concurrency: any number of threads may record and snapshot at once. record() is wait-free but
 *   for the CAS that raises the maximum, which retries only while other threads keep raising it.
 *   A record writes the maximum, then the sum, then its bucket; a snapshot reads the buckets,
 *   then the sum, then the maximum. So every record a snapshot counts is also in its sum and
 *   under its maximum, while records still in flight may be in the sum and maximum but not yet
 *   counted. Buckets are read one by one, not atomically together: a snapshot taken while
 *   writers run is off by at most the records in flight, and exact once they stop.
 *
 * Accuracy: count, sum and maximum are exact. A percentile is the inclusive upper bound of the
 *   bucket holding it, clamped to the maximum: never below the true value and at most
 *   RELATIVE_ERROR (1/16 = 6.25 %) above it, exact below 32 ns. Values above
 *   HIGHEST_TRACKABLE_NANOS land in the overflow bucket, whose percentiles report the maximum.
 *   Negative values (a clock that stepped back) count as 0. The sum wraps after 2^63 ns
 *   (292 years) of total latency.
 *
 * Overhead: record() allocates nothing and takes no lock: one volatile read, two atomic adds
 *   (together about 10-15 ns uncontended on current x86; threads hammering one histogram from
 *   many cores also share the sum's cache line) and a CAS only when the maximum rises. Memory is
 *   fixed at FOOTPRINT_BYTES (about 5 KB) whatever is recorded; a snapshot copies the buckets
 *   (about 5 KB) on the reader and walks them once per percentile.
 * </pre>
 */
public final class LatencyHistogram {

    /** Sub-buckets per power of two, as a power of two: 4 gives 16 and so the relative error. */
    static final int SUB_BUCKET_BITS = 4;

    /** Equal-width buckets each power of two is split into. */
    static final int SUB_BUCKET_COUNT = 1 << SUB_BUCKET_BITS;

    /** Bucket width is 2^shift; the largest shift bucketed is that of the power of two 2^41 ns. */
    private static final int MAX_SHIFT = 41 - SUB_BUCKET_BITS;

    /** Largest latency kept to {@link #RELATIVE_ERROR}: 2^42 − 1 ns, about 73.3 minutes. */
    public static final long HIGHEST_TRACKABLE_NANOS = (1L << (MAX_SHIFT + SUB_BUCKET_BITS + 1)) - 1;

    /** Buckets per histogram: 32 exact ones (0–31 ns), 16 per power of two from 2^5 to 2^41 ns, one overflow. */
    public static final int BUCKET_COUNT = ((MAX_SHIFT + 2) << SUB_BUCKET_BITS) + 1;

    /** Index of the bucket for everything above {@link #HIGHEST_TRACKABLE_NANOS}. */
    private static final int OVERFLOW_INDEX = BUCKET_COUNT - 1;

    /** Largest amount a percentile exceeds the true value by, relative to it (it never falls below it). */
    public static final double RELATIVE_ERROR = 1.0 / SUB_BUCKET_COUNT;

    /**
     * Heap one histogram takes, in bytes, with compressed oops (heaps under 32 GB): this object,
     * the {@link AtomicLongArray} and its {@code long[]} of {@link #BUCKET_COUNT} counts.
     */
    public static final int FOOTPRINT_BYTES = 32 + 16 + 16 + 8 * BUCKET_COUNT;

    private static final VarHandle SUM_NANOS;
    private static final VarHandle MAX_NANOS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SUM_NANOS = lookup.findVarHandle(LatencyHistogram.class, "sumNanos", long.class);
            MAX_NANOS = lookup.findVarHandle(LatencyHistogram.class, "maxNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AtomicLongArray counts = new AtomicLongArray(BUCKET_COUNT);
    private volatile long sumNanos;
    private volatile long maxNanos;

    /**
     * Records one latency. Called on application threads: allocates nothing, takes no lock.
     *
     * @param nanos the latency in nanoseconds; negative counts as 0; above
     *     {@link #HIGHEST_TRACKABLE_NANOS} lands in the overflow bucket but counts in full in the
     *     sum and maximum
     */
    public void record(long nanos) {
        long value = Math.max(0L, nanos);
        // maximum and sum before the bucket: whoever sees the count sees them too
        if (value > maxNanos) {
            raiseMax(value);
        }
        SUM_NANOS.getAndAdd(this, value);
        counts.getAndIncrement(bucketIndex(value));
    }

    private void raiseMax(long value) {
        long current;
        do {
            current = maxNanos;
            if (value <= current) {
                return;
            }
        } while (!MAX_NANOS.weakCompareAndSet(this, current, value));
    }

    /**
     * Returns what has been recorded so far. Called on an agent thread; copies the buckets. Exact
     * when no thread is recording, otherwise off by the records in flight (see the class notes).
     */
    public Snapshot snapshot() {
        long[] copy = new long[BUCKET_COUNT];
        long count = 0;
        for (int i = 0; i < BUCKET_COUNT; i++) {
            copy[i] = counts.get(i);
            count += copy[i];
        }
        long sum = sumNanos;
        long max = maxNanos;
        return count == 0 && sum == 0 && max == 0 ? Snapshot.EMPTY : new Snapshot(copy, count, sum, max);
    }

    /**
     * Adds what this histogram has recorded so far into {@code into} without allocating: the
     * sampler sums every statement's histogram into one this way each sample, instead of copying
     * each (about 5 KB) first. Same reading order and accuracy as {@link #snapshot()}.
     *
     * @return the records this histogram holds (the sum of its buckets as read)
     */
    public long addTo(Accumulator into) {
        long count = 0;
        long[] sums = into.counts;
        // Opaque reads (atomic, unordered) are cheaper than volatile ones in this loop, which the
        // sampler runs for every statement every sample; the fence then keeps "buckets before
        // the sum" (see the class notes), as volatile reads of each bucket would.
        for (int i = 0; i < BUCKET_COUNT; i++) {
            long c = counts.getOpaque(i);
            sums[i] += c;
            count += c;
        }
        VarHandle.acquireFence();
        into.count += count;
        into.sumNanos += sumNanos;
        into.maxNanos = Math.max(into.maxNanos, maxNanos);
        return count;
    }

    /** The recorded latencies' total so far, nanoseconds (read after the buckets, see the class notes). */
    public long sumNanos() {
        return sumNanos;
    }

    /**
     * A reusable sum of several histograms (see {@link #addTo}). Single-threaded: one agent thread
     * owns it.
     */
    public static final class Accumulator {
        private final long[] counts = new long[BUCKET_COUNT];
        private long count;
        private long sumNanos;
        private long maxNanos;

        /** Empties it for the next sum. */
        public void clear() {
            Arrays.fill(counts, 0L);
            count = 0;
            sumNanos = 0;
            maxNanos = 0;
        }

        /** What it holds now, as an immutable snapshot. */
        public Snapshot snapshot() {
            return count == 0 && sumNanos == 0 && maxNanos == 0 ? Snapshot.EMPTY
                    : new Snapshot(counts.clone(), count, sumNanos, maxNanos);
        }
    }

    /** The bucket holding {@code nanos}, which must not be negative. */
    static int bucketIndex(long nanos) {
        int shift = Math.max(0, 63 - Long.numberOfLeadingZeros(nanos) - SUB_BUCKET_BITS);
        if (shift > MAX_SHIFT) {
            return OVERFLOW_INDEX;
        }
        // nanos >>> shift lies in [16, 31] (or [0, 31] for shift 0): the sub-bucket, offset by 16
        return (shift << SUB_BUCKET_BITS) + (int) (nanos >>> shift);
    }

    /** The smallest value bucket {@code index} holds. */
    static long bucketLowerBoundNanos(int index) {
        if (index == OVERFLOW_INDEX) {
            return HIGHEST_TRACKABLE_NANOS + 1;
        }
        if (index < 2 * SUB_BUCKET_COUNT) {
            return index;
        }
        int shift = (index >>> SUB_BUCKET_BITS) - 1;
        return (long) (SUB_BUCKET_COUNT + (index & (SUB_BUCKET_COUNT - 1))) << shift;
    }

    /** The largest value bucket {@code index} holds (inclusive). */
    static long bucketUpperBoundNanos(int index) {
        if (index == OVERFLOW_INDEX) {
            return Long.MAX_VALUE;
        }
        if (index < 2 * SUB_BUCKET_COUNT) {
            return index;
        }
        int shift = (index >>> SUB_BUCKET_BITS) - 1;
        return bucketLowerBoundNanos(index) + (1L << shift) - 1;
    }

    /**
     * What a histogram held at one moment, or the difference or sum of two such moments. Immutable
     * and thread-safe; about {@code 8 × BUCKET_COUNT} bytes (5 KB). {@link #minus} gives the
     * records of a window, {@link #plus} merges histograms.
     */
    public static final class Snapshot {

        /** Nothing recorded. */
        public static final Snapshot EMPTY = new Snapshot(new long[BUCKET_COUNT], 0, 0, 0);

        private final long[] counts;
        private final long count;
        private final long sumNanos;
        private final long maxNanos;

        private Snapshot(long[] counts, long count, long sumNanos, long maxNanos) {
            this.counts = counts;
            this.count = count;
            this.sumNanos = sumNanos;
            this.maxNanos = maxNanos;
        }

        /** Records counted: the sum of the buckets, so always consistent with the percentiles. */
        public long count() {
            return count;
        }

        /** Total of the recorded latencies, in nanoseconds. */
        public long sumNanos() {
            return sumNanos;
        }

        /** Largest recorded latency in nanoseconds, 0 if none; for a difference, see {@link #minus}. */
        public long maxNanos() {
            return maxNanos;
        }

        /** Mean latency in nanoseconds, 0 if nothing was recorded. */
        public double meanNanos() {
            return count == 0 ? 0.0 : (double) sumNanos / count;
        }

        /**
         * The latency at a percentile, by nearest rank: the value of rank
         * {@code max(1, round(percentile / 100 × count))} in sorted order, reported as the inclusive
         * upper bound of its bucket clamped to {@link #maxNanos()}, so at most
         * {@link #RELATIVE_ERROR} above the true value and never below it. Percentile 0 gives (the
         * bucket of) the minimum, 100 the maximum.
         *
         * @param percentile in [0, 100]
         * @return nanoseconds, 0 if nothing was recorded
         * @throws IllegalArgumentException if {@code percentile} is outside [0, 100] or NaN
         */
        public long percentileNanos(double percentile) {
            if (!(percentile >= 0.0 && percentile <= 100.0)) {
                throw new IllegalArgumentException("percentile must be in [0, 100], was " + percentile);
            }
            if (count == 0) {
                return 0;
            }
            long rank = Math.max(1L, (long) (percentile / 100.0 * count + 0.5));
            long seen = 0;
            for (int i = 0; i < BUCKET_COUNT; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return Math.min(bucketUpperBoundNanos(i), maxNanos);
                }
            }
            return maxNanos;
        }

        /**
         * The records between {@code earlier} and this snapshot of the same histogram. Counts and
         * sum are exact differences (clamped at 0 should {@code earlier} be the later one). The
         * maximum is exact when the window raised it; otherwise it is the upper bound of the
         * highest bucket the window touched, clamped to this maximum, so within
         * {@link #RELATIVE_ERROR} above the window's true maximum.
         */
        public Snapshot minus(Snapshot earlier) {
            long[] difference = new long[BUCKET_COUNT];
            long total = 0;
            int highest = -1;
            for (int i = 0; i < BUCKET_COUNT; i++) {
                difference[i] = Math.max(0L, counts[i] - earlier.counts[i]);
                total += difference[i];
                if (difference[i] > 0) {
                    highest = i;
                }
            }
            long max;
            if (highest < 0) {
                max = 0;
            } else if (maxNanos > earlier.maxNanos) {
                max = maxNanos;
            } else {
                max = Math.min(bucketUpperBoundNanos(highest), maxNanos);
            }
            return new Snapshot(difference, total, Math.max(0L, sumNanos - earlier.sumNanos), max);
        }

        /** The records of both snapshots together; exact. */
        public Snapshot plus(Snapshot other) {
            long[] total = new long[BUCKET_COUNT];
            for (int i = 0; i < BUCKET_COUNT; i++) {
                total[i] = counts[i] + other.counts[i];
            }
            return new Snapshot(total, count + other.count, sumNanos + other.sumNanos, Math.max(maxNanos, other.maxNanos));
        }

        /**
         * The same records in a compact form that keeps only the buckets in use: what a window of
         * many short intervals keeps per interval (a 10 s interval touches a few dozen buckets,
         * not 625).
         */
        public Sparse sparse() {
            if (count == 0) {
                return Sparse.EMPTY;
            }
            int used = 0;
            for (long c : counts) {
                if (c != 0) {
                    used++;
                }
            }
            int[] indexes = new int[used];
            long[] values = new long[used];
            int j = 0;
            for (int i = 0; i < BUCKET_COUNT; i++) {
                if (counts[i] != 0) {
                    indexes[j] = i;
                    values[j++] = counts[i];
                }
            }
            return new Sparse(indexes, values, count, sumNanos, maxNanos);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Snapshot that
                    && count == that.count
                    && sumNanos == that.sumNanos
                    && maxNanos == that.maxNanos
                    && Arrays.equals(counts, that.counts);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Long.hashCode(count) + Long.hashCode(sumNanos)) + Arrays.hashCode(counts);
        }

        @Override
        public String toString() {
            return "Snapshot[count=" + count + ", sumNanos=" + sumNanos + ", maxNanos=" + maxNanos
                    + ", p50Nanos=" + percentileNanos(50) + ", p99Nanos=" + percentileNanos(99) + "]";
        }
    }

    /**
     * A snapshot that keeps only its non-empty buckets (see {@link Snapshot#sparse()}); several
     * merge back into a full {@link Snapshot} with {@link #merge}. Immutable.
     */
    public static final class Sparse {

        /** Nothing recorded. */
        public static final Sparse EMPTY = new Sparse(new int[0], new long[0], 0, 0, 0);

        private final int[] indexes;
        private final long[] counts;
        private final long count;
        private final long sumNanos;
        private final long maxNanos;

        private Sparse(int[] indexes, long[] counts, long count, long sumNanos, long maxNanos) {
            this.indexes = indexes;
            this.counts = counts;
            this.count = count;
            this.sumNanos = sumNanos;
            this.maxNanos = maxNanos;
        }

        /** Records held. */
        public long count() {
            return count;
        }

        /** Their total, nanoseconds. */
        public long sumNanos() {
            return sumNanos;
        }

        /** Heap this takes, roughly, in bytes: what a window's memory bound is computed from. */
        public long footprintBytes() {
            return 64 + 12L * indexes.length;
        }

        /** All of them together, as one snapshot; exact. */
        public static Snapshot merge(Iterable<Sparse> parts) {
            long[] total = new long[BUCKET_COUNT];
            long count = 0;
            long sum = 0;
            long max = 0;
            for (Sparse part : parts) {
                for (int i = 0; i < part.indexes.length; i++) {
                    total[part.indexes[i]] += part.counts[i];
                }
                count += part.count;
                sum += part.sumNanos;
                max = Math.max(max, part.maxNanos);
            }
            return count == 0 ? Snapshot.EMPTY : new Snapshot(total, count, sum, max);
        }
    }
}
