package dev.vitals.agent.alert;

/**
 * A rule (or a test-webhook request) that {@link RuleValidator} refused: which field is at fault,
 * what was wrong with it and what is accepted. The routes answer it as
 * {@code {"error": "invalid_rule", "message": getMessage(), "field": field()}} with {@link #status()}.
 *
 * <p>Checked, so that every caller of the validator decides what to answer; it carries no stack
 * trace (it is an answer, not a bug).
 */
public final class RuleException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final int status;

    /** A 400 about {@code field} (null when it is about the whole body). */
    public RuleException(String field, String message) {
        this(400, field, message);
    }

    /**
     * @param status 400 (bad value) or 413 (too large)
     * @param field the JSON field at fault, or null for the whole body
     * @param message what is wrong and what is accepted, for a person
     */
    public RuleException(int status, String field, String message) {
        super(message, null, false, false);
        if (status != 400 && status != 413) {
            throw new IllegalArgumentException("status must be 400 or 413, was " + status);
        }
        this.field = field;
        this.status = status;
    }

    /** The JSON field at fault ({@code threshold}), or null when the body as a whole is. */
    public String field() {
        return field;
    }

    /** The HTTP status to answer: 400, or 413 for a body over the size limit. */
    public int status() {
        return status;
    }
}
