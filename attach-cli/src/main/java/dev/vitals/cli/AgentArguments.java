package dev.vitals.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the agent argument string ({@code port=0,bind=127.0.0.1,...}) from the {@code attach}
 * options and validates it: the agent splits on {@code ,} and then on the first {@code =}, so a
 * value may contain {@code =} but never {@code ,}. Each error names the option to fix.
 */
final class AgentArguments {

    /** The keys the agent knows today are dotted lower-case words; accept that shape and nothing odd. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();

    /** Adds {@code --port}; {@code null} means not given. */
    AgentArguments port(Integer port) {
        if (port != null) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(
                        "--port must be between 0 and 65535 (0 = any free port), but was " + port);
            }
            add("--port", "port", Integer.toString(port));
        }
        return this;
    }

    AgentArguments bind(String host) {
        return option("--bind", "bind", host);
    }

    AgentArguments token(String token) {
        return option("--token", "token", token);
    }

    /**
     * Adds {@code --config}, made absolute against the CLI's working directory: the target JVM
     * resolves relative paths against its own, which is rarely what the user meant.
     */
    AgentArguments config(Path file) {
        if (file == null) {
            return this;
        }
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(absolute)) {
            throw new IllegalArgumentException("--config: no such file: " + absolute);
        }
        return option("--config", "config", absolute.toString());
    }

    /** Adds the {@code --set key=value} pairs, in the order given. */
    AgentArguments set(Map<String, String> settings) {
        if (settings == null) {
            return this;
        }
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey().strip();
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("--set: '" + e.getKey()
                        + "' is not a valid key (letters, digits, '.', '_' and '-', e.g. --set app.name=orders)");
            }
            add("--set " + key, key, e.getValue());
        }
        return this;
    }

    private AgentArguments option(String option, String key, String value) {
        if (value != null) {
            add(option, key, value);
        }
        return this;
    }

    private void add(String option, String key, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException(option + " must not be empty");
        }
        if (value.indexOf(',') >= 0) {
            // Never echo a token back to the terminal.
            String shown = key.equals("token") ? "" : ", but was '" + value + "'";
            throw new IllegalArgumentException(option + " must not contain ',' (the agent's arguments are"
                    + " comma-separated)" + shown);
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(option + " must not contain control characters");
        }
        String earlier = origins.putIfAbsent(key, option);
        if (earlier != null) {
            throw new IllegalArgumentException(option + " conflicts with " + earlier + ": both set '" + key
                    + "'; give it once");
        }
        values.put(key, value);
    }

    /** The argument string for {@code VirtualMachine.loadAgent}; empty if no option was given. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return sb.toString();
    }
}
