package dev.vitals.agent.metrics;

import dev.vitals.agent.history.HistoryPoint;
import dev.vitals.agent.sampling.Sample;
import dev.vitals.agent.sampling.SqlTotals;
import dev.vitals.agent.score.HealthScore;
import dev.vitals.agent.score.ScoreInput;
import dev.vitals.agent.snapshot.CacheSnapshot;
import dev.vitals.agent.snapshot.PoolSnapshot;
import java.time.Instant;
import java.util.List;

/** Hand-built samples and snapshots for the export's tests. */
final class SamplesForTest {

    static final Instant TIME = Instant.parse("2026-03-01T12:00:00.250Z");

    private SamplesForTest() {
    }

    static Sample sample(long sequence, List<PoolSnapshot> pools, List<CacheSnapshot> caches, SqlTotals sql,
            HealthScore score) {
        Instant time = TIME.plusSeconds(10 * (sequence - 1));
        return new Sample(time, sequence, 10, pools, caches, sql, new ScoreInput(60, List.of(), List.of(), null, null),
                score, List.of(), HistoryPoint.at(time).build(), 1_500_000);
    }

    static Sample empty(long sequence) {
        return sample(sequence, List.of(), List.of(), SqlTotals.NONE, noScore());
    }

    static HealthScore noScore() {
        return new HealthScore(null, HealthScore.HEALTHY, List.of(
                new HealthScore.Component("pools", 0.3, null, HealthScore.NO_DATA, List.of()),
                new HealthScore.Component("caches", 0.2, null, HealthScore.NO_DATA, List.of()),
                new HealthScore.Component("sql", 0.3, null, HealthScore.NO_DATA, List.of()),
                new HealthScore.Component("availability", 0.2, null, HealthScore.NO_DATA, List.of())), List.of());
    }

    /** A pool with every figure set: borrows 120, 3 timeouts, waits 1–40 ms. */
    static PoolSnapshot pool(String name) {
        return new PoolSnapshot(name, "active", 8, 10, 2, 5, 3, 1, 9, 120, 0.004, 0.001, 0.02, 0.03, 0.04, 0.05,
                0.25, 3, 0.975, 30.0, "jdbc:h2:mem:x", "2026-03-01T11:00:00Z", false);
    }

    /** A pool nobody has borrowed from: no wait or usage times yet. */
    static PoolSnapshot idlePool(String name) {
        return new PoolSnapshot(name, "active", 2, 10, 2, 0, 2, 0, 2, 0, null, null, null, null, null, null, null, 0,
                null, 30.0, null, "2026-03-01T11:00:00Z", false);
    }

    /** A bounded cache with statistics: 90 hits, 10 misses, 8 + 2 loads. */
    static CacheSnapshot cache(String name) {
        return new CacheSnapshot(name, "bounded loading", "vitals", 90, 10, 100, 0.9, 8, 2, 0.002, 4, 4, 96, 100L,
                false, null, null, null, "Shop.products", "2026-03-01T11:00:00Z", false);
    }
}
