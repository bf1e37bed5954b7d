package dev.vitals.sample;

import dev.vitals.sample.truth.GroundTruth;
import dev.vitals.sample.truth.Phase;
import dev.vitals.sample.truth.TruthPublisher;
import dev.vitals.sample.workload.Workers;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One run of the workload, from start to stop to exit: starts the workers, rewrites the truth file
 * every interval, stops on request or when the duration has elapsed, writes the final truth.
 *
 * <p>Concurrency: {@link #start()} is called once by the main thread. {@link #stop()} may be called
 * by the command reader, the timer ({@code sample-timer}, duration elapsed) and the shutdown hook,
 * in any order and more than once: it is synchronized and idempotent, and a caller that arrives
 * while another is stopping waits until the final truth is written. {@link #awaitExit()} blocks the
 * main thread until {@link #requestExit(int)}.
 */
final class SampleRun {
    /**
     * Longest wait for workers to finish their current operation: the slowest is a 2 s report
     * after a borrow that may wait up to 5 s, so this is generous.
     */
    private static final Duration STOP_PATIENCE = Duration.ofSeconds(30);

    private final GroundTruth truth;
    private final TruthPublisher publisher;
    private final Workers workers;
    private final Runnable settleCaches;
    private final Duration truthInterval;
    private final Optional<Duration> duration;
    private final boolean exitAfterDuration;
    private final ScheduledExecutorService timer;
    private final CountDownLatch exitRequested = new CountDownLatch(1);
    private volatile int exitCode;
    private ScheduledFuture<?> periodicTruth;
    private boolean started;
    private boolean stopped;

    /**
     * @param settleCaches      runs the caches' pending maintenance, so the final eviction counts are complete
     * @param duration          stop after this long; empty means only on request
     * @param exitAfterDuration exit, rather than idle, when {@code duration} has elapsed
     */
    SampleRun(GroundTruth truth, TruthPublisher publisher, Workers workers, Runnable settleCaches,
              Duration truthInterval, Optional<Duration> duration, boolean exitAfterDuration) {
        this.truth = truth;
        this.publisher = publisher;
        this.workers = workers;
        this.settleCaches = settleCaches;
        this.truthInterval = truthInterval;
        this.duration = duration;
        this.exitAfterDuration = exitAfterDuration;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sample-timer");
            // Never the reason the JVM stays up: the main thread is.
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
    }

    /**
     * Starts the workers, writes the first truth, and schedules the periodic writes and the end.
     * Only the first call does anything.
     */
    synchronized void start() {
        if (started || stopped) {
            return;
        }
        started = true;
        truth.phase(Phase.RUNNING);
        workers.start();
        publisher.publish();
        if (publisher.enabled()) {
            long every = truthInterval.toMillis();
            periodicTruth = timer.scheduleWithFixedDelay(publisher::publish, every, every, TimeUnit.MILLISECONDS);
        }
        duration.ifPresent(d -> timer.schedule(this::durationElapsed, d.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void durationElapsed() {
        stop();
        if (exitAfterDuration) {
            requestExit(0);
        }
    }

    /**
     * Stops the workload: workers finish their current operation, then the final truth
     * ({@code "running":false,"finished":true}) is written. The pools and caches stay open, idle.
     */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        truth.phase(Phase.STOPPING);
        publisher.publish();
        boolean allFinished;
        try {
            allFinished = workers.stop(STOP_PATIENCE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            allFinished = false;
        }
        if (!allFinished) {
            System.err.println("sample-app: some workers did not finish within " + STOP_PATIENCE.toSeconds()
                    + " s; the final truth may miss their last operation");
        }
        settleCaches.run();
        if (periodicTruth != null) {
            periodicTruth.cancel(false);
        }
        truth.phase(Phase.FINISHED);
        publisher.publish();
        System.err.println("sample-app: workload stopped" + (publisher.enabled() ? "; final truth written" : ""));
    }

    /** Lets {@link #awaitExit()} return {@code code}. */
    void requestExit(int code) {
        exitCode = code;
        exitRequested.countDown();
    }

    /** Blocks until an exit is requested; returns the exit code. */
    int awaitExit() throws InterruptedException {
        exitRequested.await();
        return exitCode;
    }
}
