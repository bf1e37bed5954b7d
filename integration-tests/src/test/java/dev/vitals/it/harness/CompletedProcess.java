package dev.vitals.it.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command that ran to completion: its exit status and output. {@link #describe()} is meant
 * for assertion descriptions, so a failing check shows what the command printed.
 */
public record CompletedProcess(List<String> command, int exitCode, String stdout, String stderr) {

    /** stdout followed by stderr. */
    public String output() {
        return stdout + stderr;
    }

    /** stdout parsed as JSON. */
    public JsonNode json() {
        return Json.parse(stdout);
    }

    public String describe() {
        return "command: " + String.join(" ", command) + "\nexit status: " + exitCode
                + "\n---- stdout:\n" + stdout + "\n---- stderr:\n" + stderr + "\n----";
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Runs a (non-Java) command such as {@code jcmd} with stdin closed, output captured in
     * temporary files (no pipe can fill up), killed if it runs past {@code timeout}.
     */
    public static CompletedProcess run(List<String> command, Duration timeout) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("vitals-it-cmd-", ".out");
            err = Files.createTempFile("vitals-it-cmd-", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("did not finish within " + timeout + " (killed): " + String.join(" ", command)
                        + "\n---- stdout:\n" + Files.readString(out) + "\n---- stderr:\n" + Files.readString(err));
            }
            return new CompletedProcess(command, process.exitValue(),
                    new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                    new String(Files.readAllBytes(err), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            file.toFile().delete();
        }
    }
}
