package dev.vitals.sample.workload;

import dev.vitals.sample.truth.WorkloadTruth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The worker threads, {@code sample-worker-1..N}, each repeating a {@link Step} with a think time
 * in between until {@link #stop()}.
 *
 * <p>Concurrency: {@link #start()} and {@link #stop()} are called once each, by the thread running
 * the app's life cycle; workers only read the volatile stop flag. A worker is never interrupted:
 * stopping lets it finish its current operation, so every operation started is counted whole.
 *
 * <p>A failed operation is counted and the worker carries on. The first failure of each exception
 * type is logged on stderr; the rest only counted, since pool-starvation fails many times a second
 * on purpose.
 */
public final class Workers {
    private final Step step;
    private final int count;
    private final WorkloadTruth truth;
    private final List<Thread> threads = new ArrayList<>();
    private final Set<Class<?>> loggedFailures = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public Workers(Step step, int count, WorkloadTruth truth) {
        this.step = step;
        this.count = count;
        this.truth = truth;
    }

    /** Starts the workers. */
    public void start() {
        for (int i = 1; i <= count; i++) {
            Thread t = new Thread(this::work, "sample-worker-" + i);
            threads.add(t);
            t.start();
        }
    }

    /**
     * Asks the workers to stop and waits up to {@code patience} for them to finish their current
     * operation; returns whether all did.
     */
    public boolean stop(Duration patience) throws InterruptedException {
        stopping = true;
        long deadline = System.nanoTime() + patience.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(t, left);
            }
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }

    private void work() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stopping) {
            boolean failed = false;
            try {
                step.run(random);
            } catch (Exception e) {
                failed = true;
                if (loggedFailures.add(e.getClass())) {
                    System.err.println("sample-app: " + Thread.currentThread().getName() + ": operation failed: " + e
                            + " (further failures of this type are counted, not logged)");
                }
            } catch (Error e) {
                // Let the JVM's handler report it, but count it first: the truth must add up.
                truth.recordOperation(true);
                throw e;
            }
            truth.recordOperation(failed);
            if (!pause(step.thinkMillis(random))) {
                return;
            }
        }
    }

    /** Sleeps the think time; false if this worker was interrupted and should end. */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            // Nobody interrupts workers; if something does, it wants this thread gone.
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
