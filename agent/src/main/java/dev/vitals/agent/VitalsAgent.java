package dev.vitals.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.function.Consumer;

/**
 * The agent's entry point: {@code premain} for {@code -javaagent}, {@code agentmain} for attach
 * (and for detach, with the single argument {@code stop}).
 *
 * <p>This class is loaded by the system class loader and must stay tiny: it creates the
 * {@link CoreClassLoader} and hands over to the core's
 * {@code dev.vitals.agent.VitalsRuntime} through JDK types only ({@link Instrumentation},
 * {@link String}, {@link AutoCloseable}). It never references a core class: those live in the
 * private loader, and a direct reference would load them from the wrong one.
 *
 * <p>Nothing here may throw into the JVM: an exception from {@code premain} would stop the
 * application from starting. Failures are printed on stderr and the application runs on.
 *
 * <p>Concurrency: the work happens on one daemon thread, {@code vitals-start}, so that
 * {@code premain} returns at once and the application's {@code main} is not delayed. A later
 * attach or detach waits for that thread under {@link #LOCK}.
 */
public final class VitalsAgent {

    /** The core's composition root, loaded by name from the private loader. */
    private static final String RUNTIME = "dev.vitals.agent.VitalsRuntime";

    /** How long a detach waits for a start still in progress. */
    private static final long START_WAIT_MILLIS = 30_000;

    private static final Object LOCK = new Object();

    // The system class loader loads this class once per JVM, so these fields are shared by every
    // premain/agentmain call, whichever copy of the jar it came from. starter is guarded by LOCK;
    // the other two are written by the starter thread alone and read after joining it.
    private static Thread starter;
    private static volatile AutoCloseable running;
    private static volatile CoreClassLoader loader;
    // Registered once per JVM and kept: detach disconnects it, a later attach connects it again.
    private static ClassGate gate;

    private VitalsAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        launch(args, inst, "premain");
    }

    public static void agentmain(String args, Instrumentation inst) {
        if (args != null && args.trim().equals("stop")) {
            stop();
        } else {
            launch(args, inst, "attach");
        }
    }

    private static void launch(String args, Instrumentation inst, String via) {
        try {
            synchronized (LOCK) {
                if (starter != null && !starter.isAlive() && System.getProperty("vitals.url") == null) {
                    // The earlier start ended without a server (a taken port, an unsafe bind…):
                    // clear it away so this load, perhaps with better arguments, can start afresh.
                    System.err.println("[vitals] the earlier start failed (" + System.getProperty("vitals.error")
                            + "); starting again");
                    stop();
                }
                if (starter != null) {
                    String url = System.getProperty("vitals.url");
                    System.err.println("[vitals] already running"
                            + (url != null ? " at " + url : " (still starting)") + "; this load does nothing");
                    return;
                }
                if (gate == null) {
                    gate = new ClassGate();
                    inst.addTransformer(gate, true);
                }
                ClassGate classGate = gate;
                Thread thread = new Thread(() -> start(args, inst, via, classGate), "vitals-start");
                thread.setDaemon(true);
                // Threads we create inherit this; null keeps application classes out of our reach.
                thread.setContextClassLoader(null);
                starter = thread;
                thread.start();
            }
        } catch (Throwable t) {
            System.err.println("[vitals] could not start: " + t);
        }
    }

    private static void start(String args, Instrumentation inst, String via, ClassGate classGate) {
        CoreClassLoader core = null;
        try {
            Path jarPath = ownJar();
            core = new CoreClassLoader(jarPath);
            Class<?> runtime = Class.forName(RUNTIME, true, core);
            Object handle = runtime.getMethod("start", Instrumentation.class, String.class, String.class, String.class,
                    Consumer.class).invoke(null, inst, args, via, jarPath.toString(), classGate);
            // Not under LOCK: a detach holds LOCK while it waits for this thread to finish.
            loader = core;
            running = (AutoCloseable) handle;
        } catch (Throwable t) {
            Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
            String message = "could not start: " + cause;
            System.err.println("[vitals] " + message);
            System.setProperty("vitals.error", message);
            if (core != null) {
                closeQuietly(core);
            }
        } finally {
            // Whatever happened, no application thread may wait for this start any longer.
            classGate.open();
        }
    }

    private static void stop() {
        try {
            synchronized (LOCK) {
                Thread thread = starter;
                if (thread == null) {
                    System.err.println("[vitals] not running; nothing to detach");
                    return;
                }
                thread.join(START_WAIT_MILLIS);
                AutoCloseable handle = running;
                if (handle != null) {
                    handle.close();
                }
                if (loader != null) {
                    loader.close();
                }
                running = null;
                loader = null;
                starter = null;
                System.clearProperty("vitals.error");
                System.err.println("[vitals] stopped");
            }
        } catch (Throwable t) {
            System.err.println("[vitals] detach failed: " + t);
        }
    }

    private static Path ownJar() throws URISyntaxException {
        CodeSource source = VitalsAgent.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("cannot tell which jar the agent was loaded from");
        }
        return Path.of(source.getLocation().toURI());
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Start already failed and was reported; a second message would only confuse.
        }
    }
}
