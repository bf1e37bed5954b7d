package dev.vitals.agent.histogram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.agent.histogram.LatencyHistogram.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LatencyHistogramTest {

    private static final double[] PERCENTILES = {0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};

    private static final long MILLIS = 1_000_000L;

    @Test
    void layoutConstants() {
        assertThat(LatencyHistogram.BUCKET_COUNT).isEqualTo(625);
        assertThat(LatencyHistogram.HIGHEST_TRACKABLE_NANOS).isEqualTo((1L << 42) - 1).isGreaterThan(3_600_000_000_000L);
        assertThat(LatencyHistogram.RELATIVE_ERROR).isEqualTo(0.0625);
        assertThat(LatencyHistogram.FOOTPRINT_BYTES).isEqualTo(5_064);
    }

    @Test
    void bucketsTileTheRangeWithinTheRelativeError() {
        assertThat(LatencyHistogram.bucketLowerBoundNanos(0)).isZero();
        for (int i = 0; i < LatencyHistogram.BUCKET_COUNT; i++) {
            long lower = LatencyHistogram.bucketLowerBoundNanos(i);
            long upper = LatencyHistogram.bucketUpperBoundNanos(i);
            assertThat(LatencyHistogram.bucketIndex(lower)).as("lower of %d", i).isEqualTo(i);
            assertThat(LatencyHistogram.bucketIndex(upper)).as("upper of %d", i).isEqualTo(i);
            if (i + 1 < LatencyHistogram.BUCKET_COUNT) {
                assertThat(LatencyHistogram.bucketLowerBoundNanos(i + 1)).as("after %d", i).isEqualTo(upper + 1);
                assertThat((double) (upper - lower)).as("width of %d", i).isLessThanOrEqualTo(lower * LatencyHistogram.RELATIVE_ERROR);
            }
        }
        assertThat(LatencyHistogram.bucketUpperBoundNanos(LatencyHistogram.BUCKET_COUNT - 1)).isEqualTo(Long.MAX_VALUE);
        for (long exact = 0; exact < 32; exact++) {
            assertThat(LatencyHistogram.bucketLowerBoundNanos(LatencyHistogram.bucketIndex(exact))).isEqualTo(exact);
            assertThat(LatencyHistogram.bucketUpperBoundNanos(LatencyHistogram.bucketIndex(exact))).isEqualTo(exact);
        }
    }

    @Test
    void anAccumulatorSumsHistogramsExactlyWithoutCopyingThem() {
        Random random = new Random(7);
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (int i = 0; i < 10_000; i++) {
            a.record(random.nextInt(5_000_000));
            b.record(1_000_000L + random.nextInt(100_000_000));
        }
        LatencyHistogram.Accumulator all = new LatencyHistogram.Accumulator();
        assertThat(a.addTo(all)).isEqualTo(10_000);
        assertThat(b.addTo(all)).isEqualTo(10_000);

        assertThat(all.snapshot()).isEqualTo(a.snapshot().plus(b.snapshot()));
        assertThat(a.sumNanos()).isEqualTo(a.snapshot().sumNanos());
        all.clear();
        assertThat(all.snapshot()).isSameAs(Snapshot.EMPTY);
    }

    @Test
    void sparseSnapshotsMergeBackToTheExactWindow() {
        Random random = new Random(11);
        LatencyHistogram histogram = new LatencyHistogram();
        List<LatencyHistogram.Sparse> intervals = new ArrayList<>();
        Snapshot previous = Snapshot.EMPTY;
        Snapshot start = null;
        for (int interval = 0; interval < 20; interval++) {
            for (int i = 0; i < 500; i++) {
                histogram.record((long) (Math.exp(random.nextGaussian() * 2 + 14)));
            }
            Snapshot now = histogram.snapshot();
            if (interval == 4) {
                start = now;
            }
            if (interval > 4) {
                intervals.add(now.minus(previous).sparse());
            }
            previous = now;
        }
        Snapshot merged = LatencyHistogram.Sparse.merge(intervals);
        Snapshot window = previous.minus(start);
        assertThat(merged.count()).isEqualTo(window.count()).isEqualTo(15 * 500);
        assertThat(merged.sumNanos()).isEqualTo(window.sumNanos());
        for (double p : new double[] {0, 50, 90, 99, 99.9}) {
            assertThat(merged.percentileNanos(p)).as("p%s", p).isEqualTo(window.percentileNanos(p));
        }
        // Sparse means small: a few dozen buckets per interval, not 625.
        assertThat(intervals.get(0).footprintBytes()).isLessThan(8L * LatencyHistogram.BUCKET_COUNT / 2);
        assertThat(Snapshot.EMPTY.sparse()).isSameAs(LatencyHistogram.Sparse.EMPTY);
        assertThat(LatencyHistogram.Sparse.merge(List.of())).isSameAs(Snapshot.EMPTY);
    }

    @Test
    void emptyHistogram() {
        Snapshot snapshot = new LatencyHistogram().snapshot();

        assertThat(snapshot).isEqualTo(Snapshot.EMPTY);
        assertThat(snapshot.count()).isZero();
        assertThat(snapshot.sumNanos()).isZero();
        assertThat(snapshot.maxNanos()).isZero();
        assertThat(snapshot.meanNanos()).isZero();
        assertThat(snapshot.percentileNanos(99)).isZero();
    }

    @Test
    void countSumAndMaxAreExact() {
        LatencyHistogram histogram = new LatencyHistogram();
        long[] values = {5 * MILLIS, 12_345_678, 999, 250 * MILLIS, 17, 3};

        for (long value : values) {
            histogram.record(value);
        }
        Snapshot snapshot = histogram.snapshot();

        assertThat(snapshot.count()).isEqualTo(6);
        assertThat(snapshot.sumNanos()).isEqualTo(Arrays.stream(values).sum());
        assertThat(snapshot.maxNanos()).isEqualTo(250 * MILLIS);
        assertThat(snapshot.meanNanos()).isEqualTo(Arrays.stream(values).sum() / 6.0);
        assertThat(snapshot.percentileNanos(100)).isEqualTo(250 * MILLIS);
        assertThat(snapshot.percentileNanos(0)).isEqualTo(3);
    }

    @Test
    void boundaries() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(0);
        histogram.record(1);
        histogram.record(-5);
        Snapshot small = histogram.snapshot();

        assertThat(small.count()).isEqualTo(3);
        assertThat(small.sumNanos()).isEqualTo(1);
        assertThat(small.percentileNanos(50)).isZero();
        assertThat(small.percentileNanos(100)).isEqualTo(1);

        LatencyHistogram huge = new LatencyHistogram();
        huge.record(0);
        huge.record(Long.MAX_VALUE);
        Snapshot snapshot = huge.snapshot();

        assertThat(snapshot.count()).isEqualTo(2);
        assertThat(snapshot.sumNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(snapshot.maxNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(snapshot.percentileNanos(50)).isZero();
        assertThat(snapshot.percentileNanos(100)).isEqualTo(Long.MAX_VALUE);

        huge.record(1);
        assertThat(huge.snapshot().sumNanos()).as("the documented wrap").isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void aboveTheTopGoesToTheOverflowBucketAndReportsTheMax() {
        LatencyHistogram histogram = new LatencyHistogram();
        long twoHours = 7_200_000 * MILLIS;
        histogram.record(LatencyHistogram.HIGHEST_TRACKABLE_NANOS);
        histogram.record(twoHours);

        Snapshot snapshot = histogram.snapshot();

        assertThat(snapshot.percentileNanos(50)).isEqualTo(LatencyHistogram.HIGHEST_TRACKABLE_NANOS);
        assertThat(snapshot.percentileNanos(100)).isEqualTo(twoHours);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.001, 100.001, Double.NaN, Double.POSITIVE_INFINITY})
    void percentileOutsideRangeIsRejected(double percentile) {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(1);

        assertThatThrownBy(() -> histogram.snapshot().percentileNanos(percentile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("percentile must be in [0, 100], was " + percentile);
    }

    static Stream<Arguments> distributions() {
        return Stream.of(
                Arguments.of("uniform 0-10ms", (Distribution) r -> () -> (long) (r.nextDouble() * 10 * MILLIS)),
                Arguments.of("exponential mean 2ms", (Distribution) r -> () -> (long) (-Math.log(1 - r.nextDouble()) * 2 * MILLIS)),
                Arguments.of("log-normal around 1ms", (Distribution) r -> () -> (long) Math.exp(Math.log(MILLIS) + 1.5 * r.nextGaussian())),
                Arguments.of("bimodal 200us / 800ms", (Distribution) r -> () -> r.nextInt(100) < 95
                        ? 200_000 + r.nextInt(50_000)
                        : 800 * MILLIS + r.nextInt(100) * MILLIS),
                Arguments.of("tiny 0-100ns", (Distribution) r -> () -> r.nextInt(101)),
                Arguments.of("whole range 1ns-1h", (Distribution) r -> () -> (long) Math.pow(3_600_000_000_000.0, r.nextDouble())));
    }

    /** Makes a sampler from a seeded random source. */
    interface Distribution {
        LongSupplier sampler(Random random);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void percentilesAreWithinTheRelativeError(String name, Distribution distribution) {
        for (int n : new int[] {1, 7, 100, 10_000, 200_000}) {
            LongSupplier sampler = distribution.sampler(new Random(31L * n + name.hashCode()));
            LatencyHistogram histogram = new LatencyHistogram();
            long[] samples = new long[n];
            for (int i = 0; i < n; i++) {
                samples[i] = sampler.getAsLong();
                histogram.record(samples[i]);
            }
            Arrays.sort(samples);
            Snapshot snapshot = histogram.snapshot();

            assertThat(snapshot.count()).isEqualTo(n);
            assertThat(snapshot.sumNanos()).isEqualTo(Arrays.stream(samples).sum());
            assertThat(snapshot.maxNanos()).isEqualTo(samples[n - 1]);
            for (double p : PERCENTILES) {
                long rank = Math.max(1, (long) (p / 100.0 * n + 0.5));
                long expected = samples[(int) rank - 1];
                assertThat(snapshot.percentileNanos(p))
                        .as("p%s of %d samples", p, n)
                        .isBetween(expected, (long) (expected * (1 + LatencyHistogram.RELATIVE_ERROR)));
            }
        }
    }

    private static Snapshot recordAll(LatencyHistogram histogram, long... values) {
        for (long value : values) {
            histogram.record(value);
        }
        return histogram.snapshot();
    }

    @Test
    void minusGivesTheWindowAndPlusAddsItBack() {
        LatencyHistogram histogram = new LatencyHistogram();
        long[] first = {1_000, 2_000, 3 * MILLIS};
        long[] second = {1_500, 40 * MILLIS, 7};
        Snapshot before = recordAll(histogram, first);
        Snapshot after = recordAll(histogram, second);

        Snapshot window = after.minus(before);

        // the window raised the maximum, so it is exactly what the window alone records
        assertThat(window).isEqualTo(recordAll(new LatencyHistogram(), second));
        assertThat(window.count()).isEqualTo(3);
        assertThat(window.sumNanos()).isEqualTo(1_500 + 40 * MILLIS + 7);
        assertThat(window.maxNanos()).isEqualTo(40 * MILLIS);
        assertThat(before.plus(window)).isEqualTo(after);
        assertThat(window.plus(before)).isEqualTo(after);
    }

    @Test
    void windowThatDidNotRaiseTheMaxEstimatesItWithinTheError() {
        LatencyHistogram histogram = new LatencyHistogram();
        Snapshot before = recordAll(histogram, 500 * MILLIS);
        Snapshot after = recordAll(histogram, 1_000, 3_333_333, 2_000);

        Snapshot window = after.minus(before);

        assertThat(window.count()).isEqualTo(3);
        assertThat(window.sumNanos()).isEqualTo(3_336_333);
        assertThat(window.maxNanos()).isBetween(3_333_333L, (long) (3_333_333 * (1 + LatencyHistogram.RELATIVE_ERROR)));
        assertThat(window.percentileNanos(50)).isBetween(2_000L, 2_125L);
    }

    @Test
    void arithmeticIdentities() {
        LatencyHistogram histogram = new LatencyHistogram();
        Snapshot snapshot = recordAll(histogram, 0, 10, 20 * MILLIS, 123_456);

        assertThat(snapshot.plus(Snapshot.EMPTY)).isEqualTo(snapshot);
        assertThat(snapshot.minus(Snapshot.EMPTY)).isEqualTo(snapshot);
        assertThat(snapshot.minus(snapshot)).isEqualTo(Snapshot.EMPTY);
        assertThat(Snapshot.EMPTY.minus(snapshot)).as("clamped at zero").isEqualTo(Snapshot.EMPTY);
        assertThat(snapshot.plus(snapshot).count()).isEqualTo(8);
        assertThat(snapshot.plus(snapshot).sumNanos()).isEqualTo(2 * snapshot.sumNanos());
        assertThat(snapshot.plus(snapshot).percentileNanos(50)).isEqualTo(snapshot.percentileNanos(50));
        assertThat(snapshot.plus(snapshot).hashCode()).isEqualTo(snapshot.plus(snapshot).hashCode());
    }

    @Test
    void concurrentRecordsAreAllCounted() throws Exception {
        int threads = 4;
        int perThread = 250_000;
        LatencyHistogram histogram = new LatencyHistogram();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        long expectedSum = 0;
        long expectedMax = 0;
        for (int t = 0; t < threads; t++) {
            int thread = t;
            for (int i = 0; i < perThread; i++) {
                long value = valueOf(thread, i);
                expectedSum += value;
                expectedMax = Math.max(expectedMax, value);
            }
            writers.add(new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < perThread; i++) {
                    histogram.record(valueOf(thread, i));
                }
            }, "writer-" + t));
        }
        // a reader snapshots while the writers run: counts may lag, but never go backwards
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> readerProblem = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            awaitQuietly(start);
            Snapshot last = Snapshot.EMPTY;
            while (writing.get()) {
                Snapshot snapshot = histogram.snapshot();
                if (snapshot.count() < last.count() || snapshot.sumNanos() < last.sumNanos()) {
                    readerProblem.set("went backwards: " + snapshot + " after " + last);
                }
                last = snapshot;
            }
        }, "reader");
        writers.forEach(Thread::start);
        reader.start();
        start.countDown();
        for (Thread writer : writers) {
            writer.join();
        }
        writing.set(false);
        reader.join();

        Snapshot snapshot = histogram.snapshot();
        assertThat(readerProblem.get()).isNull();
        assertThat(snapshot.count()).isEqualTo((long) threads * perThread);
        assertThat(snapshot.sumNanos()).isEqualTo(expectedSum);
        assertThat(snapshot.maxNanos()).isEqualTo(expectedMax);
    }

    private static long valueOf(int thread, int i) {
        return ((long) i * 7_919 + thread * 104_729L) % (50 * MILLIS);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
