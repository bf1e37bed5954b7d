package dev.vitals.it.apps;

import java.util.logging.LogManager;

/**
 * A {@code java.util.logging.manager} that records which thread created it in the system property
 * {@value #CREATED_BY}, so a test can tell whether anything other than the application — the
 * agent, say — initialised JUL. A system property, because touching any field of this class would
 * itself initialise {@link LogManager}.
 */
public final class RecordingLogManager extends LogManager {

    /** System property holding the name of the thread that initialised JUL; unset while nobody has. */
    public static final String CREATED_BY = "vitals.it.logmanager.created-by";

    public RecordingLogManager() {
        System.setProperty(CREATED_BY, Thread.currentThread().getName() + "\n" + stack());
    }

    private static String stack() {
        StringBuilder frames = new StringBuilder();
        for (StackTraceElement frame : new Throwable().getStackTrace()) {
            frames.append("  at ").append(frame).append("\n");
        }
        return frames.toString();
    }
}
