package dev.vitals.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An attached JVM, with every attach-API call bounded by a deadline (a stopped or wedged JVM
 * accepts the connection and then never answers) and every failure turned into a
 * {@link CommandFailure} that says what happened and what to do.
 *
 * <p>Threading: calls run on daemon threads so that one that never returns cannot keep the CLI
 * alive; the calling thread waits at most until the deadline. Not for concurrent use.
 */
final class TargetJvm implements AutoCloseable {

    /** How long {@link #close()} waits for the detach; the attach is done by then either way. */
    private static final Duration DETACH_TIMEOUT = Duration.ofSeconds(2);

    private static final ExecutorService CALLS = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "vitals-cli-attach");
        t.setDaemon(true);
        return t;
    });

    private final long pid;
    private final VirtualMachine vm;
    private final UserPrincipal owner;

    private TargetJvm(long pid, VirtualMachine vm, UserPrincipal owner) {
        this.pid = pid;
        this.vm = vm;
        this.owner = owner;
    }

    /**
     * Checks the pid, then attaches.
     *
     * @param command the subcommand, for the "run it as that user" hint ({@code attach}, {@code status}, ...)
     * @throws CommandFailure with a message naming the cause and the remedy
     */
    static TargetJvm open(long pid, String command, Deadline deadline) {
        requireAttachApi();
        if (pid == LocalProcess.selfPid()) {
            throw new CommandFailure(pid + " is this vitals-cli process itself; pick another JVM from"
                    + " `java -jar vitals-cli.jar list`.");
        }
        LocalProcess process = LocalProcess.of(pid);
        if (!process.exists()) {
            throw new CommandFailure("no process with pid " + pid + ". Run `java -jar vitals-cli.jar list`"
                    + " to see the JVMs on this machine.");
        }
        Optional<UserPrincipal> owner = process.owner();
        String me = LocalProcess.currentUserName();
        if (owner.isPresent() && !owner.get().getName().equals(me) && !LocalProcess.runningAsRoot()) {
            throw new CommandFailure(otherUser(pid, owner.get().getName(), me, command));
        }
        boolean listed = JvmInventory.listed().stream().anyMatch(jvm -> jvm.pid() == pid);
        if (!listed && !process.looksLikeJvm()) {
            throw new CommandFailure("process " + pid + " (" + process.name() + ") is not a Java virtual machine"
                    + " that can be attached to. Run `java -jar vitals-cli.jar list` to see the JVMs on this machine.");
        }
        if (!process.hasAttachSocket() && process.sigQuitWouldTerminate()) {
            // The attach API would send SIGQUIT (Java 17's without looking first), and that kills this process.
            throw new CommandFailure("JVM " + pid + " is not ready for attach: it does not handle SIGQUIT yet (is it"
                    + " still starting?), and the attach request would terminate it. Try again in a moment.");
        }
        VirtualMachine vm;
        try {
            vm = within(deadline, () -> VirtualMachine.attach(Long.toString(pid)));
        } catch (TimeoutException e) {
            throw new CommandFailure("JVM " + pid + " did not answer the attach request within "
                    + DurationConverter.format(deadline.total()) + ": it may be stopped (SIGSTOP), in a long"
                    + " garbage collection or out of memory. Try again, or give it longer with --timeout.");
        } catch (AttachNotSupportedException e) {
            throw new CommandFailure(attachNotSupported(pid, e.getMessage()));
        } catch (IOException e) {
            throw new CommandFailure(attachIoFailure(pid, owner.map(UserPrincipal::getName).orElse("?"), me, command,
                    e.getMessage()));
        } catch (Exception e) {
            throw new CommandFailure("could not attach to JVM " + pid + ": " + e);
        }
        return new TargetJvm(pid, vm, owner.orElse(null));
    }

    long pid() {
        return pid;
    }

    /** The user the target runs as, or {@code null} if unknown. */
    UserPrincipal owner() {
        return owner;
    }

    Properties systemProperties(Deadline deadline) {
        return call(deadline, "system properties", vm::getSystemProperties);
    }

    /** The JVM's agent properties: {@code sun.jvm.args} (its -XX flags and -D options) among them. */
    Properties agentProperties(Deadline deadline) {
        return call(deadline, "agent properties", vm::getAgentProperties);
    }

    /**
     * Loads {@code jar} as a Java agent with {@code options} ({@code null} for none).
     *
     * @throws CommandFailure if the target refuses the jar or the agent's {@code agentmain} throws
     */
    void loadAgent(Path jar, String options, Deadline deadline) {
        String path = jar.toAbsolutePath().toString();
        try {
            within(deadline, () -> {
                vm.loadAgent(path, options);
                return null;
            });
        } catch (TimeoutException e) {
            throw new CommandFailure("JVM " + pid + " did not finish loading the agent within "
                    + DurationConverter.format(deadline.total()) + "; it may still complete. Check with"
                    + " `java -jar vitals-cli.jar status " + pid + "`.");
        } catch (AgentInitializationException e) {
            throw new CommandFailure("the Vitals agent failed to initialize in JVM " + pid + ": " + e.getMessage()
                    + (e.returnValue() != 0 ? " (return value " + e.returnValue() + ")" : "")
                    + ". The JVM printed the cause on its stderr.");
        } catch (AgentLoadException e) {
            throw new CommandFailure("JVM " + pid + " could not load the agent jar " + path + ": " + e.getMessage()
                    + ". The JVM's user must be able to read that file; pass another with --agent-jar.");
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("Non-numeric value found")) {
                throw new CommandFailure("JVM " + pid + " answered in an older attach protocol (" + message
                        + "): it runs Java 8 or older, and Vitals needs Java 17 or newer.");
            }
            throw new CommandFailure("loading the agent into JVM " + pid + " failed: " + message);
        } catch (Exception e) {
            throw new CommandFailure("loading the agent into JVM " + pid + " failed: " + e);
        }
    }

    /** Detaches, waiting briefly; the target is unaffected if that fails. */
    @Override
    public void close() {
        try {
            within(Deadline.in(DETACH_TIMEOUT), () -> {
                vm.detach();
                return null;
            });
        } catch (Exception e) {
            // Nothing to do: detaching only closes our side.
        }
    }

    /** The major Java version from {@code java.specification.version} ("1.8" → 8, "21" → 21); 0 if unknown. */
    static int javaMajor(Properties systemProperties) {
        String spec = systemProperties.getProperty("java.specification.version", "");
        if (spec.startsWith("1.")) {
            spec = spec.substring(2);
        }
        try {
            return Integer.parseInt(spec.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Reads a listed JVM's system properties: attach, read, detach, within {@code timeout}.
     * For {@code list}, which must not stop at one JVM that does not answer.
     */
    static Optional<Properties> peekSystemProperties(long pid, Duration timeout) {
        Deadline deadline = Deadline.in(timeout);
        try {
            VirtualMachine vm = within(deadline, () -> VirtualMachine.attach(Long.toString(pid)));
            try {
                return Optional.of(within(deadline, vm::getSystemProperties));
            } finally {
                CALLS.submit(() -> {
                    vm.detach();
                    return null;
                });
            }
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private <T> T call(Deadline deadline, String what, Callable<T> call) {
        try {
            return within(deadline, call);
        } catch (TimeoutException e) {
            throw new CommandFailure("JVM " + pid + " did not return its " + what + " within "
                    + DurationConverter.format(deadline.total()) + "; it may be stuck. Try again, or raise --timeout.");
        } catch (Exception e) {
            throw new CommandFailure("could not read the " + what + " of JVM " + pid + ": " + e.getMessage());
        }
    }

    /** Runs {@code call} on a daemon thread and waits for it until the deadline; rethrows its exception. */
    static <T> T within(Deadline deadline, Callable<T> call) throws Exception {
        Future<T> future = CALLS.submit(call);
        try {
            return future.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted");
        }
    }

    /** The attach API ships with the JDK (module jdk.attach), not with every runtime image. */
    static void requireAttachApi() {
        if (ModuleLayer.boot().findModule("jdk.attach").isEmpty()) {
            throw new CommandFailure("this Java runtime (" + System.getProperty("java.home") + ") has no attach API"
                    + " (module jdk.attach): run vitals-cli with a full JDK's java.");
        }
    }

    static String otherUser(long pid, String owner, String me, String command) {
        return "JVM " + pid + " runs as user '" + owner + "', and a JVM accepts attach requests only from its own"
                + " user (you are '" + me + "'). Run the command as that user: sudo -u " + owner
                + " java -jar vitals-cli.jar " + command + " " + pid;
    }

    private static String attachNotSupported(long pid, String message) {
        if (message != null && message.contains("does not support the attach mechanism")) {
            return "JVM " + pid + " has the attach mechanism disabled (-XX:+DisableAttachMechanism). Restart it"
                    + " without that flag, or load Vitals at start-up with -javaagent:vitals-agent.jar.";
        }
        return "could not attach to JVM " + pid + ": " + message + ". It did not open its attach socket: it may"
                + " have been started with -XX:+DisableAttachMechanism or -Xrs, be busy or stopped, or see a"
                + " different /tmp than this CLI (containers: run the CLI inside the same container).";
    }

    private static String attachIoFailure(long pid, String owner, String me, String command, String message) {
        String m = String.valueOf(message);
        if (!owner.equals(me) && (m.contains("Permission denied") || m.contains("owned by")
                || m.contains("well-known file"))) {
            return otherUser(pid, owner, me, command) + " (" + m + ")";
        }
        if (m.contains("Can not attach to current VM")) {
            return pid + " is this vitals-cli process itself; pick another JVM.";
        }
        return "could not attach to JVM " + pid + ": " + m;
    }
}
