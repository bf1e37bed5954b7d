package dev.vitals.agent.http;

/**
 * A request parameter the API cannot use: answered with a 400 and
 * {@code {"error":"bad_parameter","message":...,"field":...}}, the message saying what is accepted.
 */
public final class BadParameterException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;

    public BadParameterException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    /** The parameter at fault. */
    public String field() {
        return field;
    }
}
