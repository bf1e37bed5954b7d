package dev.vitals.sample.truth;

import java.util.concurrent.atomic.LongAdder;

/**
 * Exact counts of the app's own {@code getConnection()} calls on one HikariCP pool.
 *
 * <p>Concurrency: the {@code record*} methods are called by worker threads right after
 * {@code getConnection()} returns or throws; they only bump {@link LongAdder}s. {@link #snapshot()}
 * may run at any time on any thread.
 *
 * <p>Accuracy: every call is counted exactly once, in exactly one of borrows, timeouts or errors.
 * A snapshot taken while workers run reads the adders one after the other, so it may be a few
 * calls apart between fields; once the workload has stopped it is exact.
 */
public final class PoolTruth {
    private final String name;
    private final int maxPoolSize;
    private final LongAdder borrows = new LongAdder();
    private final LongAdder borrowWaitNanos = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder timeoutWaitNanos = new LongAdder();
    private final LongAdder errors = new LongAdder();

    /**
     * @param name        the pool's {@code poolName}
     * @param maxPoolSize the pool's {@code maximumPoolSize}
     */
    public PoolTruth(String name, int maxPoolSize) {
        this.name = name;
        this.maxPoolSize = maxPoolSize;
    }

    public String name() {
        return name;
    }

    /** {@code getConnection()} returned a connection after waiting {@code waitNanos}. */
    public void recordBorrow(long waitNanos) {
        borrows.increment();
        borrowWaitNanos.add(waitNanos);
    }

    /** {@code getConnection()} threw {@code SQLTransientConnectionException} after {@code waitNanos}. */
    public void recordTimeout(long waitNanos) {
        timeouts.increment();
        timeoutWaitNanos.add(waitNanos);
    }

    /** {@code getConnection()} threw anything else (for example, the database is down). */
    public void recordError() {
        errors.increment();
    }

    /** The counts so far. */
    public TruthSnapshot.PoolCounts snapshot() {
        return new TruthSnapshot.PoolCounts(borrows.sum(), timeouts.sum(), errors.sum(),
                borrowWaitNanos.sum(), timeoutWaitNanos.sum(), maxPoolSize);
    }
}
