package dev.vitals.benchmarks.process;

import dev.vitals.benchmarks.AgentJars;
import dev.vitals.benchmarks.Arguments;
import dev.vitals.benchmarks.Configuration;
import dev.vitals.benchmarks.report.FigureFile;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs the whole-process figures, one after another: start-up, retained heap (none / Vitals /
 * OpenTelemetry, alternating), attach, and the API latency and sampler cost (Vitals only).
 *
 * <pre>
 * java -cp vitals-benchmarks.jar dev.vitals.benchmarks.process.ProcessFigures --agent A.jar --otel O.jar
 *     --cli vitals-cli.jar --sample vitals-sample-app.jar --out DIR --figures FILE
 *     [--quick] [--reps N] [--only startup,heap,attach,api] [--configs none,vitals,otel]
 * </pre>
 *
 * Exit status 0, or 1 when a figure failed (the others still run; its log folder says why).
 */
public final class ProcessFigures {

    /** Repetitions per configuration in a full run (issue 8: median of at least 10). */
    private static final int REPETITIONS = 10;

    /** Repetitions in {@code --quick}: enough to prove alternation and medians work. */
    private static final int QUICK_REPETITIONS = 2;

    private ProcessFigures() {
    }

    public static void main(String[] args) throws Exception {
        Arguments arguments = Arguments.parse(args);
        boolean quick = arguments.flag("quick");
        AgentJars agents = new AgentJars(arguments.optionalPath("agent"), arguments.optionalPath("otel"));
        List<Configuration> configurations = Configuration.parseList(arguments.string("configs", "none,vitals,otel"))
                .stream().filter(configuration -> {
                    boolean available = configuration.available(agents);
                    if (!available) {
                        System.err.println("process: skipping " + configuration.key() + ": its agent jar is missing");
                    }
                    return available;
                }).toList();
        Path out = arguments.path("out").toAbsolutePath();
        Files.createDirectories(out);
        ProcessRun run = new ProcessRun(Path.of(System.getProperty("java.home"), "bin", "java"), ownJar(), agents,
                arguments.optionalPath("cli"), arguments.optionalPath("sample"), out,
                new FigureFile(arguments.path("figures")),
                arguments.integer("reps", quick ? QUICK_REPETITIONS : REPETITIONS), quick, configurations);
        List<String> only = List.of(arguments.string("only", "startup,heap,attach,api").split(","));

        int failures = 0;
        for (String figure : only) {
            long started = System.nanoTime();
            try {
                switch (figure.trim()) {
                    case "startup" -> StartupFigure.run(run);
                    case "heap" -> RetainedHeapFigure.run(run);
                    case "attach" -> {
                        requireVitals(run);
                        AttachFigure.run(run);
                    }
                    case "api" -> {
                        requireVitals(run);
                        ApiFigure.run(run);
                    }
                    default -> throw new IllegalArgumentException(
                            "unknown figure '" + figure + "': expected startup, heap, attach or api");
                }
                System.out.printf("process  %-8s done in %.0f s%n", figure, (System.nanoTime() - started) / 1e9);
            } catch (Exception e) {
                failures++;
                System.out.printf("process  %-8s FAILED after %.0f s: %s%n", figure, (System.nanoTime() - started) / 1e9,
                        e);
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    private static void requireVitals(ProcessRun run) {
        if (!run.configurations().contains(Configuration.VITALS)) {
            throw new IllegalStateException("needs the vitals configuration and its agent jar");
        }
        if (run.sampleJar() == null || !Files.isRegularFile(run.sampleJar())) {
            throw new IllegalStateException("needs --sample, the sample app jar; got " + run.sampleJar());
        }
        if (run.cliJar() == null || !Files.isRegularFile(run.cliJar())) {
            throw new IllegalStateException("needs --cli, the attach CLI jar; got " + run.cliJar());
        }
    }

    /** This module's jar, the class path of the applications the figures launch. */
    private static Path ownJar() throws URISyntaxException {
        return Path.of(ProcessFigures.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
