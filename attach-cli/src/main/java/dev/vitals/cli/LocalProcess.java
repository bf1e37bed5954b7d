package dev.vitals.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Optional;

/**
 * What the operating system says about a local process, read from {@code /proc} on Linux (with
 * {@link ProcessHandle} as the fallback elsewhere). Used to explain, before any attach signal is
 * sent, why a pid cannot be attached to. Every method is best effort: an unreadable fact is
 * "unknown" and never an exception.
 */
final class LocalProcess {

    private static final Path PROC = Path.of("/proc");

    /** SIGQUIT is signal 3; {@code SigCgt} in /proc/pid/status is a hex mask with bit (n - 1) for signal n. */
    private static final int SIGQUIT_BIT = 2;

    private final long pid;
    private final Path dir;

    private LocalProcess(long pid) {
        this.pid = pid;
        this.dir = PROC.resolve(Long.toString(pid));
    }

    static LocalProcess of(long pid) {
        return new LocalProcess(pid);
    }

    static long selfPid() {
        return ProcessHandle.current().pid();
    }

    long pid() {
        return pid;
    }

    boolean exists() {
        if (Files.isDirectory(PROC.resolve("self"))) {
            return Files.isDirectory(dir);
        }
        return ProcessHandle.of(pid).isPresent();
    }

    /** The user the process runs as (the owner of /proc/pid), if known. */
    Optional<UserPrincipal> owner() {
        try {
            return Optional.of(Files.getOwner(dir));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return ProcessHandle.of(pid).flatMap(p -> p.info().user()).flatMap(LocalProcess::lookup);
        }
    }

    /** The owner's name, or {@code "?"}. */
    String ownerName() {
        return owner().map(UserPrincipal::getName).orElse("?");
    }

    /** The executable's short name ({@code comm}), for messages; {@code "?"} if unknown. */
    String name() {
        try {
            return Files.readString(dir.resolve("comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.of(pid).flatMap(p -> p.info().command())
                    .map(c -> Path.of(c).getFileName().toString()).orElse("?");
        }
    }

    /**
     * Whether the process is a HotSpot JVM that the attach API does not list: one started with
     * {@code -XX:-UsePerfData} or {@code -XX:+DisableAttachMechanism}, or another user's. Looks
     * for libjvm in its memory map and for its jvmstat file.
     */
    boolean looksLikeJvm() {
        try (BufferedReader maps = Files.newBufferedReader(dir.resolve("maps"), StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = maps.readLine()) != null) {
                if (line.endsWith("/libjvm.so")) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not readable (another user's process without privileges): try jvmstat below.
        }
        for (Path tmp : List.of(dir.resolve("root/tmp"), Path.of(System.getProperty("java.io.tmpdir")))) {
            try (DirectoryStream<Path> perfDirs = Files.newDirectoryStream(tmp, "hsperfdata_*")) {
                for (Path perf : perfDirs) {
                    if (Files.exists(perf.resolve(Long.toString(namespacePid())))
                            || Files.exists(perf.resolve(Long.toString(pid)))) {
                        return true;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Unreadable: unknown.
            }
        }
        return false;
    }

    /**
     * Whether the target already has its attach socket ({@code .java_pid<pid>} in its /tmp), in
     * which case attaching sends no signal.
     */
    boolean hasAttachSocket() {
        String name = ".java_pid" + namespacePid();
        return Files.exists(dir.resolve("root/tmp").resolve(name), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(Path.of("/tmp", ".java_pid" + pid), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Whether SIGQUIT would terminate the process: it neither handles nor ignores it. The attach
     * API starts a JVM's attach listener by sending SIGQUIT; a JVM started with {@code -Xrs} (or
     * still starting) that kept the default disposition would die of it. {@code false} when unknown.
     */
    boolean sigQuitWouldTerminate() {
        Optional<Boolean> caught = signalBit("SigCgt", SIGQUIT_BIT);
        Optional<Boolean> ignored = signalBit("SigIgn", SIGQUIT_BIT);
        return caught.isPresent() && ignored.isPresent() && !caught.get() && !ignored.get();
    }

    private Optional<Boolean> signalBit(String field, int bit) {
        return statusField(field).flatMap(hex -> {
            try {
                return Optional.of(new java.math.BigInteger(hex.strip(), 16).testBit(bit));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    /** The pid inside the process's own pid namespace (containers), or the pid itself. */
    long namespacePid() {
        return statusField("NSpid").map(v -> {
            String[] ids = v.strip().split("\\s+");
            try {
                return Long.parseLong(ids[ids.length - 1]);
            } catch (NumberFormatException e) {
                return pid;
            }
        }).orElse(pid);
    }

    private Optional<String> statusField(String field) {
        try (BufferedReader status = Files.newBufferedReader(dir.resolve("status"), StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = status.readLine()) != null) {
                if (line.startsWith(field + ":")) {
                    return Optional.of(line.substring(field.length() + 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unknown.
        }
        return Optional.empty();
    }

    /** The user this CLI runs as (effective uid on Linux). */
    static Optional<UserPrincipal> currentUser() {
        try {
            return Optional.of(Files.getOwner(PROC.resolve("self")));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return lookup(System.getProperty("user.name"));
        }
    }

    static String currentUserName() {
        return currentUser().map(UserPrincipal::getName).orElse(System.getProperty("user.name", "?"));
    }

    /** Whether this CLI runs as root, who may attach to any user's JVM. */
    static boolean runningAsRoot() {
        return new LocalProcess(selfPid()).statusField("Uid")
                .map(v -> v.strip().split("\\s+"))
                .map(ids -> ids.length > 1 && ids[1].equals("0"))
                .orElse("root".equals(System.getProperty("user.name")));
    }

    private static Optional<UserPrincipal> lookup(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(".").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
