package dev.vitals.benchmarks.process;

import dev.vitals.benchmarks.Configuration;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Attach time: the sample app is started paused (pools open, caches warm, classes loaded), then
 * {@code vitals-cli attach <pid>} is timed from its launch to its exit, which comes once the agent
 * answers {@code /api/v1/health}: what a user waits for. Vitals only; a fresh application per
 * repetition.
 */
final class AttachFigure {

    static final String FIGURE = "Attach: CLI start → /api/v1/health answers";

    /** Longest the sample app may take to print its ready line. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    /** Longest one attach may take before the run counts as hung (the CLI's own timeout is below it). */
    private static final Duration ATTACH_TIMEOUT = Duration.ofMinutes(2);

    private AttachFigure() {
    }

    static void run(ProcessRun run) throws IOException, InterruptedException {
        List<Double> seconds = new ArrayList<>();
        Path logs = run.logs("attach");
        for (int rep = 0; rep < run.repetitions(); rep++) {
            Path work = run.work("attach", Configuration.VITALS).resolve("rep-" + rep);
            List<String> app = new ArrayList<>(List.of(run.java().toString()));
            if (Runtime.version().feature() >= 21) {
                // Keeps Java 21+'s dynamic-loading warning off; the attach itself is unchanged.
                app.add("-XX:+EnableDynamicAgentLoading");
            }
            app.addAll(List.of("-jar", run.sampleJar().toString(), "--start-paused"));
            try (AppProcess target = AppProcess.start(app, logs, "app-" + rep)) {
                target.awaitStdout("sample-app ready", READY_TIMEOUT);
                List<String> cli = List.of(run.java().toString(), "-jar", run.cliJar().toString(), "attach",
                        Long.toString(target.pid()), "--port", "0", "--timeout", "60s",
                        "--set", "state.dir=" + work.resolve("vitals-state").toAbsolutePath(),
                        "--set", "log.file=" + work.resolve("vitals-agent.log").toAbsolutePath());
                AppProcess.Finished attach = AppProcess.runToEnd(cli, logs, "cli-" + rep, ATTACH_TIMEOUT);
                attach.expectLine("vitals-cli attach", "attached to " + target.pid());
                double wall = attach.wallNanos() / 1e9;
                seconds.add(wall);
                run.raw(FIGURE, Configuration.VITALS, rep, wall);
                target.send("exit");
                target.awaitExit(Duration.ofSeconds(30));
            }
        }
        run.figure(FIGURE, "s", Configuration.VITALS, Samples.median(seconds), "≤ 1.5 s");
        System.out.println("attach   s " + Samples.describe(seconds));
    }
}
