package dev.vitals.benchmarks.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM the figures start: either run to its end ({@link #runToEnd}), or kept running while it is
 * measured (its stdout read line by line, its stderr in a file, commands sent on its stdin).
 *
 * <p>Threading: one thread uses an instance; a daemon thread of its own reads stdout.
 */
final class AppProcess implements AutoCloseable {

    /** How often stderr is read again while waiting for a line in it. */
    private static final long STDERR_POLL_MILLIS = 20;

    /** Marks the end of stdout in {@link #stdoutLines}. */
    private static final String END = new String("end of stdout");

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> stdoutLines = new LinkedBlockingQueue<>();

    private AppProcess(Process process, Path stderr, Path stdoutLog) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    Files.writeString(stdoutLog, line + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    stdoutLines.add(line);
                }
            } catch (IOException ignored) {
                // The process is gone; waiters see END.
            }
            stdoutLines.add(END);
        }, "bench-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command}; stdout goes to {@code <logs>/<name>.out} and is readable, stderr to {@code <name>.err}. */
    static AppProcess start(List<String> command, Path logs, String name) throws IOException {
        Files.createDirectories(logs);
        Path err = logs.resolve(name + ".err");
        Path out = logs.resolve(name + ".out");
        Files.deleteIfExists(out);
        Process process = new ProcessBuilder(command)
                .redirectError(err.toFile())
                .start();
        return new AppProcess(process, err, out);
    }

    /**
     * Runs {@code command} to its end.
     *
     * @return its exit code, wall time from start to exit, and stdout
     * @throws IOException when it is still running after {@code timeout} (it is killed)
     */
    static Finished runToEnd(List<String> command, Path logs, String name, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(logs);
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        long started = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IOException(name + " still running after " + timeout + "; killed (see " + err + ")");
        }
        long wallNanos = System.nanoTime() - started;
        return new Finished(process.exitValue(), wallNanos, Files.readString(out, StandardCharsets.UTF_8), err);
    }

    long pid() {
        return process.pid();
    }

    /** Waits for a stdout line that starts with {@code prefix} and returns it; fails if the process ends first. */
    String awaitStdout(String prefix, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = stdoutLines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IOException("no stdout line starting '" + prefix + "' within " + timeout + " (see " + stderr + ")");
            }
            if (line == END) {
                stdoutLines.add(END);
                throw new IOException("the process ended before printing '" + prefix + "' (see " + stderr + ")");
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** Waits until stderr has a match of {@code pattern} and returns the match's first group. */
    String awaitStderr(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Files.exists(stderr)) {
                Matcher matcher = pattern.matcher(Files.readString(stderr, StandardCharsets.UTF_8));
                if (matcher.find()) {
                    return matcher.group(1);
                }
            }
            if (!process.isAlive()) {
                throw new IOException("the process ended (exit " + process.exitValue() + ") before its stderr matched "
                        + pattern + " (see " + stderr + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("stderr did not match " + pattern + " within " + timeout + " (see " + stderr + ")");
            }
            Thread.sleep(STDERR_POLL_MILLIS);
        }
    }

    /** Writes one line to the process's stdin. */
    void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Waits for the process to exit; false when it is still running after {@code timeout}. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends the process if it still runs: SIGTERM, then SIGKILL after 10 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * A process that ran to its end.
     *
     * @param exitCode its exit code
     * @param wallNanos from {@code start()} to exit, as this JVM saw it
     * @param stdout all it printed there
     * @param stderr the file its stderr went to
     */
    record Finished(int exitCode, long wallNanos, String stdout, Path stderr) {

        /** Throws unless the exit code was 0 and stdout has a line starting {@code prefix}; returns that line. */
        String expectLine(String what, String prefix) throws IOException {
            if (exitCode != 0) {
                throw new IOException(what + " exited " + exitCode + " (see " + stderr + ")");
            }
            for (String line : stdout.split("\n")) {
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
            throw new IOException(what + " printed no line starting '" + prefix + "' (see " + stderr + ")");
        }
    }
}
