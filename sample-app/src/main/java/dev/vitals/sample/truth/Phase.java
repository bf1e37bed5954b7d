package dev.vitals.sample.truth;

/** Where the workload is in its life, as the truth file reports it. */
public enum Phase {
    /** Schema set-up; workers not started yet. */
    STARTING(false, false),
    /** Workers are running. */
    RUNNING(true, false),
    /** Asked to stop; workers are finishing their current operation. */
    STOPPING(false, false),
    /** All workers have finished; the counts are final. */
    FINISHED(false, true);

    private final boolean running;
    private final boolean finished;

    Phase(boolean running, boolean finished) {
        this.running = running;
        this.finished = finished;
    }

    /** The truth file's {@code running}. */
    public boolean running() {
        return running;
    }

    /** The truth file's {@code finished}. */
    public boolean finished() {
        return finished;
    }
}
