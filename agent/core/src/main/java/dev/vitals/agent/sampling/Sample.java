package dev.vitals.agent.sampling;

import dev.vitals.agent.history.HistoryPoint;
import dev.vitals.agent.score.HealthScore;
import dev.vitals.agent.score.Recommendation;
import dev.vitals.agent.score.ScoreInput;
import dev.vitals.agent.snapshot.CacheSnapshot;
import dev.vitals.agent.snapshot.PoolSnapshot;
import java.time.Instant;
import java.util.List;

/**
 * One sample: everything the sampler saw at one moment and what it made of it. The overview,
 * alerts, timeseries and Prometheus endpoints all read the latest sample, so they agree with each
 * other by construction. Immutable; lists are copied.
 *
 * @param time when the sample was taken
 * @param sequence 1 for the first sample after start, then +1 each
 * @param intervalSeconds seconds since the previous sample (for the first: since the agent started)
 * @param pools every live pool, cumulative, as {@code /api/v1/performance/pools} shows them
 * @param caches every live cache, cumulative, as {@code /api/v1/performance/caches} shows them
 * @param sql cumulative SQL totals, all data sources
 * @param window the score window ending at this sample ({@code score.window} long, or shorter
 *     right after start): counts are the increase within it
 * @param score the score of {@code window}
 * @param recommendations the recommendations for {@code window}; {@code optimal} alone when none fired
 * @param point this sample's history point (the last interval's figures, and the window's score)
 * @param durationNanos how long taking this sample took on the sampler thread
 */
public record Sample(Instant time, long sequence, double intervalSeconds, List<PoolSnapshot> pools,
        List<CacheSnapshot> caches, SqlTotals sql, ScoreInput window, HealthScore score,
        List<Recommendation> recommendations, HistoryPoint point, long durationNanos) {

    public Sample {
        pools = List.copyOf(pools);
        caches = List.copyOf(caches);
        recommendations = List.copyOf(recommendations);
    }

    /** Connections lent out now, all pools. */
    public int activeConnections() {
        return pools.stream().mapToInt(PoolSnapshot::active).sum();
    }
}
