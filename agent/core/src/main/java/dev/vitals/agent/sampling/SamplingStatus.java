package dev.vitals.agent.sampling;

import dev.vitals.agent.history.HistoryStore;
import java.io.IOException;

/**
 * How sampling and history are doing, as {@code /api/v1/health} shows it.
 *
 * @param intervalSeconds {@code sample.interval}
 * @param windowSeconds {@code score.window}
 * @param samples samples taken since start
 * @param lastSampleAt when the newest was taken (ISO-8601 UTC); null before the first
 * @param lastSampleDurationMs how long the newest took on the sampler thread, milliseconds, wall
 *     time including the history write (an fsync)
 * @param lastSampleCpuMs CPU time the newest took on that thread, milliseconds; null when unknown
 * @param historyDir where history is persisted; null when it is kept in memory only
 * @param historyDiskBytes bytes the history files take (all owners), or -1 when unknown
 * @param historyWriteFailures history writes that failed since start
 * @param historyProblem why history is not persisted, or the last write failure; null when fine
 */
public record SamplingStatus(double intervalSeconds, double windowSeconds, long samples, String lastSampleAt,
        Double lastSampleDurationMs, Double lastSampleCpuMs, String historyDir, long historyDiskBytes, long historyWriteFailures,
        String historyProblem) {

    /**
     * The status now.
     *
     * @param store the history store, or null when history is not persisted
     * @param notPersisted why it is not, when {@code store} is null
     */
    public static SamplingStatus of(Sampler sampler, HistoryStore store, String notPersisted) {
        Sample latest = sampler.latest();
        long diskBytes = -1;
        long failures = 0;
        String problem = notPersisted;
        if (store != null) {
            try {
                diskBytes = store.diskBytes();
            } catch (IOException e) {
                problem = "cannot measure the history files: " + e.getMessage();
            }
            failures = store.writeFailures();
            if (store.lastFailure() != null) {
                problem = "last history write failed: " + store.lastFailure().getMessage();
            }
        }
        return new SamplingStatus(sampler.interval().toMillis() / 1000.0, sampler.windowLength().toMillis() / 1000.0,
                latest == null ? 0 : latest.sequence(), latest == null ? null : latest.time().toString(),
                latest == null ? null : latest.durationNanos() / 1e6,
                latest == null || sampler.lastCpuNanos() < 0 ? null : sampler.lastCpuNanos() / 1e6, store == null ? null : store.directory().toString(),
                diskBytes, failures, problem);
    }
}
