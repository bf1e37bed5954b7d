package dev.vitals.it.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * The sample app's ground-truth file (see sample-app/README.md): what the application itself
 * counted, which the agent's numbers are compared with.
 */
public final class SampleTruth {

    private final Path file;

    public SampleTruth(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The file as it is now. */
    public JsonNode read() {
        try {
            return Json.parse(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the truth file " + file + ": " + e, e);
        }
    }

    /** Waits for the final truth ({@code "finished": true}) the app writes after {@code stop}. */
    public JsonNode awaitFinished(Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await("finished truth in " + file).atMost(timeout).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IllegalStateException.class)
                .until(() -> {
                    if (!Files.exists(file)) {
                        throw new IllegalStateException(new NoSuchFileException(file.toString()));
                    }
                    last[0] = read();
                    return last[0].path("finished").asBoolean(false);
                });
        return last[0];
    }
}
