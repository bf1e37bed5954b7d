package dev.vitals.cli;

import java.util.List;

/**
 * The few bits of JSON the CLI writes: string escaping and a tiny object builder that keeps
 * insertion order. Names are snake_case, as in the agent's API. Not thread-safe.
 */
final class Json {

    private final StringBuilder out = new StringBuilder("{");
    private boolean first = true;

    private Json() {
    }

    static Json object() {
        return new Json();
    }

    /** Adds a string member; {@code null} is written as JSON {@code null}. */
    Json put(String name, String value) {
        return putRaw(name, value == null ? "null" : quote(value));
    }

    Json put(String name, long value) {
        return putRaw(name, Long.toString(value));
    }

    Json put(String name, boolean value) {
        return putRaw(name, Boolean.toString(value));
    }

    /**
     * Adds a member whose value is already JSON (e.g. the agent's health document); {@code null}
     * is written as JSON {@code null}. The caller vouches that {@code rawJson} is well formed.
     */
    Json putRaw(String name, String rawJson) {
        if (!first) {
            out.append(',');
        }
        first = false;
        out.append(quote(name)).append(':').append(rawJson == null ? "null" : rawJson);
        return this;
    }

    @Override
    public String toString() {
        return out + "}";
    }

    /** A JSON array of already-encoded elements. */
    static String array(List<String> rawElements) {
        return "[" + String.join(",", rawElements) + "]";
    }

    /** {@code value} as a JSON string literal, quotes included (RFC 8259 escaping). */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    // Control characters must be escaped; U+2028/2029 too, so the output is also valid JavaScript.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * Whether {@code text} looks like a single JSON object, so that embedding it raw cannot
     * break the document around it. A shallow check (balanced braces outside strings), not a parser.
     */
    static boolean looksLikeObject(String text) {
        if (text == null) {
            return false;
        }
        String s = text.strip();
        if (s.length() < 2 || s.charAt(0) != '{' || s.charAt(s.length() - 1) != '}') {
            return false;
        }
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth < 0 || (depth == 0 && i != s.length() - 1)) {
                    return false;
                }
            }
        }
        return depth == 0 && !inString;
    }
}
