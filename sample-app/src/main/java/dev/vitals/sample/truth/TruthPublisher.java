package dev.vitals.sample.truth;

import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * Writes {@link GroundTruth} snapshots to the truth file, if the app was given one.
 *
 * <p>Concurrency: {@link #publish()} is called by the timer thread every truth interval, by the
 * command reader ({@code truth}) and by the stopping thread (the final write); it is synchronized
 * so writes never interleave and a later snapshot is never overwritten by an earlier one.
 *
 * <p>A failed write is reported on stderr once, then again only after a write has succeeded, so a
 * full disk does not flood the log; the workload carries on either way.
 */
public final class TruthPublisher {
    private final GroundTruth truth;
    private final Optional<TruthFile> file;
    private final Clock clock;
    private boolean failing;

    /**
     * @param truth what to publish
     * @param file  where; empty means publishing does nothing
     * @param clock stamps {@code updated_at}
     */
    public TruthPublisher(GroundTruth truth, Optional<TruthFile> file, Clock clock) {
        this.truth = truth;
        this.file = file;
        this.clock = clock;
    }

    /** Whether there is a truth file to write. */
    public boolean enabled() {
        return file.isPresent();
    }

    /** Takes a snapshot now and writes it; returns whether it was written. */
    public synchronized boolean publish() {
        if (file.isEmpty()) {
            return false;
        }
        String json = TruthJson.render(truth.snapshot(clock.instant()));
        try {
            file.get().replace(json);
            if (failing) {
                System.err.println("sample-app: truth file " + file.get().path() + " is written again");
                failing = false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                System.err.println("sample-app: cannot write truth file " + file.get().path() + ": " + e);
                failing = true;
            }
            return false;
        }
    }
}
