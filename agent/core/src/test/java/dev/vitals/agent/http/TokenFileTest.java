package dev.vitals.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

    @TempDir
    Path dir;

    @Test
    void writesAnOwnerOnlyFileNamedAfterThePid() throws IOException {
        long pid = ProcessHandle.current().pid();
        try (TokenFile file = TokenFile.write("s3cret-token", dir, pid)) {
            assertThat(file.path()).isEqualTo(dir.resolve("token-" + pid).toAbsolutePath());
            assertThat(Files.readString(file.path()).trim()).isEqualTo("s3cret-token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path()))).isEqualTo("rw-------");
        }
        assertThat(dir.resolve("token-" + pid)).doesNotExist();
    }

    @Test
    void tokenFilesOfDeadProcessesAreRemovedOthersKept() throws IOException {
        long live = ProcessHandle.current().pid();
        Path mine = Files.writeString(dir.resolve("token-" + live), "x");
        Path dead = Files.writeString(dir.resolve("token-" + Integer.MAX_VALUE), "x");
        Path foreign = Files.writeString(dir.resolve("token-notes.txt"), "x");

        TokenFile.removeStale(dir);

        assertThat(mine).exists();
        assertThat(dead).doesNotExist();
        assertThat(foreign).exists();
    }

    @Test
    void generatedTokensAreLongAndDistinct() {
        String a = TokenFile.generate();
        String b = TokenFile.generate();

        assertThat(a).hasSize(43).isNotEqualTo(b).matches("[A-Za-z0-9_-]+");
    }
}
