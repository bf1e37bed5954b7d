package dev.vitals.sample.truth;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The ground truth at one moment, as written to the truth file. Immutable.
 *
 * @param scenario  the scenario's command-line name
 * @param phase     where the workload is
 * @param updatedAt when this snapshot was taken
 * @param pid       the app's process id
 * @param database  {@code h2} or {@code postgresql}
 * @param pools     per pool, in the order the app created them
 * @param statements all statements the app executed, on any pool
 * @param caches    per cache, in the order the app created them
 * @param workload  the workers' operations
 */
public record TruthSnapshot(
        String scenario,
        Phase phase,
        Instant updatedAt,
        long pid,
        String database,
        List<Named<PoolCounts>> pools,
        StatementCounts statements,
        List<Named<CacheCounts>> caches,
        WorkloadCounts workload) {

    /** A value with the name it is reported under. */
    public record Named<T>(String name, T value) {
    }

    /**
     * @param borrows               {@code getConnection()} calls that returned a connection
     * @param borrowTimeouts        calls that threw {@code SQLTransientConnectionException}
     * @param borrowErrors          calls that threw any other exception
     * @param borrowWaitNanosTotal  summed duration of the calls counted in {@code borrows}
     * @param timeoutWaitNanosTotal summed duration of the calls counted in {@code borrowTimeouts}
     * @param maxPoolSize           the pool's {@code maximumPoolSize}
     */
    public record PoolCounts(long borrows, long borrowTimeouts, long borrowErrors, long borrowWaitNanosTotal,
                             long timeoutWaitNanosTotal, int maxPoolSize) {
    }

    /**
     * @param executed executions of any statement, failed ones included; the sum of {@code bySql}
     * @param errors   executions that threw
     * @param slow     executions that took at least {@code slowThresholdMillis}, failed ones included
     * @param slowThresholdMillis what counts as slow
     * @param bySql    executions per exact SQL text, failed ones included
     */
    public record StatementCounts(long executed, long errors, long slow, long slowThresholdMillis,
                                  Map<String, Long> bySql) {
    }

    /** See {@link CacheTruth} for the definitions. */
    public record CacheCounts(long gets, long hits, long misses, long loads, long loadFailures, long evictions,
                              long maximumSize, boolean recordsStats) {
    }

    /**
     * @param threads    worker threads
     * @param operations scenario steps run
     * @param failures   steps that threw
     */
    public record WorkloadCounts(int threads, long operations, long failures) {
    }
}
