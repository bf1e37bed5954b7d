package dev.vitals.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code attach <pid | regex>}: loads the Vitals agent into a running JVM and waits until its
 * HTTP server answers. Idempotent: if Vitals already runs there, says where and succeeds.
 */
@Command(name = "attach", mixinStandardHelpOptions = true,
        description = {
            "Load the Vitals agent into a running JVM and wait until its HTTP API answers.",
            "If Vitals already runs there, print its URL and succeed."},
        footer = {"", "Exit status: 0 attached (or already running), 1 failed, 2 usage error or ambiguous target."})
final class AttachCommand implements Callable<Integer> {

    /**
     * How often to look for the agent's system properties and health while waiting: each look is
     * one round trip on the attach socket or on loopback, cheap for the target, and every interval
     * adds half of itself, on average, to the attach time the user waits.
     */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "<pid | regex>",
            description = "A pid, or a regular expression found in the main class or jar of exactly one JVM"
                    + " (see `list`).")
    String target;

    @Option(names = "--port", paramLabel = "N", description = "Port for the agent's HTTP server (0 = any free port).")
    Integer port;

    @Option(names = "--bind", paramLabel = "HOST", description = "Address to listen on (agent default 127.0.0.1).")
    String bind;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API token (agent default: random per start).")
    String token;

    @Option(names = "--config", paramLabel = "FILE", description = "A vitals.properties file for the agent.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any other agent setting; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--agent-jar", paramLabel = "PATH",
            description = "Agent jar to load instead of the one built into this CLI.")
    Path agentJar;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for the whole attach, e.g. 500ms, 30s, 2m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        String arguments = agentArguments();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Deadline deadline = Deadline.in(timeout);
        long pid = resolvePid(out);

        try (TargetJvm jvm = TargetJvm.open(pid, "attach", deadline)) {
            Properties before = jvm.systemProperties(deadline);
            AgentState state = AgentState.of(before);
            if (state.running()) {
                out.println("Vitals is already running in " + pid + ": " + state.describe());
                return VitalsCli.EXIT_OK;
            }
            int major = TargetJvm.javaMajor(before);
            if (major != 0 && major < 17) {
                throw new CommandFailure("JVM " + pid + " runs Java " + before.getProperty("java.version")
                        + "; Vitals needs Java 17 or newer.");
            }
            if (major >= 21) {
                warnAboutDynamicLoading(jvm, major, err, deadline);
            }
            Path jar = AgentJar.forTarget(agentJar, jvm.owner());
            String staleError = state.error();
            if (staleError != null) {
                // The agent stays loaded after a failed start and ignores further loads until stopped.
                err.println("note: an earlier Vitals start in JVM " + pid + " failed (" + staleError
                        + "); resetting it before attaching again.");
                err.flush();
                jvm.loadAgent(jar, "stop", deadline);
                staleError = AgentState.of(jvm.systemProperties(deadline)).error();
            }
            jvm.loadAgent(jar, arguments.isEmpty() ? null : arguments, deadline);

            AgentState started = awaitStart(jvm, staleError, deadline);
            awaitHealthy(pid, started, deadline);
            out.println("attached to " + pid + ": " + started.describe());
            String signIn = started.signInUrl();
            if (signIn != null) {
                out.println("dashboard: " + signIn);
            }
            return VitalsCli.EXIT_OK;
        }
    }

    private String agentArguments() {
        try {
            return new AgentArguments().port(port).bind(bind).token(token).config(config).set(settings).toString();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private long resolvePid(PrintWriter out) {
        if (TargetResolver.isPid(target)) {
            return Long.parseLong(target);
        }
        List<JvmDescriptor> jvms = JvmInventory.listed();
        TargetResolver.Resolution resolution;
        try {
            resolution = TargetResolver.resolve(target, jvms);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (resolution instanceof TargetResolver.Pid p) {
            return p.pid();
        }
        if (resolution instanceof TargetResolver.Ambiguous a) {
            StringBuilder sb = new StringBuilder("'" + target + "' matches " + a.matches().size()
                    + " JVMs; give the pid, or a regex that matches only one:");
            for (JvmDescriptor jvm : a.matches()) {
                sb.append(System.lineSeparator()).append(String.format("  %-8d %s", jvm.pid(), jvm.main()));
            }
            throw new CommandFailure(sb.toString(), VitalsCli.EXIT_USAGE);
        }
        StringBuilder sb = new StringBuilder("no JVM's main class or jar matches '" + target + "'.");
        if (jvms.isEmpty()) {
            sb.append(" No other JVM is running as a user this CLI can see.");
        } else {
            sb.append(" Running JVMs:").append(System.lineSeparator())
                    .append(JvmInventory.table(JvmInventory.survey(jvms, Duration.ofSeconds(3))).stripTrailing());
        }
        throw new CommandFailure(sb.toString());
    }

    /**
     * Java 21+ prints a warning when an agent is loaded into a running JVM (JEP 451) unless it was
     * started with -XX:+EnableDynamicAgentLoading; tell the user why, before they see it.
     */
    private void warnAboutDynamicLoading(TargetJvm jvm, int major, PrintWriter err, Deadline deadline) {
        String jvmArgs = jvm.agentProperties(deadline).getProperty("sun.jvm.args", "");
        if (jvmArgs.contains("-XX:-EnableDynamicAgentLoading")) {
            throw new CommandFailure("JVM " + jvm.pid() + " was started with -XX:-EnableDynamicAgentLoading, which"
                    + " forbids loading agents into it while it runs. Restart it without that flag, or load Vitals at"
                    + " start-up with -javaagent:vitals-agent.jar.");
        }
        if (!jvmArgs.contains("-XX:+EnableDynamicAgentLoading")) {
            err.println("note: JVM " + jvm.pid() + " runs Java " + major + ", which prints \"WARNING: A Java agent has"
                    + " been loaded dynamically\" on its stderr when an agent is attached. That is expected; to avoid"
                    + " it, start the JVM with -XX:+EnableDynamicAgentLoading, or load Vitals at start-up with"
                    + " -javaagent:vitals-agent.jar.");
            err.flush();
        }
    }

    /**
     * Waits until the agent publishes {@code vitals.url} or a new {@code vitals.error}. An error
     * that was already there before this attach is stale (an earlier failed start) and is only
     * reported if nothing else happens before the deadline.
     */
    private AgentState awaitStart(TargetJvm jvm, String staleError, Deadline deadline) {
        AgentState state;
        do {
            state = AgentState.of(jvm.systemProperties(deadline));
            if (state.running()) {
                return state;
            }
            if (state.error() != null && !state.error().equals(staleError)) {
                throw new CommandFailure("Vitals could not start in JVM " + jvm.pid() + ": " + state.error());
            }
            deadline.pause(POLL_INTERVAL);
        } while (!deadline.expired());
        String because = state.error() != null ? " It reports: " + state.error() : " The JVM's stderr may say why.";
        throw new CommandFailure("the agent was loaded into JVM " + jvm.pid() + " but did not publish its URL within "
                + DurationConverter.format(timeout) + "." + because);
    }

    private void awaitHealthy(long pid, AgentState state, Deadline deadline) {
        HealthProbe probe = new HealthProbe();
        HealthProbe.Result last;
        do {
            last = probe.check(state.healthUri(), deadline.remaining());
            if (last.healthy()) {
                return;
            }
            deadline.pause(POLL_INTERVAL);
        } while (!deadline.expired());
        String answer = last.status() == 0 ? last.body() : "HTTP " + last.status() + " " + last.body();
        throw new CommandFailure("Vitals started in JVM " + pid + " at " + state.url() + " but " + state.healthUri()
                + " did not answer 200 within " + DurationConverter.format(timeout) + " (last answer: " + answer + ").");
    }
}
