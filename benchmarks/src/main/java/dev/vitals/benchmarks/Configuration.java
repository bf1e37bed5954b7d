package dev.vitals.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The three settings every figure is taken under: no agent, Vitals, and the OpenTelemetry Java
 * agent as the peer. Each gives the JVM options that load its agent.
 */
public enum Configuration {

    NONE("none", "none"),
    VITALS("vitals", "Vitals"),
    OTEL("otel", "OpenTelemetry");

    private final String key;
    private final String label;

    Configuration(String key, String label) {
        this.key = key;
        this.label = label;
    }

    /** The name in figure files and on command lines: {@code none}, {@code vitals}, {@code otel}. */
    public String key() {
        return key;
    }

    /** The column heading. */
    public String label() {
        return label;
    }

    /** The configuration named {@code key}; throws naming the accepted keys. */
    public static Configuration of(String key) {
        for (Configuration configuration : values()) {
            if (configuration.key.equals(key)) {
                return configuration;
            }
        }
        throw new IllegalArgumentException("unknown configuration '" + key + "': expected none, vitals or otel");
    }

    /** The configurations named by a comma-separated list, in the enum's order. */
    public static List<Configuration> parseList(String keys) {
        List<Configuration> named = new ArrayList<>();
        for (String key : keys.split(",")) {
            named.add(of(key.trim()));
        }
        List<Configuration> ordered = new ArrayList<>();
        for (Configuration configuration : values()) {
            if (named.contains(configuration)) {
                ordered.add(configuration);
            }
        }
        return ordered;
    }

    /**
     * JVM options that load this configuration's agent.
     *
     * @param agents where the agent jars are
     * @param workDir a folder of this run's own: Vitals keeps its state (token, history) and its
     *     log there, so runs never share state with each other or with the user's {@code ~/.vitals}
     * @param vitalsSettings more {@code key=value} agent arguments for Vitals (ignored otherwise)
     */
    public List<String> jvmArgs(AgentJars agents, Path workDir, String... vitalsSettings) {
        List<String> args = new ArrayList<>();
        switch (this) {
            case NONE -> {
            }
            case VITALS -> {
                // port=0: forks and concurrent runs never fight over 9797.
                StringBuilder agent = new StringBuilder("-javaagent:").append(agents.vitals().toAbsolutePath())
                        .append("=port=0")
                        .append(",state.dir=").append(workDir.resolve("vitals-state").toAbsolutePath())
                        .append(",log.file=").append(workDir.resolve("vitals-agent.log").toAbsolutePath());
                for (String setting : vitalsSettings) {
                    agent.append(',').append(setting);
                }
                args.add(agent.toString());
            }
            case OTEL -> {
                // Instrumentation on, spans and metrics made, nothing sent: the agent's own cost.
                args.add("-javaagent:" + agents.otel().toAbsolutePath());
                args.add("-Dotel.traces.exporter=none");
                args.add("-Dotel.metrics.exporter=none");
                args.add("-Dotel.logs.exporter=none");
            }
        }
        return args;
    }

    /** Whether this configuration's agent jar exists (always true for {@link #NONE}). */
    public boolean available(AgentJars agents) {
        return switch (this) {
            case NONE -> true;
            case VITALS -> agents.vitals() != null && agents.vitals().toFile().isFile();
            case OTEL -> agents.otel() != null && agents.otel().toFile().isFile();
        };
    }
}
