package dev.vitals.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code status <pid>}: whether Vitals runs in a JVM, where, and what its health endpoint says. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show whether Vitals runs in a JVM, its URL, token file, version and health.",
        footer = {"", "Exit status: 0 attached and healthy (health answers 200), 1 not attached, unhealthy or"
                + " unreachable, 2 usage error."})
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "<pid>", description = "The JVM's process id.")
    long pid;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long to wait for the JVM to answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Deadline deadline = Deadline.in(timeout);
        AgentState state;
        try (TargetJvm jvm = TargetJvm.open(pid, "status", deadline)) {
            state = AgentState.of(jvm.systemProperties(deadline));
        }
        HealthProbe.Result health = state.running() ? new HealthProbe().check(state.healthUri()) : null;
        boolean healthy = health != null && health.healthy();

        if (json) {
            String healthJson = health != null && Json.looksLikeObject(health.body()) ? health.body().strip() : null;
            String error = state.error();
            if (health != null && !healthy) {
                error = health.status() == 0 ? "health check failed: " + health.body()
                        : "health check answered HTTP " + health.status();
            }
            out.println(Json.object()
                    .put("pid", pid)
                    .put("attached", state.running())
                    .put("url", state.url())
                    .put("token_file", state.tokenFile())
                    .put("version", state.version())
                    .putRaw("health", healthJson)
                    .put("error", error)
                    .toString());
        } else {
            out.println("pid:        " + pid);
            out.println("attached:   " + (state.running() ? "yes" : "no"));
            if (state.running()) {
                out.println("url:        " + state.url());
                out.println("token file: " + (state.tokenFile() == null ? "?" : state.tokenFile()));
                out.println("version:    " + (state.version() == null ? "?" : state.version()));
                out.println("health:     " + (health.healthy() ? health.body().strip()
                        : health.status() == 0 ? "unreachable (" + health.body() + ")"
                        : "HTTP " + health.status() + " " + health.body().strip()));
            } else {
                if (state.error() != null) {
                    out.println("error:      " + state.error());
                }
                out.println("(attach with: java -jar vitals-cli.jar attach " + pid + ")");
            }
        }
        return healthy ? VitalsCli.EXIT_OK : VitalsCli.EXIT_FAILURE;
    }
}
