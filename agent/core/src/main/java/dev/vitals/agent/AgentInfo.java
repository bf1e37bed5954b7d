package dev.vitals.agent;

import java.util.function.LongSupplier;

/**
 * Facts about this agent and the JVM it runs in, fixed at start.
 *
 * @param version the agent's version
 * @param attachedVia {@code premain} or {@code attach}
 * @param appName the configured or derived application name
 * @param pid this JVM's process id
 * @param javaVersion the JVM's {@code java.version}
 * @param vmName the JVM's {@code java.vm.name}
 * @param startedNanos {@code nanoClock} when the agent started
 * @param nanoClock the monotonic clock uptime is measured with (injected so tests need not wait)
 */
public record AgentInfo(String version, String attachedVia, String appName, long pid, String javaVersion,
        String vmName, long startedNanos, LongSupplier nanoClock) {

    /** Seconds since the agent started. */
    public double uptimeSeconds() {
        return (nanoClock.getAsLong() - startedNanos) / 1e9;
    }
}
