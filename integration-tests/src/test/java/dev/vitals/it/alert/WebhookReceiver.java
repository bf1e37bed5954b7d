package dev.vitals.it.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vitals.it.harness.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real webhook receiver in the test JVM: an HTTP server on 127.0.0.1 (an ephemeral port) that
 * records every request it gets, per path, with the time it arrived, and answers from a script per
 * path — a status with a body, or no answer at all (it reads the request and hangs until closed).
 * Unscripted requests get {@code 200 ok}.
 *
 * <p>Threading: requests are handled on a cached pool of daemon threads (a hanging request holds
 * one); the test thread reads and scripts concurrently. Every method is thread-safe.
 */
final class WebhookReceiver implements AutoCloseable {

    /** The longest a hanging reply hangs when the test forgets to close the receiver. */
    private static final long HANG_LIMIT_SECONDS = 120;

    /** One answer: a status and body, or none ({@link #hang()}). */
    record Reply(int status, String body, boolean hangs) {

        static Reply status(int status, String body) {
            return new Reply(status, body, false);
        }

        static Reply ok() {
            return status(200, "ok");
        }

        /** Reads the request, then never answers (until the receiver is closed). */
        static Reply hang() {
            return new Reply(0, null, true);
        }
    }

    /**
     * One request as received.
     *
     * @param at when its body had been read (the test JVM's clock: the same wall clock as the agent's)
     */
    record Received(String method, String path, String contentType, String body, Instant at) {

        JsonNode json() {
            return Json.parse(body);
        }

        @Override
        public String toString() {
            return method + " " + path + " at " + at + " (" + contentType + "): " + body;
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "it-webhook-receiver");
        thread.setDaemon(true);
        return thread;
    });
    private final CountDownLatch released = new CountDownLatch(1);

    // Guarded by this.
    private final Map<String, List<Received>> received = new HashMap<>();
    private final Map<String, Deque<Reply>> scripts = new HashMap<>();
    private final Map<String, Reply> fallbacks = new HashMap<>();

    private WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    static WebhookReceiver start() {
        try {
            return new WebhookReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the webhook receiver", e);
        }
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers the next requests to {@code path} with {@code replies} in order, then with its fallback. */
    synchronized WebhookReceiver script(String path, Reply... replies) {
        scripts.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(replies));
        return this;
    }

    /** Answers every unscripted request to {@code path} with {@code reply} (default: {@link Reply#ok()}). */
    synchronized WebhookReceiver always(String path, Reply reply) {
        fallbacks.put(path, reply);
        return this;
    }

    /** The requests to {@code path} so far, oldest first. */
    synchronized List<Received> requests(String path) {
        return List.copyOf(received.getOrDefault(path, List.of()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        Reply reply;
        synchronized (this) {
            received.computeIfAbsent(path, p -> new ArrayList<>()).add(new Received(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst("Content-Type"), new String(body, StandardCharsets.UTF_8),
                    Instant.now()));
            Deque<Reply> script = scripts.get(path);
            reply = script == null || script.isEmpty() ? fallbacks.getOrDefault(path, Reply.ok()) : script.poll();
        }
        if (reply.hangs()) {
            try {
                released.await(HANG_LIMIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close(); // no reply: the connection just ends
            return;
        }
        byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    /** Releases hanging requests and stops the server. */
    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
