package dev.vitals.it.harness;

import dev.vitals.it.apps.IdleApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * JUnit 5 extension that owns the processes a test class starts and a scratch directory for
 * their output, state and config files. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final Jvms jvms = new Jvms();
 * }</pre>
 *
 * <p>Processes started in {@code @BeforeAll} live until the class is done; processes started in a
 * test (or {@code @BeforeEach}) are closed after that test. When a test or a class-level callback
 * fails, the output of every process it could see is printed to stderr (and so lands in the
 * failsafe report), and the scratch directory is kept; otherwise it is deleted.
 *
 * <p>Threading: tests in a class using it must run one after another (the build runs them so).
 */
public final class Jvms implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final Deque<JavaProcess> classProcesses = new ArrayDeque<>();
    private final Deque<JavaProcess> testProcesses = new ArrayDeque<>();
    private boolean inTest;
    private boolean failed;
    private Path dir;
    private int dirCounter;

    /** A builder for a {@code java} process that this extension will close. */
    public synchronized JavaProcess.Builder java(String name) {
        return JavaProcess.builder(name, dir().resolve("logs")).onStart(this::register);
    }

    /**
     * A builder for {@link IdleApp} with only the test-classes directory on its class path. Start
     * it and wait for {@link IdleApp#READY}, e.g. with {@link #startIdleApp(JavaProcess.Builder)}.
     */
    public JavaProcess.Builder idleApp(String name) {
        return java(name)
                .classpath(Artifacts.testClasses().toString())
                .mainClass(IdleApp.class.getName());
    }

    /** Starts {@code builder} and waits for the idle app's ready line. */
    public JavaProcess startIdleApp(JavaProcess.Builder builder) {
        JavaProcess process = builder.start();
        process.awaitStdout("^" + IdleApp.READY + " ", JavaProcess.STARTUP);
        return process;
    }

    /**
     * Starts {@code app} with Vitals loaded by {@code loadPath}: for {@link LoadPath#PREMAIN} with
     * {@code -javaagent:<agent>=<options>} and waits for the agent's start line; for
     * {@link LoadPath#ATTACH} without the agent, waits until the app prints {@code readyRegex},
     * then attaches with the CLI and the same options.
     */
    public Monitored startMonitored(LoadPath loadPath, JavaProcess.Builder app, String readyRegex,
                                    AgentOptions options) {
        switch (loadPath) {
            case PREMAIN: {
                JavaProcess process = app.agent(Artifacts.agentJar(), options.toAgentArgument()).start();
                return new Monitored(process, Vitals.awaitStartLine(process, JavaProcess.STARTUP));
            }
            case ATTACH: {
                JavaProcess process = app.start();
                process.awaitOutput(readyRegex, JavaProcess.STARTUP);
                return new Monitored(process, cli().attach(process.pid(), options));
            }
            default:
                throw new IllegalArgumentException(String.valueOf(loadPath));
        }
    }

    /** The attach CLI on the JDK running the tests; its runs are cleaned up like any process. */
    public Cli cli() {
        return new Cli(this, Artifacts.cliJar());
    }

    /** {@code jcmd} of the JDK running the tests. */
    public Jcmd jcmd() {
        return new Jcmd(Artifacts.currentJavaHome());
    }

    /** The scratch directory of this test class (created on first use). */
    public synchronized Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("vitals-it-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    /** A fresh, empty directory inside {@link #dir()}, e.g. for an agent's {@code state.dir}. */
    public synchronized Path newDir(String name) {
        try {
            return Files.createDirectories(dir().resolve(name + "-" + (++dirCounter)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void register(JavaProcess process) {
        (inTest ? testProcesses : classProcesses).push(process);
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        dir();
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        inTest = true;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        inTest = false;
        if (failed(context)) {
            failed = true;
            report(context.getDisplayName(), testProcesses, classProcesses);
        }
        closeAll(testProcesses);
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (failed(context)) {
            failed = true;
            report(context.getDisplayName(), classProcesses);
        }
        closeAll(classProcesses);
        if (dir == null) {
            return;
        }
        if (failed) {
            System.err.println("[it] " + context.getDisplayName() + ": logs and state kept in " + dir);
        } else {
            deleteRecursively(dir);
        }
        dir = null;
    }

    /** Failed, as opposed to passed or skipped (an aborted assumption is no failure). */
    private static boolean failed(ExtensionContext context) {
        return context.getExecutionException().filter(e -> !(e instanceof TestAbortedException)).isPresent();
    }

    @SafeVarargs
    private static void report(String test, Deque<JavaProcess>... groups) {
        StringBuilder out = new StringBuilder("\n==== " + test + " failed; output of its processes:\n");
        for (Deque<JavaProcess> group : groups) {
            // Oldest first, the order they were started in.
            List<JavaProcess> inOrder = new ArrayList<>(group);
            Collections.reverse(inOrder);
            inOrder.forEach(process -> out.append(process.describe()).append('\n'));
        }
        System.err.println(out);
    }

    private static void closeAll(Deque<JavaProcess> processes) {
        // Newest first: a CLI run goes before the JVM it attached to.
        while (!processes.isEmpty()) {
            processes.pop().close();
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("[it] could not delete " + root + ": " + e);
        }
    }
}
