package dev.vitals.sample.options;

/**
 * A command line the app cannot run with. The message names the option and what it accepts; the
 * app prints it and exits with status 2.
 */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
