package dev.vitals.sample.truth;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of the workers' operations (one operation = one run of a scenario step, which may do
 * several lookups and statements). Not something the agent measures; it tells a test whether the
 * workload ran at all and how often it failed.
 *
 * <p>Concurrency: as {@link PoolTruth}.
 */
public final class WorkloadTruth {
    private final int threads;
    private final LongAdder operations = new LongAdder();
    private final LongAdder failures = new LongAdder();

    public WorkloadTruth(int threads) {
        this.threads = threads;
    }

    /** An operation has ended; {@code failed} if it threw. */
    public void recordOperation(boolean failed) {
        operations.increment();
        if (failed) {
            failures.increment();
        }
    }

    public TruthSnapshot.WorkloadCounts snapshot() {
        return new TruthSnapshot.WorkloadCounts(threads, operations.sum(), failures.sum());
    }
}
