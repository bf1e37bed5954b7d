package dev.vitals.sample.truth;

import java.time.Instant;
import java.util.List;

/**
 * Everything the app counts about itself, gathered for one snapshot: the pools, the statements, the
 * caches, the workers, and the phase of the run.
 *
 * <p>Concurrency: the counters it holds are written by worker threads; {@link #phase(Phase)} is set
 * by whichever thread starts or stops the run; {@link #snapshot} may run on any thread.
 */
public final class GroundTruth {
    private final String scenario;
    private final long pid;
    private final String database;
    private final List<PoolTruth> pools;
    private final StatementTruth statements;
    private final List<CacheTruth> caches;
    private final WorkloadTruth workload;
    private volatile Phase phase = Phase.STARTING;

    public GroundTruth(String scenario, long pid, String database, List<PoolTruth> pools, StatementTruth statements,
                       List<CacheTruth> caches, WorkloadTruth workload) {
        this.scenario = scenario;
        this.pid = pid;
        this.database = database;
        this.pools = List.copyOf(pools);
        this.statements = statements;
        this.caches = List.copyOf(caches);
        this.workload = workload;
    }

    public void phase(Phase phase) {
        this.phase = phase;
    }

    public Phase phase() {
        return phase;
    }

    /** The counts as they are now, stamped {@code now}. */
    public TruthSnapshot snapshot(Instant now) {
        // Read the phase first: a snapshot that says FINISHED must carry counts taken after it.
        Phase current = phase;
        return new TruthSnapshot(scenario, current, now, pid, database,
                pools.stream().map(p -> new TruthSnapshot.Named<>(p.name(), p.snapshot())).toList(),
                statements.snapshot(),
                caches.stream().map(c -> new TruthSnapshot.Named<>(c.name(), c.snapshot())).toList(),
                workload.snapshot());
    }
}
