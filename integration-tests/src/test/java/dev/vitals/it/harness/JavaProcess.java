package dev.vitals.it.harness;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real {@code java} process started by a test: optionally with {@code -javaagent}, JVM options,
 * a main class and class path or {@code -jar}, and program arguments. Its stdout and stderr go to
 * files (so nothing blocks on a full pipe and the output survives for the report); its stdin stays
 * open for {@link #writeStdin(String)}.
 *
 * <p>{@link #close()} ends the process and everything it started: politely, then forcibly after
 * {@link #GRACE}. Processes still alive when the test JVM exits are killed by a shutdown hook, so a
 * crashed or timed-out test run does not leave JVMs behind. Use it through {@link Jvms}, which
 * closes every process at the end of its test (or test class) and prints the output of all of
 * them when a test fails.
 *
 * <p>Threading: one test thread uses an instance; {@link #close()} may also run from the
 * shutdown hook and is idempotent.
 */
public final class JavaProcess implements AutoCloseable {

    /** How long a started JVM may take to print its ready line (generous: 2 cores, JIT cold). */
    public static final Duration STARTUP = Duration.ofSeconds(30);

    /** How long {@link #close()} waits after SIGTERM before it kills. */
    public static final Duration GRACE = Duration.ofSeconds(3);

    /** How often captured output is re-read while waiting for a line. */
    private static final Duration POLL = Duration.ofMillis(50);

    /** How much of each stream {@link #describe()} shows. */
    private static final int TAIL_LINES = 120;

    /** Inherited variables that would change what a launched JVM does; never passed on. */
    private static final List<String> STRIPPED_ENV_PREFIXES =
            List.of("VITALS_", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH");

    private static final Set<JavaProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> LIVE.forEach(JavaProcess::killNow), "java-process-reaper"));
    }

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path stdoutFile;
    private final Path stderrFile;
    private final OutputStream stdin;
    private volatile boolean closed;

    private JavaProcess(String name, List<String> command, Process process, Path stdoutFile, Path stderrFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.process = process;
        this.stdoutFile = stdoutFile;
        this.stderrFile = stderrFile;
        this.stdin = process.getOutputStream();
    }

    /**
     * A builder for a process named {@code name} (used in file names and messages), whose output
     * files go to {@code logDir}. Prefer {@link Jvms#java(String)}, which also cleans up.
     */
    public static Builder builder(String name, Path logDir) {
        return new Builder(name, logDir);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public List<String> command() {
        return command;
    }

    public Path stdoutFile() {
        return stdoutFile;
    }

    public Path stderrFile() {
        return stderrFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process has written to stdout so far. */
    public String stdout() {
        return read(stdoutFile);
    }

    /** Everything the process has written to stderr so far. */
    public String stderr() {
        return read(stderrFile);
    }

    /**
     * Waits until stdout or stderr contains a match of {@code regex} ({@link Pattern#MULTILINE}:
     * {@code ^} and {@code $} anchor at lines) and returns the first match. Fails at once if the
     * process exits without printing it, and after {@code timeout} otherwise, in both cases with
     * the process's output in the message.
     */
    public MatchResult awaitOutput(String regex, Duration timeout) {
        return await(regex, timeout, stdoutFile, stderrFile);
    }

    /** As {@link #awaitOutput}, looking at stdout only. */
    public MatchResult awaitStdout(String regex, Duration timeout) {
        return await(regex, timeout, stdoutFile);
    }

    /** As {@link #awaitOutput}, looking at stderr only. */
    public MatchResult awaitStderr(String regex, Duration timeout) {
        return await(regex, timeout, stderrFile);
    }

    private MatchResult await(String regex, Duration timeout, Path... files) {
        Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
        AtomicReference<MatchResult> found = new AtomicReference<>();
        String streams = Arrays.stream(files).map(f -> f == stdoutFile ? "stdout" : "stderr")
                .collect(Collectors.joining(" or "));
        try {
            Awaitility.await(name + " printing /" + regex + "/")
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL)
                    .until(() -> {
                        // Read liveness first: output written before an exit is then always seen.
                        boolean alive = process.isAlive();
                        for (Path file : files) {
                            Matcher matcher = pattern.matcher(read(file));
                            if (matcher.find()) {
                                found.set(matcher.toMatchResult());
                                return true;
                            }
                        }
                        if (!alive) {
                            throw new AssertionError(name + " exited with status " + process.exitValue()
                                    + " without printing /" + regex + "/ on " + streams + "\n" + describe());
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(name + " did not print /" + regex + "/ on " + streams
                    + " within " + timeout + "\n" + describe(), e);
        }
        return found.get();
    }

    /** Writes one line (plus a newline) to the process's stdin and flushes it. */
    public void writeStdin(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to stdin of " + name + " (alive: " + isAlive() + ")", e);
        }
    }

    /** Closes the process's stdin (it reads end-of-file). */
    public void closeStdin() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // The process is gone; nothing left to tell it.
        }
    }

    /**
     * Waits for the process to exit and returns its status; on timeout kills it (and its
     * descendants) and fails with its output.
     */
    public int awaitExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new AssertionError("interrupted while waiting for " + name + " to exit", e);
        }
        String output = describe();
        close();
        throw new AssertionError(name + " did not exit within " + timeout + " (killed)\n" + output);
    }

    /** The command, the status, and the last lines of both streams: for failure messages. */
    public String describe() {
        String status = process.isAlive() ? "running" : "exited with status " + process.exitValue();
        return "---- " + name + " (pid " + pid() + ", " + status + ")\n"
                + "command: " + String.join(" ", command) + "\n"
                + "---- stdout (" + stdoutFile + "):\n" + tail(stdout()) + "\n"
                + "---- stderr (" + stderrFile + "):\n" + tail(stderr()) + "\n"
                + "---- end of " + name;
    }

    /**
     * Ends the process and its descendants: SIGTERM, then SIGKILL for whatever is still alive
     * after {@link #GRACE}. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // Collect descendants before the parent goes: an orphan is re-parented and lost.
            List<ProcessHandle> tree = new ArrayList<>();
            process.descendants().forEach(tree::add);
            tree.add(process.toHandle());
            tree.forEach(ProcessHandle::destroy);
            if (!allExited(tree, GRACE)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                allExited(tree, GRACE);
            }
            closeStdin();
        } finally {
            LIVE.remove(this);
        }
    }

    /**
     * Kills the process as {@code kill -9} does (SIGKILL: no shutdown hook, no finally block runs)
     * and waits up to {@link #GRACE} for it to be gone; returns its exit status (137 on Linux).
     * Its descendants are left alone. {@link #close()} afterwards is a no-op for a dead process.
     */
    public int kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still alive " + GRACE + " after SIGKILL\n" + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while killing " + name, e);
        }
        return process.exitValue();
    }

    private void killNow() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static boolean allExited(List<ProcessHandle> handles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle handle : handles) {
            long left = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                // onExit() does not complete exceptionally for processes; treat as exited.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static String read(Path file) {
        try {
            // Decoded leniently: a multi-byte character may be half-written at the end.
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(String text) {
        List<String> lines = text.lines().collect(Collectors.toList());
        if (lines.size() <= TAIL_LINES) {
            return text;
        }
        return "[... " + (lines.size() - TAIL_LINES) + " lines omitted ...]\n"
                + String.join("\n", lines.subList(lines.size() - TAIL_LINES, lines.size()));
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }

    /** Assembles the command line; {@link #start()} launches it. */
    public static final class Builder {

        private final String name;
        private final Path logDir;
        private Path javaHome = Artifacts.currentJavaHome();
        private Path agentJar;
        private String agentArguments;
        private final List<String> jvmOptions = new ArrayList<>();
        private final List<String> classpath = new ArrayList<>();
        private String mainClass;
        private Path jar;
        private final List<String> arguments = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path workingDirectory;
        private Consumer<JavaProcess> onStart = process -> { };

        private Builder(String name, Path logDir) {
            this.name = Objects.requireNonNull(name);
            this.logDir = Objects.requireNonNull(logDir);
        }

        /** The JDK or JRE to run ({@code <home>/bin/java}); default: the one running the tests. */
        public Builder javaHome(Path home) {
            this.javaHome = home;
            return this;
        }

        /** {@code -javaagent:<jar>}, with {@code =<arguments>} unless they are null or empty. */
        public Builder agent(Path jar, String arguments) {
            this.agentJar = jar;
            this.agentArguments = arguments;
            return this;
        }

        public Builder jvmOptions(String... options) {
            jvmOptions.addAll(List.of(options));
            return this;
        }

        /** {@code -D<key>=<value>}. */
        public Builder systemProperty(String key, String value) {
            jvmOptions.add("-D" + key + "=" + value);
            return this;
        }

        /** Class path entries (a {@code dir/*} wildcard is passed on as is); used with {@link #mainClass}. */
        public Builder classpath(String... entries) {
            classpath.addAll(List.of(entries));
            return this;
        }

        public Builder classpath(List<String> entries) {
            classpath.addAll(entries);
            return this;
        }

        public Builder mainClass(String mainClass) {
            this.mainClass = mainClass;
            return this;
        }

        /** {@code -jar <jar>}, instead of a class path and main class. */
        public Builder jar(Path jar) {
            this.jar = jar;
            return this;
        }

        public Builder args(String... args) {
            arguments.addAll(List.of(args));
            return this;
        }

        public Builder args(List<String> args) {
            arguments.addAll(args);
            return this;
        }

        /**
         * Sets an environment variable. Inherited {@code VITALS_*} variables and the JVM's
         * option-injecting variables are never passed on; set them here explicitly.
         */
        public Builder env(String key, String value) {
            environment.put(key, value);
            return this;
        }

        public Builder workingDirectory(Path dir) {
            this.workingDirectory = dir;
            return this;
        }

        /** Called with the started process (e.g. to register it for clean-up). */
        Builder onStart(Consumer<JavaProcess> callback) {
            this.onStart = callback;
            return this;
        }

        public List<String> command() {
            if ((jar == null) == (mainClass == null)) {
                throw new IllegalStateException(name + ": set exactly one of jar(...) and mainClass(...)");
            }
            List<String> command = new ArrayList<>();
            command.add(javaHome.resolve("bin").resolve("java").toString());
            if (agentJar != null) {
                boolean hasArguments = agentArguments != null && !agentArguments.isEmpty();
                command.add("-javaagent:" + agentJar + (hasArguments ? "=" + agentArguments : ""));
            }
            command.addAll(jvmOptions);
            if (jar != null) {
                command.add("-jar");
                command.add(jar.toString());
            } else {
                if (!classpath.isEmpty()) {
                    command.add("-cp");
                    command.add(String.join(File.pathSeparator, classpath));
                }
                command.add(mainClass);
            }
            command.addAll(arguments);
            return command;
        }

        public JavaProcess start() {
            List<String> command = command();
            try {
                Files.createDirectories(logDir);
                String base = uniqueBase(logDir, name);
                Path stdout = logDir.resolve(base + ".stdout.log");
                Path stderr = logDir.resolve(base + ".stderr.log");
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile());
                if (workingDirectory != null) {
                    builder.directory(workingDirectory.toFile());
                }
                Map<String, String> env = builder.environment();
                env.keySet().removeIf(key -> STRIPPED_ENV_PREFIXES.stream().anyMatch(key::startsWith));
                env.putAll(environment);
                JavaProcess started = new JavaProcess(name, command, builder.start(), stdout, stderr);
                LIVE.add(started);
                onStart.accept(started);
                return started;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
            }
        }

        private static synchronized String uniqueBase(Path dir, String name) throws IOException {
            String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
            for (int i = 1; ; i++) {
                String base = i == 1 ? safe : safe + "-" + i;
                Path marker = dir.resolve(base + ".stdout.log");
                if (!Files.exists(marker)) {
                    Files.createFile(marker);
                    return base;
                }
            }
        }
    }
}
