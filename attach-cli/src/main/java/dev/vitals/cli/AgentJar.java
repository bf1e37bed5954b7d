package dev.vitals.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The agent jar to load: the one given with {@code --agent-jar}, or the copy of the one embedded
 * in this CLI (resource {@value #RESOURCE}) at a stable, content-addressed path:
 * {@code ${java.io.tmpdir}/vitals-<user>/vitals-agent-<first 12 hex of sha256>.jar}.
 *
 * <p>The file is never deleted: the target JVM keeps it on its system class path for as long as
 * it runs. Being content-addressed, it is written once per agent build and reused afterwards. The
 * hash comes from the build ({@value #HASH_RESOURCE}), so reusing the copy reads and hashes the
 * copy alone; the embedded bytes are read only to write it.
 *
 * <p>Trust: whoever can replace that file gets code run in the target JVM, so the directory must
 * belong to the target's user and be writable by nobody else; otherwise a fresh private temporary
 * directory is used instead. Writes go to a temporary file in the same directory, then an atomic
 * rename, so a concurrent CLI never sees half a jar.
 */
final class AgentJar {

    static final String RESOURCE = "/vitals-agent.jar";

    /** The embedded jar's SHA-256 in hex, written beside it by the build. */
    static final String HASH_RESOURCE = RESOURCE + ".sha256";

    /** Hex digits of the sha256 in the file name: enough to tell builds apart, short enough to read. */
    private static final int NAME_HASH_CHARS = 12;

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> FOREIGN_WRITE =
            EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private AgentJar() {
    }

    /**
     * The jar to load into a JVM run by {@code targetUser}.
     *
     * @param override   {@code --agent-jar}, or {@code null}
     * @param targetUser who runs the target JVM (and must be able to read the jar); {@code null} if unknown
     */
    static Path forTarget(Path override, UserPrincipal targetUser) {
        if (override != null) {
            Path jar = override.toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                throw new CommandFailure("--agent-jar: no such file: " + jar);
            }
            return jar;
        }
        UserPrincipal owner = targetUser != null ? targetUser : LocalProcess.currentUser().orElse(null);
        Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            // With the build's hash, an attach that finds its copy in place reads and hashes that
            // copy only, not the 13 MB resource as well (~65 ms to read it out of this jar, ~60 to hash it).
            String known = embeddedSha256();
            if (known != null) {
                return extract(AgentJar::embedded, known, tmpRoot, owner);
            }
            return extract(embedded(), tmpRoot, owner);
        } catch (IOException e) {
            throw new CommandFailure("could not write the agent jar under " + System.getProperty("java.io.tmpdir")
                    + ": " + e + ". Set -Djava.io.tmpdir=<writable dir>, or pass --agent-jar PATH.");
        }
    }

    /** The embedded agent jar's bytes. */
    static byte[] embedded() {
        try (InputStream in = AgentJar.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new CommandFailure("this vitals-cli carries no agent jar (resource " + RESOURCE
                        + " is missing); pass one with --agent-jar PATH.");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new CommandFailure("could not read the embedded agent jar: " + e);
        }
    }

    /** The build's SHA-256 of the embedded jar, or null when this CLI carries none (or a malformed one). */
    static String embeddedSha256() {
        try (InputStream in = AgentJar.class.getResourceAsStream(HASH_RESOURCE)) {
            if (in == null) {
                return null;
            }
            String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().toLowerCase(Locale.ROOT);
            return hex.matches("[0-9a-f]{64}") ? hex : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Writes {@code jar} under {@code tmpRoot} for {@code owner} (see the class comment) unless an
     * identical copy is already there; returns its path.
     *
     * @param owner who must own the directory and file; if it is not the current user (a root
     *     CLI attaching to another user's JVM), both are handed to that user. {@code null}: the current user
     */
    static Path extract(byte[] jar, Path tmpRoot, UserPrincipal owner) throws IOException {
        return extract(() -> jar, sha256(jar), tmpRoot, owner);
    }

    /**
     * As {@link #extract(byte[], Path, UserPrincipal)}, for a jar whose SHA-256 is known: its bytes
     * are read only if no copy with that hash is in place. Bytes that turn out not to have that
     * hash are written under their own.
     */
    static Path extract(Supplier<byte[]> jar, String expectedSha256, Path tmpRoot, UserPrincipal owner) throws IOException {
        Path dir = privateDirectory(tmpRoot, owner);
        Path target = copyPath(dir, expectedSha256);
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                && sha256(Files.readAllBytes(target)).equals(expectedSha256)) {
            return target;
        }
        byte[] bytes = jar.get();
        String actual = sha256(bytes);
        if (!actual.equals(expectedSha256)) {
            // The hash given does not belong to these bytes (a build step gone wrong): go by the bytes.
            return extract(() -> bytes, actual, tmpRoot, owner);
        }
        return write(bytes, dir, target, owner);
    }

    private static Path copyPath(Path dir, String sha256) {
        return dir.resolve("vitals-agent-" + sha256.substring(0, NAME_HASH_CHARS) + ".jar");
    }

    /** Writes a copy through a temporary file and an atomic rename, so a concurrent CLI never sees half a jar. */
    private static Path write(byte[] jar, Path dir, Path target, UserPrincipal owner) throws IOException {
        Path temp = Files.createTempFile(dir, "vitals-agent-", ".tmp");
        try {
            Files.write(temp, jar);
            if (isPosix(dir)) {
                Files.setPosixFilePermissions(temp, READABLE);
            }
            handOver(temp, owner);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    /**
     * {@code tmpRoot/vitals-<user>}, created 0700 if missing, if it is a real directory (not a
     * link) owned by {@code owner} that no one else can write to; otherwise a fresh
     * {@link Files#createTempDirectory} under {@code tmpRoot}, so another user's squatting there
     * costs a cache miss, not a compromise.
     */
    static Path privateDirectory(Path tmpRoot, UserPrincipal owner) throws IOException {
        String user = owner != null ? owner.getName() : System.getProperty("user.name", "user");
        String safeUser = user.replaceAll("[^A-Za-z0-9._-]", "_");
        Path stable = tmpRoot.resolve("vitals-" + safeUser);
        boolean posix = isPosix(tmpRoot);
        try {
            if (posix) {
                Files.createDirectory(stable, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                // The umask may have taken bits away; never added any, but make the mode exact.
                Files.setPosixFilePermissions(stable, OWNER_ONLY);
                handOver(stable, owner);
            } else {
                Files.createDirectory(stable);
            }
            return stable;
        } catch (FileAlreadyExistsException e) {
            if (!posix ? Files.isDirectory(stable, LinkOption.NOFOLLOW_LINKS) : trusted(stable, owner)) {
                return stable;
            }
        }
        Path fresh = posix
                ? Files.createTempDirectory(tmpRoot, "vitals-" + safeUser + "-", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempDirectory(tmpRoot, "vitals-" + safeUser + "-");
        handOver(fresh, owner);
        return fresh;
    }

    /** A directory, not a link, owned by {@code owner} (or us), that group and others cannot write. */
    private static boolean trusted(Path dir, UserPrincipal owner) throws IOException {
        PosixFileAttributes attrs = Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
        String expected = owner != null ? owner.getName() : LocalProcess.currentUserName();
        return attrs.isDirectory()
                && attrs.owner().getName().equals(expected)
                && attrs.permissions().stream().noneMatch(FOREIGN_WRITE::contains);
    }

    /** Gives {@code path} to {@code owner} if that is not us (only root can, and only root needs to). */
    private static void handOver(Path path, UserPrincipal owner) throws IOException {
        if (owner == null || !isPosix(path)) {
            return;
        }
        UserPrincipal current = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
        if (!current.getName().equals(owner.getName())) {
            Files.setOwner(path, owner);
        }
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
