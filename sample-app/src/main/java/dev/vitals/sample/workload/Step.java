package dev.vitals.sample.workload;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One operation of a scenario, which a worker repeats until the run stops. An implementation must
 * return within a few seconds (stopping waits for the current operation) and keeps no state of its
 * own between calls, so one instance serves every worker thread.
 */
public interface Step {
    /** Does one operation; throwing counts it as failed, and the worker carries on. */
    void run(ThreadLocalRandom random) throws Exception;

    /** How long the worker pauses after an operation, in milliseconds: a user's think time. */
    default long thinkMillis(ThreadLocalRandom random) {
        return random.nextLong(5, 21);
    }
}
