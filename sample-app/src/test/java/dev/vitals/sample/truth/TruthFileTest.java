package dev.vitals.sample.truth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TruthFileTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheContentAndLeavesNoTemporaryFiles() throws Exception {
        Path target = dir.resolve("sub/truth.json");
        TruthFile file = new TruthFile(target);

        file.replace("{\"a\":1}");
        file.replace("{\"a\":2,\"é\":true}");

        assertEquals("{\"a\":2,\"é\":true}", Files.readString(target, StandardCharsets.UTF_8));
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertEquals(List.of(target), files.toList());
        }
    }
}
