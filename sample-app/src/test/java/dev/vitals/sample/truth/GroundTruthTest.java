package dev.vitals.sample.truth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroundTruthTest {

    @Test
    void countsAddUpInOneSnapshot() {
        PoolTruth pool = new PoolTruth("orders-pool", 3);
        pool.recordBorrow(100);
        pool.recordBorrow(50);
        pool.recordTimeout(250_000_000);
        pool.recordError();
        StatementTruth statements = new StatementTruth();
        statements.record("SELECT 1", false, 10);
        statements.record("SELECT 1", true, Duration.ofSeconds(1).toNanos());
        statements.record("SELECT 2", false, Duration.ofMillis(999).toNanos());
        CacheTruth prices = new CacheTruth("prices", 500, false);
        prices.recordHit();
        prices.recordMiss();
        prices.recordLoad(false);
        prices.recordMiss();
        prices.recordLoad(true);
        prices.recordEviction();
        WorkloadTruth workload = new WorkloadTruth(2);
        workload.recordOperation(false);
        workload.recordOperation(true);
        GroundTruth truth = new GroundTruth("steady", 7, "h2", List.of(pool), statements, List.of(prices), workload);

        TruthSnapshot s = truth.snapshot(Instant.EPOCH);

        assertEquals(Phase.STARTING, s.phase());
        assertEquals(new TruthSnapshot.PoolCounts(2, 1, 1, 150, 250_000_000, 3), s.pools().get(0).value());
        assertEquals(new TruthSnapshot.StatementCounts(3, 1, 1, 1000, Map.of("SELECT 1", 2L, "SELECT 2", 1L)),
                s.statements());
        assertEquals(new TruthSnapshot.CacheCounts(3, 1, 2, 2, 1, 1, 500, false), s.caches().get(0).value());
        assertEquals(new TruthSnapshot.WorkloadCounts(2, 2, 1), s.workload());

        truth.phase(Phase.FINISHED);
        assertEquals(Phase.FINISHED, truth.snapshot(Instant.EPOCH).phase());
    }
}
