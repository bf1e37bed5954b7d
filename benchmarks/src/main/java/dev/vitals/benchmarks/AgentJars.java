package dev.vitals.benchmarks;

import java.nio.file.Path;

/**
 * Where the agents are.
 *
 * @param vitals {@code agent/target/vitals-agent.jar}
 * @param otel the OpenTelemetry Java agent ({@code benchmarks/target/otel/opentelemetry-javaagent.jar})
 */
public record AgentJars(Path vitals, Path otel) {
}
