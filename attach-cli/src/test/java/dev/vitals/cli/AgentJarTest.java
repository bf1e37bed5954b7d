package dev.vitals.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentJarTest {

    private static final byte[] JAR = "pretend this is an agent jar".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private UserPrincipal me;

    @BeforeEach
    void posixOnly() throws IOException {
        assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
        me = Files.getOwner(tmp);
    }

    @Test
    void writesAContentAddressedFileInAPrivateDirectory() throws IOException {
        Path jar = AgentJar.extract(JAR, tmp, me);

        Path dir = tmp.resolve("vitals-" + me.getName());
        assertEquals(dir.resolve("vitals-agent-" + AgentJar.sha256(JAR).substring(0, 12) + ".jar"), jar);
        assertArrayEquals(JAR, Files.readAllBytes(jar));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(jar)));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void reusesAnIdenticalCopy() throws IOException {
        Path first = AgentJar.extract(JAR, tmp, me);
        FileTime marker = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(first, marker);

        Path second = AgentJar.extract(JAR, tmp, me);

        assertEquals(first, second);
        assertEquals(marker, Files.getLastModifiedTime(second), "not rewritten");
    }

    @Test
    void withTheBuildsHashACopyInPlaceIsUsedWithoutReadingTheJar() throws IOException {
        Path first = AgentJar.extract(JAR, tmp, me);

        Path second = AgentJar.extract(() -> {
            throw new AssertionError("the embedded jar was read although its copy is in place");
        }, AgentJar.sha256(JAR), tmp, me);

        assertEquals(first, second);
    }

    @Test
    void aHashThatDoesNotBelongToTheBytesIsNotTrusted() throws IOException {
        Path jar = AgentJar.extract(() -> JAR, "0".repeat(64), tmp, me);

        assertEquals("vitals-agent-" + AgentJar.sha256(JAR).substring(0, 12) + ".jar", jar.getFileName().toString());
        assertArrayEquals(JAR, Files.readAllBytes(jar));
    }

    @Test
    void theBuildWritesTheEmbeddedJarsHashBesideIt() {
        String hash = AgentJar.embeddedSha256();

        assertNotNull(hash, "the build writes " + AgentJar.HASH_RESOURCE);
        assertEquals(AgentJar.sha256(AgentJar.embedded()), hash);
    }

    @Test
    void anotherBuildGetsAnotherFileAndTheOldOneStays() throws IOException {
        Path first = AgentJar.extract(JAR, tmp, me);
        Path second = AgentJar.extract("another build".getBytes(StandardCharsets.UTF_8), tmp, me);

        assertNotEquals(first, second);
        assertEquals(first.getParent(), second.getParent());
        assertTrue(Files.exists(first), "never deleted: a running JVM may still have it on its class path");
    }

    @Test
    void aTamperedCopyIsReplaced() throws IOException {
        Path jar = AgentJar.extract(JAR, tmp, me);
        Files.writeString(jar, "evil");

        assertEquals(jar, AgentJar.extract(JAR, tmp, me));
        assertArrayEquals(JAR, Files.readAllBytes(jar));

        Files.writeString(jar, "evil again");
        assertEquals(jar, AgentJar.extract(() -> JAR, AgentJar.sha256(JAR), tmp, me), "with the build's hash too");
        assertArrayEquals(JAR, Files.readAllBytes(jar));
    }

    @Test
    void aDirectoryOthersCanWriteIsNotTrusted() throws IOException {
        Path stable = Files.createDirectory(tmp.resolve("vitals-" + me.getName()));
        Files.setPosixFilePermissions(stable, PosixFilePermissions.fromString("rwxrwxrwx"));

        Path jar = AgentJar.extract(JAR, tmp, me);

        Path dir = jar.getParent();
        assertNotEquals(stable, dir);
        assertEquals(tmp, dir.getParent());
        assertTrue(dir.getFileName().toString().startsWith("vitals-" + me.getName() + "-"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    @Test
    void aSymbolicLinkInPlaceOfTheDirectoryIsNotFollowed() throws IOException {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(tmp.resolve("vitals-" + me.getName()), elsewhere);

        Path jar = AgentJar.extract(JAR, tmp, me);

        assertTrue(Files.isDirectory(jar.getParent(), LinkOption.NOFOLLOW_LINKS));
        assertNotEquals(tmp.resolve("vitals-" + me.getName()), jar.getParent());
        try (var files = Files.list(elsewhere)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aDirectoryOwnedBySomeoneElseIsNotTrusted() throws IOException {
        assumeTrue(me.getName().equals("root"), "only root can create a directory for another user");
        UserPrincipal nobody;
        try {
            nobody = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (IOException e) {
            assumeTrue(false, "no user 'nobody'");
            return;
        }
        Path stable = Files.createDirectory(tmp.resolve("vitals-root"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setOwner(stable, nobody);

        Path jar = AgentJar.extract(JAR, tmp, me);

        assertNotEquals(stable, jar.getParent());
        assertEquals("root", Files.getOwner(jar.getParent()).getName());
    }

    @Test
    void rootWritesForTheTargetsUser() throws IOException {
        assumeTrue(me.getName().equals("root"), "only root can hand files to another user");
        UserPrincipal nobody;
        try {
            nobody = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (IOException e) {
            assumeTrue(false, "no user 'nobody'");
            return;
        }

        Path jar = AgentJar.extract(JAR, tmp, nobody);

        assertEquals(tmp.resolve("vitals-nobody"), jar.getParent());
        assertEquals("nobody", Files.getOwner(jar.getParent()).getName());
        assertEquals("nobody", Files.getOwner(jar).getName());
    }

    @Test
    void anExplicitJarMustExist() {
        Path missing = tmp.resolve("missing.jar");
        CommandFailure e = assertThrows(CommandFailure.class, () -> AgentJar.forTarget(missing, me));
        assertEquals("--agent-jar: no such file: " + missing, e.getMessage());
    }

    @Test
    void anExplicitJarIsUsedAsIs() throws IOException {
        Path jar = Files.write(tmp.resolve("agent.jar"), JAR);
        assertEquals(jar, AgentJar.forTarget(jar, me));
    }
}
