package dev.vitals.agent.http;

import dev.vitals.agent.AgentInfo;
import dev.vitals.agent.history.HistoryMetric;
import dev.vitals.agent.history.HistoryPoint;
import dev.vitals.agent.sampling.Sample;
import dev.vitals.agent.sampling.SqlTotals;
import dev.vitals.agent.score.Recommendations;
import dev.vitals.agent.score.ScoreInput;
import dev.vitals.agent.score.ScoreInput.Availability;
import dev.vitals.agent.score.ScoreInput.Cache;
import dev.vitals.agent.score.ScoreInput.Pool;
import dev.vitals.agent.score.ScoreInput.Sql;
import dev.vitals.agent.score.ScoreInput.Statement;
import dev.vitals.agent.score.ScoreModel;
import dev.vitals.agent.snapshot.CacheSnapshot;
import dev.vitals.agent.snapshot.PoolSnapshot;
import java.time.Instant;
import java.util.List;

/** Hand-built samples: one troubled window (a starving pool, a cold cache, slow SQL) and an empty one. */
final class Samples {

    static final Instant SAMPLE_TIME = Instant.parse("2025-03-01T11:59:56Z");
    static final double WINDOW_SECONDS = 300;

    static final AgentInfo INFO = new AgentInfo("1.2.3", "premain", "shop", 4242, "21.0.2",
            "OpenJDK 64-Bit Server VM", 1_000_000_000L, () -> 94_500_000_000L);

    private Samples() {
    }

    static PoolSnapshot ordersSnapshot() {
        return new PoolSnapshot("orders", "active", 10, 10, 10, 10, 0, 6, 12, 5000, 0.2, 0.1, 0.5, 0.812, 2.871, 0.05,
                0.3, 14, 0.9972, 30.0, "jdbc:h2:mem:orders", "2025-03-01T10:00:00Z", false);
    }

    static PoolSnapshot reportsSnapshot() {
        return new PoolSnapshot("reports", "active", 5, 20, 5, 1, 4, 0, 5, 900, 0.001, 0.001, 0.002, 0.002, 0.004, 0.01,
                0.01, 0, 1.0, 30.0, "jdbc:h2:mem:reports", "2025-03-01T10:00:00Z", false);
    }

    static CacheSnapshot customersSnapshot() {
        return new CacheSnapshot("customers", "bounded loading", "vitals", 7500, 2500, 10000, 0.75, 2500, 0, 0.004, 1500,
                1500, 1000, 1000L, false, null, null, "spring", "CustomerService.customers", "2025-03-01T10:00:00Z",
                false);
    }

    static CacheSnapshot tinySnapshot() {
        return new CacheSnapshot("tiny", "unbounded", "application", 5, 45, 50, 0.1, 45, 0, 0.001, 0, 0, 45, null, false,
                null, null, null, "TinyService:42", "2025-03-01T10:00:00Z", false);
    }

    /**
     * The troubled window: pool orders starving (p99 wait 0.812 s, 14 timeouts, 6 waiting at 10/10),
     * pool reports fine, cache customers at exactly 75% over 1000 lookups, cache tiny at 10% over
     * 50, SQL p99 1.8 s with 30 errors in 2000 calls, availability 985 of 1000.
     */
    static ScoreInput troubledWindow() {
        return new ScoreInput(WINDOW_SECONDS,
                List.of(new Pool("orders", 10, 10, 0, 6, 266, 14, 0.2, 0.812, 0.3, 10, 8),
                        new Pool("reports", 20, 1, 4, 0, 100, 0, 0.001, 0.002, 0.01, 3, 0)),
                List.of(new Cache("customers", 750, 250, 150, 0, 250, 0, 1000L, 1000, null, null),
                        new Cache("tiny", 5, 45, 0, 0, 45, 0, null, 45, null, null)),
                new Sql(2000, 30, 1.8, 200.0, 5, List.of(new Statement("SELECT * FROM orders WHERE id = ?", 180.0, 120)),
                        null),
                new Availability(1000, 985));
    }

    static Sample troubled() {
        return sample(SAMPLE_TIME, List.of(ordersSnapshot(), reportsSnapshot()), List.of(customersSnapshot(), tinySnapshot()),
                troubledWindow());
    }

    /** No pool, cache, SQL or availability data: nothing to score. */
    static Sample empty() {
        return sample(SAMPLE_TIME, List.of(), List.of(), new ScoreInput(10, List.of(), List.of(), null, null));
    }

    static Sample sample(Instant time, List<PoolSnapshot> pools, List<CacheSnapshot> caches, ScoreInput window) {
        HistoryPoint point = HistoryPoint.at(time).set(HistoryMetric.INTERVAL_SECONDS, 10).build();
        return new Sample(time, 42, 10.0, pools, caches, new SqlTotals(2000, 30, 200.0, 5, 3, List.of()), window,
                ScoreModel.score(window), Recommendations.evaluate(window), point, 1_250_000);
    }
}
