package dev.vitals.sample.truth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces one file's content atomically: a reader (a test polling the truth file) sees the old
 * content or the new one, never a torn or empty file.
 *
 * <p>Not thread-safe on its own; {@link TruthPublisher} serialises the writes.
 */
public final class TruthFile {
    private final Path target;

    public TruthFile(Path target) {
        this.target = target.toAbsolutePath();
    }

    public Path path() {
        return target;
    }

    /** Writes {@code content} (UTF-8) to a temporary file beside the target, syncs it, renames it over. */
    public void replace(String content) throws IOException {
        Path dir = target.getParent();
        Files.createDirectories(dir);
        // Same directory as the target, so the rename stays on one file system and can be atomic.
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Some file systems cannot rename atomically; a plain replace is the best they offer.
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
