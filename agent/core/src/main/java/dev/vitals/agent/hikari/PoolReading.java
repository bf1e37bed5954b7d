package dev.vitals.agent.hikari;

import dev.vitals.agent.histogram.LatencyHistogram;
import dev.vitals.agent.snapshot.PoolSnapshot;

/**
 * One pool as read at one moment: its snapshot and the cumulative histograms behind it.
 *
 * @param id the pool's stable id in this agent (pools of one name stay apart)
 * @param snapshot what the API shows
 * @param acquire every borrow attempt's wait so far, including attempts that timed out
 * @param usage every returned connection's time lent out so far
 */
public record PoolReading(int id, PoolSnapshot snapshot, LatencyHistogram.Snapshot acquire,
        LatencyHistogram.Snapshot usage) {
}
