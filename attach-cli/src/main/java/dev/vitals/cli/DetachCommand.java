package dev.vitals.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code detach <pid>}: asks the running agent to stop (by loading the agent jar again with the
 * single argument {@code stop}) and confirms that it withdrew {@code vitals.url}.
 */
@Command(name = "detach", mixinStandardHelpOptions = true,
        description = "Stop Vitals in a JVM: undo its instrumentation, stop its threads and server.",
        footer = {"", "Exit status: 0 detached, 1 not attached or failed, 2 usage error."})
final class DetachCommand implements Callable<Integer> {

    /** How often to look for {@code vitals.url} to disappear. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "<pid>", description = "The JVM's process id.")
    long pid;

    @Option(names = "--agent-jar", paramLabel = "PATH",
            description = "Agent jar to send the stop request through instead of the one built into this CLI.")
    Path agentJar;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for the agent to stop (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        Deadline deadline = Deadline.in(timeout);
        try (TargetJvm jvm = TargetJvm.open(pid, "detach", deadline)) {
            AgentState state = AgentState.of(jvm.systemProperties(deadline));
            if (!state.running()) {
                throw new CommandFailure("Vitals is not running in JVM " + pid + "; nothing to detach."
                        + (state.error() != null ? " (Its last start failed: " + state.error() + ")" : ""));
            }
            // The agent class is already loaded in the target, so any copy of the jar reaches the running agent.
            jvm.loadAgent(AgentJar.forTarget(agentJar, jvm.owner()), "stop", deadline);
            do {
                if (!AgentState.of(jvm.systemProperties(deadline)).running()) {
                    spec.commandLine().getOut().println("detached from " + pid);
                    return VitalsCli.EXIT_OK;
                }
                deadline.pause(POLL_INTERVAL);
            } while (!deadline.expired());
            throw new CommandFailure("asked Vitals in JVM " + pid + " to stop, but it still publishes " + state.url()
                    + " after " + DurationConverter.format(timeout) + ". Its stderr may say why.");
        }
    }
}
