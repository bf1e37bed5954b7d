package dev.vitals.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The command line as a user meets it: exit codes and messages, through the captured writers. */
class VitalsCliTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = VitalsCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err.toString().startsWith("Missing required subcommand (list, attach, status or detach)"), err.toString());
    }

    @Test
    void helpListsTheCommands() {
        assertEquals(0, run("--help"));
        for (String command : new String[] {"list", "attach", "status", "detach"}) {
            assertTrue(out.toString().contains("  " + command + " "), out.toString());
        }
    }

    @Test
    void versionNamesTheCli() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("vitals-cli "), out.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "attach 1 --port 70000       | --port must be between 0 and 65535 (0 = any free port), but was 70000",
        "attach 1 --port x           | Invalid value for option '--port': 'x' is not an int",
        "attach 1 --bind a,b         | --bind must not contain ',' (the agent's arguments are comma-separated), but was 'a,b'",
        "attach 1 --set app.name=a,b | --set app.name must not contain ','",
        "attach 1 --set novalue      | should be in KEY=VALUE format but was novalue",
        "attach 1 --timeout soon     | 'soon' is not a duration (use e.g. 500ms, 30s, 2m, 1h)",
        "attach 1 --frobnicate       | Unknown option: '--frobnicate'",
        "attach Orders[              | 'Orders[' is neither a pid nor a valid regular expression",
        "status abc                  | 'abc' is not a long",
        "detach                      | Missing required parameter: '<pid>'",
        "list --timeout 0s           | '0s' must be a positive duration"})
    void usageErrorsExitWith2AndSayWhatIsWrong(String args, String message) {
        assertEquals(2, run(args.strip().split(" ")));
        assertTrue(err.toString().contains(message), err.toString());
        assertTrue(err.toString().contains("Usage: vitals-cli "), "and show the usage");
    }

    @Test
    void anExistingConfigFileIsRequired() {
        assertEquals(2, run("attach", "1", "--config", "/definitely/not/here.properties"));
        assertTrue(err.toString().contains("--config: no such file: /definitely/not/here.properties"), err.toString());
    }

    @Test
    void aMissingProcessIsAFailureWithAHint() {
        long pid = unusedPid();
        assertEquals(1, run("status", Long.toString(pid)));
        assertEquals("no process with pid " + pid + ". Run `java -jar vitals-cli.jar list` to see the JVMs on this"
                + " machine." + System.lineSeparator(), err.toString());
    }

    @Test
    void theCliDoesNotAttachToItself() {
        long self = ProcessHandle.current().pid();
        assertEquals(1, run("detach", Long.toString(self)));
        assertTrue(err.toString().startsWith(self + " is this vitals-cli process itself"), err.toString());
    }

    @Test
    void aProcessThatIsNotAJvmIsNamed() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "Linux /proc");
        Process sleep;
        try {
            sleep = new ProcessBuilder("sleep", "30").start();
        } catch (IOException e) {
            assumeTrue(false, "no sleep command");
            return;
        }
        try {
            assertEquals(1, run("attach", Long.toString(sleep.pid())));
            assertEquals("process " + sleep.pid() + " (sleep) is not a Java virtual machine that can be attached to."
                    + " Run `java -jar vitals-cli.jar list` to see the JVMs on this machine." + System.lineSeparator(),
                    err.toString());
            assertTrue(sleep.isAlive(), "and it was sent no signal");
        } finally {
            sleep.destroy();
            sleep.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theOtherUserHintSaysHow() {
        assertEquals("JVM 42 runs as user 'app', and a JVM accepts attach requests only from its own user (you are"
                + " 'bob'). Run the command as that user: sudo -u app java -jar vitals-cli.jar attach 42",
                TargetJvm.otherUser(42, "app", "bob", "attach"));
    }

    private static long unusedPid() {
        long pid = 4_000_000;
        while (ProcessHandle.of(pid).isPresent() || Files.exists(Path.of("/proc/" + pid))) {
            pid++;
        }
        return pid;
    }
}
