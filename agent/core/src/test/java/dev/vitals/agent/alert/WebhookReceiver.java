package dev.vitals.agent.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real webhook on 127.0.0.1 for tests: records every request and answers from a script
 * (then with the fallback reply), or hangs until closed.
 */
final class WebhookReceiver implements AutoCloseable {

    /** How long a test waits for a request or a report before failing. */
    static final long WAIT_SECONDS = 15;
    /** How long a hanging reply hangs at most (the receiver's close() releases it sooner). */
    private static final long HANG_SECONDS = 30;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: a status and body, or no answer at all. */
    record Reply(int status, String body, Map<String, String> headers, boolean hangs) {

        static Reply status(int status) {
            return new Reply(status, "", Map.of(), false);
        }

        static Reply of(int status, String body) {
            return new Reply(status, body, Map.of(), false);
        }

        static Reply redirect(String location) {
            return new Reply(302, "", Map.of("Location", location), false);
        }

        static Reply hang() {
            return new Reply(0, null, Map.of(), true);
        }
    }

    /** One request as received. */
    record Request(String method, String path, String contentType, byte[] body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "test-webhook-receiver");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Reply fallback = Reply.of(200, "ok");

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
            throw new UncheckedIOException(e);
        }
    }

    /** Answers the next requests with {@code replies} in order, then with the fallback. */
    WebhookReceiver script(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Answers every request not scripted with {@code reply}. */
    WebhookReceiver always(Reply reply) {
        fallback = reply;
        return this;
    }

    /** {@code http://127.0.0.1:<port>/hook}. */
    String url() {
        return url("/hook");
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next request, waiting for it. */
    Request take() throws InterruptedException {
        Request r = requests.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(r).as("a request within %d s", WAIT_SECONDS).isNotNull();
        return r;
    }

    /** Requests received so far. */
    int count() {
        return count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        count.incrementAndGet();
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Content-Type"), body));
        Reply reply = script.poll();
        if (reply == null) {
            reply = fallback;
        }
        if (reply.hangs()) {
            try {
                released.await(HANG_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
