package dev.vitals.benchmarks;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The command line of the benchmark mains: {@code --name value} options and {@code --flag}s.
 * A flag is an option followed by another option or by nothing.
 */
public final class Arguments {

    private final Map<String, String> options = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Arguments() {
    }

    public static Arguments parse(String[] args) {
        Arguments parsed = new Arguments();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': options are --name [value]");
            }
            String name = arg.substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                parsed.options.put(name, args[++i]);
            } else {
                parsed.flags.add(name);
            }
        }
        return parsed;
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    public String string(String name, String defaultValue) {
        return options.getOrDefault(name, defaultValue);
    }

    public String required(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    public Path path(String name) {
        return Path.of(required(name));
    }

    /** The path given, or null when the option is absent. */
    public Path optionalPath(String name) {
        String value = options.get(name);
        return value == null ? null : Path.of(value);
    }

    public int integer(String name, int defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number; got '" + value + "'");
        }
    }

    public double decimal(String name, double defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number; got '" + value + "'");
        }
    }
}
