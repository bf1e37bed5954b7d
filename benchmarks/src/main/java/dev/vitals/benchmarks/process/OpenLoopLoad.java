package dev.vitals.benchmarks.process;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop HTTP load: {@code connections} persistent connections, each sending one request
 * every {@code connections / rate} seconds on a fixed schedule, staggered so the total is an even
 * {@code rate}. Latency is measured from a request's <em>intended</em> start, not from when it was
 * sent: a response that holds a connection up delays the requests behind it, and their wait counts
 * (no coordinated omission, as in wrk2).
 *
 * <p>Threading: one thread per connection; {@link #run} blocks until all are done.
 */
final class OpenLoopLoad {

    /** Lead time before the first request, so every connection thread is parked on its schedule. */
    private static final long START_DELAY_NANOS = 200_000_000L;

    private OpenLoopLoad() {
    }

    /**
     * @return every request's latency in nanoseconds, sorted, and the count of non-200 responses
     */
    static Result run(URI base, String path, String token, int connections, double ratePerSecond, Duration duration)
            throws InterruptedException, IOException {
        long intervalNanos = Math.round(connections * 1e9 / ratePerSecond);
        long start = System.nanoTime() + START_DELAY_NANOS;
        long end = start + duration.toNanos();
        int perConnection = (int) (duration.toNanos() / intervalNanos) + 1;
        long[][] latencies = new long[connections][];
        AtomicLong failures = new AtomicLong();
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int connection = c;
            long first = start + connection * intervalNanos / connections;
            Thread thread = new Thread(() -> {
                long[] mine = new long[perConnection];
                int count = 0;
                try (KeepAliveConnection http = new KeepAliveConnection(base, token)) {
                    for (long intended = first; intended < end && count < mine.length; intended += intervalNanos) {
                        long wait;
                        while ((wait = intended - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        int status = http.get(path).status();
                        mine[count++] = System.nanoTime() - intended;
                        if (status != 200) {
                            failures.incrementAndGet();
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    error.compareAndSet(null, e);
                }
                latencies[connection] = Arrays.copyOf(mine, count);
            }, "bench-load-" + c);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (error.get() != null) {
            throw new IOException("load on " + path + " failed: " + error.get(), error.get());
        }
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(all, failures.get());
    }

    /**
     * @param sortedNanos latencies, ascending
     * @param failures responses whose status was not 200
     */
    record Result(long[] sortedNanos, long failures) {

        /** The {@code q}-quantile (nearest rank), in milliseconds. */
        double percentileMillis(double q) {
            return Samples.nearestRank(sortedNanos, q) / 1e6;
        }
    }
}
