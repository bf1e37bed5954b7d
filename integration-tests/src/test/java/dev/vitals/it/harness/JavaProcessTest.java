package dev.vitals.it.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.it.apps.IdleApp;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process harness against the idle app (a plain JVM, no agent). */
class JavaProcessTest {

    @TempDir
    Path logs;

    @Test
    void startsWaitsForOutputTalksOverStdinAndCleansUp() {
        JavaProcess process = JavaProcess.builder("idle", logs)
                .classpath(Artifacts.testClasses().toString())
                .mainClass(IdleApp.class.getName())
                .systemProperty("it.marker", "hello")
                .start();
        try (process) {
            assertThat(process.awaitStdout("pid=(\\d+)", JavaProcess.STARTUP).group(1))
                    .isEqualTo(Long.toString(process.pid()));

            process.writeStdin("prop it.marker");

            assertThat(process.awaitOutput("^prop it\\.marker=(.*)$", JavaProcess.STARTUP).group(1)).isEqualTo("hello");
        }
        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void failsFastWhenTheProcessExitsWithoutTheLine() {
        try (JavaProcess process = JavaProcess.builder("exits", logs)
                .classpath(Artifacts.testClasses().toString())
                .mainClass("no.such.MainClass")
                .start()) {
            assertThatThrownBy(() -> process.awaitOutput("never printed", Duration.ofMinutes(1)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("exited with status 1")
                    .hasMessageContaining("no.such.MainClass");
        }
    }

    @Test
    void awaitExitReturnsTheStatus() {
        try (JavaProcess process = JavaProcess.builder("exit0", logs)
                .classpath(Artifacts.testClasses().toString())
                .mainClass(IdleApp.class.getName())
                .start()) {
            process.writeStdin("exit");

            assertThat(process.awaitExit(JavaProcess.STARTUP)).isZero();
        }
    }
}
