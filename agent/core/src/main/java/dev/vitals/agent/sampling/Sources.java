package dev.vitals.agent.sampling;

import dev.vitals.agent.caffeine.CacheRecorder;
import dev.vitals.agent.hikari.HikariRecorder;
import dev.vitals.agent.hikari.PoolReading;
import dev.vitals.agent.histogram.LatencyHistogram;
import dev.vitals.agent.jdbc.StatementRecorder;
import dev.vitals.agent.snapshot.CacheSnapshot;
import dev.vitals.agent.snapshot.StatementCounts;
import java.util.List;

/**
 * Where the sampler reads from: the recorders, cumulative since each resource was first seen.
 * An interface so the sampler's arithmetic is tested with readings a test controls.
 */
public interface Sources {

    /** Every live pool, oldest first. */
    List<PoolReading> pools();

    /** Every live cache. */
    List<CacheSnapshot> caches();

    /** All SQL so far. */
    SqlReading sql();

    /**
     * All SQL as read at one moment.
     *
     * @param statements every statement key with executions, cumulative
     * @param all every execution's time, all keys together
     * @param slowQueries executions at or over the slow threshold so far
     */
    record SqlReading(List<StatementCounts> statements, LatencyHistogram.Snapshot all, long slowQueries) {

        public static final SqlReading NONE = new SqlReading(List.of(), LatencyHistogram.Snapshot.EMPTY, 0);

        public SqlReading {
            statements = List.copyOf(statements);
        }
    }

    /** The agent's recorders. */
    static Sources of(HikariRecorder pools, StatementRecorder statements, CacheRecorder caches) {
        // One accumulator, reused: only the sampler thread reads SQL through this.
        LatencyHistogram.Accumulator all = new LatencyHistogram.Accumulator();
        return new Sources() {
            @Override
            public List<PoolReading> pools() {
                return pools.read();
            }

            @Override
            public List<CacheSnapshot> caches() {
                return caches.snapshot();
            }

            @Override
            public SqlReading sql() {
                all.clear();
                List<StatementCounts> counts = statements.counts(all);
                return new SqlReading(counts, all.snapshot(), statements.slowTotal());
            }
        };
    }
}
