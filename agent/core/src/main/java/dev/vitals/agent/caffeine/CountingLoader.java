package dev.vitals.agent.caffeine;

import java.util.function.Function;

/**
 * The loading function Caffeine runs on a miss of a cache Vitals counts itself (one found after
 * an attach, without statistics of its own): counts the miss and times the load around the
 * application's function, exactly where and as Caffeine's own {@code statsAware} wrapper does
 * for a cache that records statistics.
 *
 * <p>Overhead: one instance per miss (a miss runs the application's loader, which dwarfs it), two
 * clock reads and three adder updates. Thread-safe: the counters are adders.
 */
final class CountingLoader implements Function<Object, Object> {

    private final CacheRecord.Observed counts;
    private final Function<Object, Object> delegate;
    private final boolean recordLoad;

    CountingLoader(CacheRecord.Observed counts, Function<Object, Object> delegate, boolean recordLoad) {
        this.counts = counts;
        this.delegate = delegate;
        this.recordLoad = recordLoad;
    }

    @Override
    public Object apply(Object key) {
        counts.computeMisses.increment();
        long start = System.nanoTime();
        Object value;
        try {
            value = delegate.apply(key);
        } catch (RuntimeException | Error e) {
            counts.loadFailures.increment();
            counts.loadNanos.add(System.nanoTime() - start);
            throw e;
        }
        if (recordLoad) {
            (value == null ? counts.loadFailures : counts.loadSuccesses).increment();
            counts.loadNanos.add(System.nanoTime() - start);
        }
        return value;
    }
}
