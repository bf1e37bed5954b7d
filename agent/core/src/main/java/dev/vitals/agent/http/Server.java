package dev.vitals.agent.http;

import dev.vitals.agent.logging.AgentLog;
import dev.vitals.agent.threads.DaemonThreads;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The agent's embedded HTTP server: Undertow on two I/O threads and a small worker pool, all
 * daemons named {@code vitals-http …}, so it never keeps the JVM alive and is easy to tell apart
 * in a thread dump.
 *
 * <p>Every request passes {@link Auth} first, then the router; handlers run on worker threads
 * ({@link BlockingHandler}) so that a slow one never stalls the I/O threads. A live stream
 * ({@link StreamRoutes}) leaves its worker thread once it is set up: it is written from the I/O
 * thread, without blocking.
 *
 * <p>Concurrency: started and stopped by the agent's start/stop thread, and stopped by its shutdown
 * hook at JVM exit ({@link #closeForExit()}); the first stop wins.
 */
public final class Server implements AutoCloseable {

    /** I/O threads: two are plenty for an API polled by a few people and a scraper. */
    private static final int IO_THREADS = 2;
    /** Worker threads: bounds how many requests are served at once. */
    private static final int WORKER_THREADS = 4;
    /** Requests waiting for a worker beyond which new ones are refused, bounding memory under a flood. */
    private static final int QUEUED_REQUESTS = 256;
    /** I/O buffer size: the API's requests and responses are small. */
    private static final int BUFFER_BYTES = 8 * 1024;
    /** How long a stop waits for the server's threads to end. */
    private static final long STOP_WAIT_MILLIS = 5_000;
    /**
     * How long a stop at JVM exit waits for the I/O threads: less than the ~300 ms HotSpot itself
     * would wait for them (see {@link #closeForExit()}), so waiting never costs more than it saves.
     */
    private static final long EXIT_WAIT_MILLIS = 200;
    /** Largest request body accepted; bigger ones get a 413 before any handler runs. */
    public static final long MAX_BODY_BYTES = 64 * 1024;
    /**
     * Paths always served without a token: health, and the dashboard's page, sign-in and sign-out
     * (which carry no data; files under {@code /assets/} are public too, see {@link Auth}).
     */
    private static final Set<String> PUBLIC_PATHS = Set.of("/api/v1/health", "/", "/signin", "/signout");

    private final Undertow undertow;
    private final XnioWorker worker;
    private final ThreadPoolExecutor tasks;
    private final String url;
    private final List<AutoCloseable> closeableRoutes;
    /** Set by the first stop: a detach and the JVM's exit may both stop the server. */
    private final AtomicBoolean stopped = new AtomicBoolean();

    private Server(Undertow undertow, XnioWorker worker, ThreadPoolExecutor tasks, String url,
            List<AutoCloseable> closeableRoutes) {
        this.undertow = undertow;
        this.worker = worker;
        this.tasks = tasks;
        this.url = url;
        this.closeableRoutes = closeableRoutes;
    }

    /**
     * Binds and starts the server.
     *
     * @param sessions the token and the dashboard's sessions: a request needs the token or a session
     *     cookie (see {@link Auth})
     * @param publicPaths paths served without the token besides {@code /api/v1/health} and the
     *     dashboard's (exact paths, such as {@code /metrics} when {@code metrics.auth=none})
     * @param routes the resources; those that are {@link AutoCloseable} (the live stream) are closed
     *     first when the server stops
     * @throws RefusedException when the configuration is unsafe (a non-loopback bind without a
     *     configured token) or the address cannot be bound
     */
    public static Server start(String bind, int port, Sessions sessions, boolean tokenConfigured,
            Set<String> publicPaths, List<Routes> routes, Responses responses) throws RefusedException {
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new RefusedException("cannot resolve bind address '" + bind + "'; set bind to an IP address such as 127.0.0.1");
        }
        if (!address.isLoopbackAddress() && !tokenConfigured) {
            throw new RefusedException("refusing to serve on non-loopback address " + bind
                    + " with a generated token; configure a token (token=...) to expose the API beyond this machine,"
                    + " or bind to 127.0.0.1");
        }
        RoutingHandler routing = Handlers.routing();
        for (Routes r : routes) {
            r.register(routing);
        }
        routing.setFallbackHandler(exchange -> responses.error(exchange, 404, "not_found",
                "no such resource: " + exchange.getRequestPath() + "; the API is under /api/v1/", null));
        routing.setInvalidMethodHandler(exchange -> responses.error(exchange, 405, "method_not_allowed",
                exchange.getRequestMethod() + " is not supported on " + exchange.getRequestPath(), null));
        Set<String> open = new HashSet<>(PUBLIC_PATHS);
        open.addAll(publicPaths);
        HttpHandler root = new Auth(sessions, open, responses, new BlockingHandler(routing));
        List<AutoCloseable> closeableRoutes = routes.stream()
                .filter(AutoCloseable.class::isInstance).map(AutoCloseable.class::cast).toList();

        ThreadPoolExecutor tasks = new ThreadPoolExecutor(WORKER_THREADS, WORKER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(QUEUED_REQUESTS), DaemonThreads.numbered("vitals-http-worker-"));
        tasks.allowCoreThreadTimeOut(true);
        XnioWorker worker;
        try {
            // Our own task pool rather than XNIO's default (JBoss Threads' EnhancedQueueExecutor),
            // which registers an MBean in the platform MBean server and uses sun.misc.Unsafe, for
            // which Java 23+ prints a warning on the application's stderr.
            worker = Xnio.getInstance(Undertow.class.getClassLoader()).createWorkerBuilder()
                    .setWorkerName("vitals-http")
                    .setWorkerIoThreads(IO_THREADS)
                    // XNIO threads are non-daemon by default and would keep the JVM alive after main ends.
                    .setDaemon(true)
                    .setExternalExecutorService(tasks)
                    .build();
        } catch (IllegalArgumentException e) {
            tasks.shutdownNow();
            throw new RefusedException("cannot create the HTTP worker threads: " + e.getMessage());
        }
        Undertow undertow = Undertow.builder()
                .addHttpListener(port, address.getHostAddress())
                .setWorker(worker)
                // Heap buffers: the API's payloads are small, and heap memory goes away with us on detach.
                .setDirectBuffers(false)
                .setBufferSize(BUFFER_BYTES)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, MAX_BODY_BYTES)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, false)
                .setHandler(root)
                .build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            stopQuietly(undertow, worker, tasks);
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new RefusedException("cannot listen on " + bind + ":" + port + " (" + cause.getMessage()
                    + "); choose another port (port=0 picks a free one)");
        }
        InetSocketAddress bound = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
        String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return new Server(undertow, worker, tasks, "http://" + host + ":" + bound.getPort() + "/", closeableRoutes);
    }

    /** The base URL, ending in {@code /}. */
    public String url() {
        return url;
    }

    /**
     * Closes the routes that hold connections open (live streams, which would otherwise last until
     * the threads stop), stops listening, then waits briefly for the I/O and worker threads to end
     * (detach wants them gone).
     */
    @Override
    public void close() {
        stop(true);
    }

    /**
     * Stops the server as the JVM exits (from a shutdown hook). At exit HotSpot waits, at the
     * final safepoint, for threads that are in native code to block, up to about 300 ms for
     * application threads (30 tries of 10 ms) — and our I/O threads spend their life in
     * {@code epoll_wait}, native code. Left alone, they would add those 300 ms to every exit of
     * the application. Stopped here, they have left the JVM by then. Live streams and requests
     * being answered are not waited for (worker threads are in Java code, which HotSpot does not
     * wait for).
     */
    public void closeForExit() {
        stop(false);
    }

    /** @param detach true: end live streams first and wait for every thread; false (JVM exit): only the I/O threads, briefly */
    private void stop(boolean detach) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (detach) {
            for (AutoCloseable route : closeableRoutes) {
                try {
                    route.close();
                } catch (Exception e) {
                    AgentLog.warn("closing " + route.getClass().getSimpleName() + " failed: " + e);
                }
            }
        }
        stopQuietly(undertow, worker, tasks);
        long waitMillis = detach ? STOP_WAIT_MILLIS : EXIT_WAIT_MILLIS;
        try {
            boolean ended = worker.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)
                    && (!detach || tasks.awaitTermination(waitMillis, TimeUnit.MILLISECONDS));
            if (!ended && detach) {
                AgentLog.warn("HTTP threads still running " + waitMillis + " ms after stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stopQuietly(Undertow undertow, XnioWorker worker, ThreadPoolExecutor tasks) {
        try {
            undertow.stop();
        } catch (RuntimeException e) {
            AgentLog.warn("stopping the HTTP server failed: " + e);
        }
        // Undertow leaves a worker it was given running: it is ours to stop.
        worker.shutdownNow();
        tasks.shutdownNow();
    }

    /** The server did not start; the message says why and what to change. */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }
}
