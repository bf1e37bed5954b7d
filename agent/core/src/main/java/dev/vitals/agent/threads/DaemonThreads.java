package dev.vitals.agent.threads;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes every thread the agent starts: a daemon (it never keeps the application's JVM alive),
 * named {@code vitals-*} (so it is recognisable in a thread dump), and without a context class
 * loader (so it pins neither the application's loader nor, after a detach, ours).
 */
public final class DaemonThreads implements ThreadFactory {

    private final String prefix;
    private final boolean numbered;
    private final AtomicInteger next = new AtomicInteger(1);

    private DaemonThreads(String prefix, boolean numbered) {
        if (!prefix.startsWith("vitals-")) {
            throw new IllegalArgumentException("agent threads are named vitals-*, not " + prefix);
        }
        this.prefix = prefix;
        this.numbered = numbered;
    }

    /** Threads named {@code prefix1}, {@code prefix2}, … */
    public static DaemonThreads numbered(String prefix) {
        return new DaemonThreads(prefix, true);
    }

    /** Threads all named {@code name} (for an executor of one thread). */
    public static DaemonThreads named(String name) {
        return new DaemonThreads(name, false);
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, numbered ? prefix + next.getAndIncrement() : prefix);
        thread.setDaemon(true);
        thread.setContextClassLoader(null);
        return thread;
    }
}
