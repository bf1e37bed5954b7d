package dev.vitals.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The agent's only registered class-file transformer: a JDK-only front for the core's Byte
 * Buddy transformer, which is connected once the core has started and disconnected on detach.
 *
 * <p>Why a gate: the core starts on its own thread so that {@code premain} returns at once, but
 * an application that builds a connection pool in its first milliseconds would then create it
 * before any instrumentation exists, and its first borrows would go uncounted. So the first load
 * of a class that means "the application is about to use what we watch" ({@link #TRIGGERS}) waits
 * for the core to be ready — at most {@link #WAIT_MILLIS}, and only while the core is starting.
 * An application that touches none of them early is never delayed.
 *
 * <p>Because this gate is the one transformer the JVM knows, a class whose load waited is
 * transformed exactly once, by the delegate, and detach only has to disconnect the delegate and
 * retransform: the JVM then sees no change and restores the original bytes.
 *
 * <p>Concurrency: called on any thread that loads a class; all state is volatile or a latch.
 * Threads of the agent itself (named {@code vitals-*}) never wait here.
 */
final class ClassGate implements ClassFileTransformer, Consumer<ClassFileTransformer> {

    /** Classes (internal names) whose first load waits for the core to finish starting. */
    static final Set<String> TRIGGERS = Set.of(
            "com/zaxxer/hikari/pool/HikariPool",
            "com/github/benmanes/caffeine/cache/Caffeine",
            "java/sql/Connection");

    /** Longest an application thread waits for the core; then it goes on, uninstrumented. */
    static final long WAIT_MILLIS = 10_000;

    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile ClassFileTransformer delegate;
    private volatile boolean open;

    /** Connects the core's transformer (non-null) or disconnects it (null, on detach). */
    @Override
    public void accept(ClassFileTransformer transformer) {
        delegate = transformer;
        if (transformer != null) {
            open();
        }
    }

    /** The core's start is over, whether or not it connected a transformer: never wait again. */
    void open() {
        open = true;
        ready.countDown();
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) throws IllegalClassFormatException {
        ClassFileTransformer current = delegate;
        if (current == null) {
            if (open || className == null || !TRIGGERS.contains(className)
                    || Thread.currentThread().getName().startsWith("vitals-")) {
                return null;
            }
            try {
                ready.await(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            current = delegate;
            if (current == null) {
                return null;
            }
        }
        return current.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    }
}
