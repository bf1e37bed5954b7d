package dev.vitals.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the attach CLI ({@code java -jar vitals-cli.jar <args>}) as a process of its own, on the JDK
 * running the tests, and returns its exit status and output.
 */
public final class Cli {

    /** Longer than the CLI's own default attach timeout (30 s), so the CLI reports first. */
    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final Jvms jvms;
    private final Path jar;

    Cli(Jvms jvms, Path jar) {
        this.jvms = jvms;
        this.jar = jar;
    }

    /** Runs the CLI with {@code args} and waits up to {@link #TIMEOUT} for it to exit. */
    public CompletedProcess run(String... args) {
        return run(TIMEOUT, List.of(args));
    }

    public CompletedProcess run(Duration timeout, List<String> args) {
        String name = "cli-" + (args.isEmpty() ? "none" : args.get(0));
        JavaProcess process = jvms.java(name).jar(jar).args(args).start();
        process.closeStdin();
        int status = process.awaitExit(timeout);
        return new CompletedProcess(process.command(), status, process.stdout(), process.stderr());
    }

    /**
     * {@code attach <pid> <options>}: asserts exit status 0 and the {@code attached to} line, and
     * returns a client for the agent it reports.
     */
    public Vitals attach(long pid, AgentOptions options) {
        CompletedProcess result = attachRaw(pid, options);
        assertThat(result.exitCode()).as(result::describe).isZero();
        Vitals vitals = Vitals.fromAttachOutput(result.output());
        assertThat(vitals).as("an 'attached to %d: <url> (token file: <path>)' line in%n%s", pid, result.describe())
                .isNotNull();
        return vitals;
    }

    /** {@code attach <pid> <options>}, returning whatever happened. */
    public CompletedProcess attachRaw(long pid, AgentOptions options) {
        List<String> args = new ArrayList<>();
        args.add("attach");
        args.add(Long.toString(pid));
        args.addAll(options.toCliArguments());
        return run(TIMEOUT, args);
    }
}
