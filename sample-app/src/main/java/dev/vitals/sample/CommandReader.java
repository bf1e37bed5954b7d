package dev.vitals.sample;

import dev.vitals.sample.truth.TruthPublisher;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads commands from standard input, one per line: {@code start} (after {@code --start-paused}),
 * {@code stop}, {@code truth}, {@code exit}.
 *
 * <p>Runs on its own daemon thread, {@code sample-commands}, and executes each command on it, so
 * commands run one at a time in the order given. End of input ends only this reader, never the
 * app: tests may close the app's stdin and still expect it to run.
 */
final class CommandReader {
    private final InputStream in;
    private final SampleRun run;
    private final TruthPublisher publisher;

    CommandReader(InputStream in, SampleRun run, TruthPublisher publisher) {
        this.in = in;
        this.run = run;
        this.publisher = publisher;
    }

    /** Starts reading on a new daemon thread. */
    void start() {
        Thread t = new Thread(this::readAll, "sample-commands");
        // Blocked in read() forever once the workload is idle; must not keep the JVM alive.
        t.setDaemon(true);
        t.start();
    }

    private void readAll() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                execute(line.trim().toLowerCase(Locale.ROOT));
            }
        } catch (IOException e) {
            System.err.println("sample-app: stopped reading commands: " + e);
        }
    }

    private void execute(String command) {
        switch (command) {
            case "" -> { }
            case "start" -> run.start();
            case "stop" -> run.stop();
            case "truth" -> {
                if (!publisher.enabled()) {
                    System.err.println("sample-app: no --truth-file given; nothing to write");
                } else if (!publisher.publish()) {
                    System.err.println("sample-app: truth file not written (see the error above)");
                }
            }
            case "exit" -> {
                run.stop();
                run.requestExit(0);
            }
            default -> System.err.println("sample-app: unknown command '" + command + "'; commands: start, stop, truth, exit");
        }
    }
}
