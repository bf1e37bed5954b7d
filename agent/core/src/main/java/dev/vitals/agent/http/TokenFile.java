package dev.vitals.agent.http;

import dev.vitals.agent.logging.AgentLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The API token and the file that holds it, readable only by the JVM's user: whoever can read
 * it can already attach to the JVM, so it grants nothing new.
 *
 * <p>One file per process ({@code token-<pid>}) in the state directory, so two JVMs of one
 * application never overwrite each other's; deleted on detach and at JVM exit.
 */
public final class TokenFile implements AutoCloseable {

    /** Random bytes in a generated token: 256 bits, beyond guessing. */
    private static final int TOKEN_BYTES = 32;

    private final String token;
    private final Path path;

    private TokenFile(String token, Path path) {
        this.token = token;
        this.path = path;
    }

    /** A fresh random token, URL-safe. */
    public static String generate() {
        byte[] bytes = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Writes the token into {@code stateDir}, or into a fresh private temp folder when the state
     * directory cannot be written (a read-only home, say).
     */
    public static TokenFile write(String token, Path stateDir, long pid) throws IOException {
        try {
            return new TokenFile(token, writeInto(stateDir, token, pid));
        } catch (IOException | UnsupportedOperationException e) {
            Path fallback = Files.createTempDirectory("vitals-");
            AgentLog.warn("cannot write the token file under " + stateDir + " (" + e.getMessage() + "); using "
                    + fallback);
            return new TokenFile(token, writeInto(fallback, token, pid));
        }
    }

    private static Path writeInto(Path dir, String token, long pid) throws IOException {
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException raced) {
                // Another JVM of the same application created it first.
            }
        }
        removeStale(dir);
        Path target = dir.resolve("token-" + pid);
        // Created owner-only from the start: never a moment in which others could read it.
        Path temp = Files.createTempFile(dir, ".token-" + pid + "-", ".tmp");
        try {
            Files.writeString(temp, token + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return target.toAbsolutePath();
    }

    /**
     * Deletes token files of processes that are gone (killed before they could delete their own),
     * so the directory holds one file per live JVM and tools reading it are not misled.
     */
    static void removeStale(Path dir) {
        try (var files = Files.newDirectoryStream(dir, "token-*")) {
            for (Path file : files) {
                String suffix = file.getFileName().toString().substring("token-".length());
                try {
                    if (ProcessHandle.of(Long.parseLong(suffix)).isEmpty()) {
                        Files.deleteIfExists(file);
                    }
                } catch (NumberFormatException | IOException e) {
                    // Not one of ours, or not ours to delete: leave it.
                }
            }
        } catch (IOException e) {
            AgentLog.debug("could not list " + dir + " for stale token files: " + e.getMessage());
        }
    }

    public String token() {
        return token;
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            AgentLog.debug("could not delete the token file " + path + ": " + e.getMessage());
        }
    }
}
