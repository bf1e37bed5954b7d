package dev.vitals.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The JDK's {@code jcmd}: looks into a running JVM from outside, as an operator would. */
public final class Jcmd {

    /** How long one jcmd call may take (it attaches, so it is a JVM start plus a round trip). */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A thread's header line in {@code Thread.print}: {@code "name" #12 daemon prio=5 ...}. */
    private static final Pattern THREAD_HEADER = Pattern.compile("^\"(.*)\" #", Pattern.MULTILINE);

    private final Path executable;

    public Jcmd(Path javaHome) {
        this.executable = javaHome.resolve("bin").resolve("jcmd");
    }

    /** Runs {@code jcmd <pid> <command...>}, asserts it succeeded and returns its stdout. */
    public String run(long pid, String... command) {
        List<String> line = new ArrayList<>();
        line.add(executable.toString());
        line.add(Long.toString(pid));
        line.addAll(List.of(command));
        CompletedProcess result = CompletedProcess.run(line, TIMEOUT);
        assertThat(result.exitCode()).as(result::describe).isZero();
        return result.stdout();
    }

    /** The names of all live threads of {@code pid}. */
    public List<String> threadNames(long pid) {
        Matcher matcher = THREAD_HEADER.matcher(run(pid, "Thread.print"));
        List<String> names = new ArrayList<>();
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /** The class loader tree of {@code pid} ({@code VM.classloaders}). */
    public String classLoaders(long pid) {
        return run(pid, "VM.classloaders");
    }

    /** A full GC ({@code GC.run}, i.e. {@code System.gc()}), which also unloads unreachable classes. */
    public void gc(long pid) {
        run(pid, "GC.run");
    }
}
