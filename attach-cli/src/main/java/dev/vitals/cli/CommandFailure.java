package dev.vitals.cli;

/**
 * A failure the user can act on: the message says what happened and what to do, and is printed
 * on stderr as is (no stack trace). Thrown from a command's {@code call()}; {@link VitalsCli}
 * turns it into the exit code it carries.
 */
final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CommandFailure(String message) {
        this(message, VitalsCli.EXIT_FAILURE);
    }

    CommandFailure(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
