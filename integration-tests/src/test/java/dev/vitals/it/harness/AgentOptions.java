package dev.vitals.it.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Agent configuration as the test means it, rendered either as the {@code -javaagent} argument
 * ({@code key=value,key=value}) or as the CLI's {@code attach} options ({@code --port},
 * {@code --bind}, {@code --token}, {@code --config}, else {@code --set key=value}), so a test can
 * run the same configuration through both load paths.
 */
public final class AgentOptions {

    /** Keys the CLI's {@code attach} takes as options of their own. */
    private static final List<String> CLI_OPTIONS = List.of("port", "bind", "token", "config");

    private final Map<String, String> values = new LinkedHashMap<>();

    private AgentOptions() {
    }

    /** From alternating keys and values: {@code of("port", "0", "token", "t")}. */
    public static AgentOptions of(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate");
        }
        AgentOptions options = new AgentOptions();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            options.set(keysAndValues[i], keysAndValues[i + 1]);
        }
        return options;
    }

    public AgentOptions set(String key, String value) {
        values.put(key, value);
        return this;
    }

    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    /** The {@code -javaagent:jar=<this>} argument. */
    public String toAgentArgument() {
        return values.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(","));
    }

    /** The options of {@code vitals-cli attach <pid> <these>}. */
    public List<String> toCliArguments() {
        List<String> arguments = new ArrayList<>();
        values.forEach((key, value) -> {
            if (CLI_OPTIONS.contains(key)) {
                arguments.add("--" + key);
                arguments.add(value);
            } else {
                arguments.add("--set");
                arguments.add(key + "=" + value);
            }
        });
        return arguments;
    }

    @Override
    public String toString() {
        return toAgentArgument();
    }
}
