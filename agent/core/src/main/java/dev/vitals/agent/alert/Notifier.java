package dev.vitals.agent.alert;

import dev.vitals.agent.alert.AlertEvent.Delivery;
import dev.vitals.agent.alert.AlertRule.WebhookFormat;
import dev.vitals.agent.logging.AgentLog;
import dev.vitals.agent.threads.DaemonThreads;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Delivers notifications to webhooks on its own daemon threads, so that a slow or dead webhook
 * never delays the sampler or an application thread: {@link #submit} only enqueues.
 *
 * <pre>
 * Concurrency: submit() may be called from any thread and never blocks: it reserves a place
 *   (at most queueCapacity notifications are held, whether waiting, in flight or waiting to
 *   retry) or returns false at once. One or two workers (vitals-notifier-N) take due jobs from a
 *   DelayQueue and make one attempt each; a retry goes back on the queue with its backoff, so a
 *   waiting retry never occupies a worker. The HTTP client runs on its own daemon threads
 *   (vitals-notifier-http-N). onAttempt callbacks run on a worker, one per attempt, in order
 *   for one notification; the counters and queueSize() are updated before the last attempt
 *   of a notification is reported.
 * Attempts: at most MAX_ATTEMPTS; the waits between them are backoff, then twice backoff. A 2xx
 *   is delivered; a 429, a 5xx or an I/O error (refused, timed out, reset, unknown host) is
 *   retried; any other status (a 4xx, a redirect, which is never followed) is final, as are a
 *   malformed URL and a forbidden address.
 * Safety: before every attempt the host is resolved and the attempt refused, without a
 *   request, when any of its addresses is link-local or a metadata address
 *   (WebhookUrls.forbiddenAddress). Redirects are not followed (one could point at such an
 *   address). Replies are read up to RESPONSE_MAX_BYTES, within the same timeout.
 * Shutdown: close() drops what is queued, interrupts the attempts in flight and reports nothing
 *   more; the threads end within a few seconds.
 * </pre>
 */
public final class Notifier implements AutoCloseable {

    /** Attempts per notification: the first and two retries. */
    public static final int MAX_ATTEMPTS = 3;
    /** Characters of a reply kept for {@link TestResult#response()}. */
    public static final int RESPONSE_MAX_CHARS = 500;
    /** Bytes of a reply read at most (enough for RESPONSE_MAX_CHARS in UTF-8); the rest is not read. */
    static final int RESPONSE_MAX_BYTES = RESPONSE_MAX_CHARS * 4;
    /** Characters of a failed reply's body kept in a delivery's error ({@code HTTP 400: invalid_payload}). */
    static final int ERROR_BODY_MAX_CHARS = 200;
    /** How long idle HTTP client threads live. */
    private static final long HTTP_THREAD_KEEP_ALIVE_SECONDS = 10;

    /**
     * How delivery is paced and bounded.
     *
     * @param timeout the limit of one attempt: connecting, and then the whole reply (default 5 s)
     * @param backoff the wait before the second attempt; the third waits twice as long (default 1 s)
     * @param queueCapacity notifications held at most, waiting, in flight or waiting to retry (default 1,000)
     * @param workers threads making attempts, 1 or 2 (default 2)
     */
    public record Settings(Duration timeout, Duration backoff, int queueCapacity, int workers) {

        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(5), Duration.ofSeconds(1), 1000, 2);

        public Settings {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(backoff, "backoff");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            if (backoff.isNegative()) {
                throw new IllegalArgumentException("backoff must not be negative: " + backoff);
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1: " + queueCapacity);
            }
            if (workers < 1 || workers > 2) {
                throw new IllegalArgumentException("workers must be 1 or 2: " + workers);
            }
        }
    }

    /**
     * The outcome of {@link #testWebhook}, as {@code POST /alerts/test-webhook} returns it.
     *
     * @param delivered true only for a 2xx reply
     * @param statusCode the HTTP status, or null when there was no reply
     * @param response the first {@value #RESPONSE_MAX_CHARS} characters of the reply's body; null without a reply
     * @param error why it failed ({@code HTTP 404}, {@code connection refused}, …); null when delivered
     */
    public record TestResult(boolean delivered, Integer statusCode, String response, String error) {
    }

    /** One attempt's result, before it becomes a {@link Delivery}. */
    private record Outcome(Integer statusCode, String body, String error, boolean retry, long durationMs) {

        boolean delivered() {
            return error == null;
        }
    }

    /** A notification on the queue, due for its next attempt at {@code dueNanos}. */
    private static final class Job implements Delayed {
        final Notification notification;
        final Consumer<Delivery> onAttempt;
        final long sequence; // first come, first served among jobs due at the same time
        int attempt = 1;
        long dueNanos = System.nanoTime();
        byte[] body;

        Job(Notification notification, Consumer<Delivery> onAttempt, long sequence) {
            this.notification = notification;
            this.onAttempt = onAttempt;
            this.sequence = sequence;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Job o = (Job) other;
            int byDue = Long.compare(dueNanos - o.dueNanos, 0); // nanoTime values compare by difference
            return byDue != 0 ? byDue : Long.compare(sequence, o.sequence);
        }
    }

    private final String app;
    private final String host;
    private final Clock clock;
    private final Settings settings;
    /** Made on first use: it loads java.net.http and starts the JDK's selector thread (not ours to name). */
    private volatile HttpClient client;
    private final ExecutorService httpThreads;
    private final DelayQueue<Job> queue = new DelayQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean callbackFailureLogged = new AtomicBoolean();
    private volatile boolean closed;

    /** A notifier with the default settings (5 s timeout, 1 s then 2 s backoff, 1,000 queued, 2 workers). */
    public Notifier(String app, String host, Clock clock) {
        this(app, host, clock, Settings.DEFAULTS);
    }

    /**
     * Starts the workers.
     *
     * @param app the application's name, for test notifications
     * @param host the host name, for test notifications; may be null
     * @param clock for the time of each attempt
     */
    public Notifier(String app, String host, Clock clock, Settings settings) {
        this.app = Objects.requireNonNull(app, "app");
        this.host = host;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.httpThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, HTTP_THREAD_KEEP_ALIVE_SECONDS,
                TimeUnit.SECONDS, new SynchronousQueue<>(), DaemonThreads.numbered("vitals-notifier-http-"));
        DaemonThreads daemons = DaemonThreads.numbered("vitals-notifier-");
        for (int i = 0; i < settings.workers(); i++) {
            Thread worker = daemons.newThread(this::work);
            workers.add(worker);
            worker.start();
        }
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = buildClient(settings.timeout(), httpThreads);
                    client = c;
                }
            }
        }
        return c;
    }

    /**
     * HTTP/1.1, no redirects, connect timeout. The client starts a selector thread that would
     * inherit this thread's context class loader (perhaps the application's): build it with none.
     */
    private static HttpClient buildClient(Duration timeout, ExecutorService executor) {
        Thread current = Thread.currentThread();
        ClassLoader saved = current.getContextClassLoader();
        current.setContextClassLoader(null);
        try {
            return HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(timeout)
                    .executor(executor)
                    .build();
        } finally {
            current.setContextClassLoader(saved);
        }
    }

    /**
     * Queues {@code n} for delivery to its rule's webhook and returns at once.
     *
     * @param onAttempt called on a notifier thread after each attempt (at most {@link #MAX_ATTEMPTS});
     *     must not block for long. Not called for a notification that was not queued, nor after close.
     * @return false when the queue is full or the notifier closed: nothing was queued, nothing
     *     will be reported, and the notification is counted in {@link #dropped()}
     */
    public boolean submit(Notification n, Consumer<Delivery> onAttempt) {
        Objects.requireNonNull(n, "n");
        Objects.requireNonNull(onAttempt, "onAttempt");
        if (closed) {
            dropped.incrementAndGet();
            return false;
        }
        if (held.incrementAndGet() > settings.queueCapacity()) {
            held.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        Job job = new Job(n, onAttempt, sequence.incrementAndGet());
        queue.add(job);
        if (closed && queue.remove(job)) {
            dropped.incrementAndGet(); // close() ran meanwhile and will not see this one
            return false;
        }
        submitted.incrementAndGet();
        return true;
    }

    /**
     * Sends a test notification ({@link Notification#test}) to {@code url} now, on the calling
     * thread: one attempt, same timeout and address check as a delivery, counted in no counter.
     *
     * @param format the payload format; null means {@code generic}
     * @param routingKey the PagerDuty routing key; may be null for the other formats
     */
    public TestResult testWebhook(String url, WebhookFormat format, String routingKey) {
        Notification n = Notification.test(app, host, url, format, routingKey, clock.instant());
        Outcome o;
        try {
            o = attempt(url, Payloads.body(format, n));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TestResult(false, null, null, "interrupted");
        }
        return new TestResult(o.delivered(), o.statusCode(), o.body(), o.error());
    }

    /** Notifications accepted by {@link #submit} (not counting those refused). */
    public long submitted() {
        return submitted.get();
    }

    /** Notifications delivered (a 2xx reply to one of their attempts). */
    public long delivered() {
        return delivered.get();
    }

    /** Notifications given up on: every attempt failed, or a failure that a retry would not fix. */
    public long failed() {
        return failed.get();
    }

    /** Notifications refused by {@link #submit} (queue full, or closed) or discarded by {@link #close}. */
    public long dropped() {
        return dropped.get();
    }

    /** Notifications held now: waiting for their first attempt, in flight, or waiting to retry. */
    public int queueSize() {
        return Math.max(0, held.get());
    }

    /** Stops the workers: queued notifications are dropped, attempts in flight abandoned. Does not block. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        dropped.addAndGet(queue.size());
        queue.clear();
        held.set(0);
        for (Thread worker : workers) {
            worker.interrupt();
        }
        httpThreads.shutdownNow();
        HttpClient c = client;
        if (c != null) {
            shutdownClient(c);
        }
    }

    /**
     * {@code HttpClient.shutdownNow()} exists from Java 21; on 17 the client's selector thread ends
     * by itself once the client is unreachable.
     */
    private static void shutdownClient(HttpClient client) {
        try {
            MethodHandle shutdownNow = MethodHandles.publicLookup()
                    .findVirtual(HttpClient.class, "shutdownNow", MethodType.methodType(void.class));
            shutdownNow.invoke(client);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            // Java 17 to 20: nothing to call.
        } catch (Throwable e) {
            AgentLog.debug("notifier: could not shut the HTTP client down: " + e);
        }
    }

    // ---- workers

    private void work() {
        try {
            while (!closed) {
                Job job = queue.take();
                try {
                    attempt(job);
                } catch (InterruptedException e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    // A bug of ours must not end the worker: give up on this notification only.
                    release(job, false);
                    AgentLog.warn("notifier: could not deliver event " + job.notification.event().id() + ": " + e);
                }
            }
        } catch (InterruptedException e) {
            // close(): end quietly
        }
    }

    private void attempt(Job job) throws InterruptedException {
        Notification n = job.notification;
        WebhookFormat format = n.rule().webhookFormat() == null ? WebhookFormat.GENERIC : n.rule().webhookFormat();
        Instant at = clock.instant();
        Outcome o;
        try {
            if (job.body == null) {
                job.body = Payloads.body(format, n);
            }
            o = attempt(n.rule().webhookUrl(), job.body);
        } catch (RuntimeException e) {
            o = new Outcome(null, null, "could not build the request: " + e.getMessage(), false, 0);
        }
        if (closed) {
            return; // the engine may be gone; nothing more is reported after close()
        }
        Delivery delivery = new Delivery(n.kind(), job.attempt, at.toString(), format.key(), o.delivered(),
                o.statusCode(), o.error(), o.durationMs(), false);
        if (o.retry() && job.attempt < MAX_ATTEMPTS) {
            // Reported before the retry is queued, so one notification's attempts arrive in order.
            report(job, delivery);
            long waitNanos = settings.backoff().toNanos() << (job.attempt - 1);
            job.attempt++;
            job.dueNanos = System.nanoTime() + waitNanos;
            queue.add(job);
        } else {
            // Counted before the last attempt is reported: whoever sees it sees final counters.
            release(job, o.delivered());
            report(job, delivery);
        }
    }

    private void release(Job job, boolean wasDelivered) {
        held.decrementAndGet();
        (wasDelivered ? delivered : failed).incrementAndGet();
    }

    private void report(Job job, Delivery delivery) {
        try {
            job.onAttempt.accept(delivery);
        } catch (RuntimeException e) {
            if (callbackFailureLogged.compareAndSet(false, true)) {
                AgentLog.warn("notifier: recording a delivery attempt failed (logged once): " + e);
            }
        }
    }

    // ---- one attempt

    /**
     * Resolves the host, refuses forbidden addresses, POSTs {@code body} and reads the reply, all
     * within the timeout (the lookup aside). Never throws but when interrupted.
     */
    private Outcome attempt(String url, byte[] body) throws InterruptedException {
        long start = System.nanoTime();
        URI uri;
        try {
            uri = url == null ? null : new URI(url);
        } catch (URISyntaxException e) {
            uri = null;
        }
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri == null || uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
            return new Outcome(null, null, "not an http(s) URL with a host", false, millisSince(start));
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
                if (WebhookUrls.forbiddenAddress(address)) {
                    return new Outcome(null, null, "forbidden address " + address.getHostAddress(), false,
                            millisSince(start));
                }
            }
        } catch (UnknownHostException e) {
            return new Outcome(null, null, "unknown host " + uri.getHost(), true, millisSince(start));
        }

        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(uri)
                    .timeout(settings.timeout())
                    .header("Content-Type", Payloads.CONTENT_TYPE)
                    .header("User-Agent", "Vitals")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
        } catch (IllegalArgumentException e) {
            return new Outcome(null, null, "not a usable URL: " + e.getMessage(), false, millisSince(start));
        }
        CompletableFuture<HttpResponse<String>> reply =
                client().sendAsync(request, info -> new CappedBody(RESPONSE_MAX_BYTES));
        long remainingNanos = settings.timeout().toNanos() - (System.nanoTime() - start);
        try {
            // The request's own timeout stops at the headers; this bound covers a body that trickles.
            HttpResponse<String> response = reply.get(Math.max(1, remainingNanos), TimeUnit.NANOSECONDS);
            int status = response.statusCode();
            String text = response.body();
            if (status >= 200 && status < 300) {
                return new Outcome(status, text, null, false, millisSince(start));
            }
            String error = "HTTP " + status + oneLine(text);
            if (status >= 300 && status < 400) {
                error += " (redirects are not followed)";
            }
            return new Outcome(status, text, error, status == 429 || status >= 500, millisSince(start));
        } catch (TimeoutException e) {
            reply.cancel(true);
            return new Outcome(null, null, "timed out after " + human(settings.timeout()), true, millisSince(start));
        } catch (InterruptedException e) {
            reply.cancel(true);
            throw e;
        } catch (ExecutionException | CancellationException e) {
            return new Outcome(null, null, describe(e), true, millisSince(start));
        }
    }

    /** A person's reading of why a request failed without a reply. */
    private String describe(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        if (cause instanceof HttpConnectTimeoutException) {
            return "connect timed out after " + human(settings.timeout());
        }
        if (cause instanceof HttpTimeoutException) {
            return "timed out after " + human(settings.timeout());
        }
        if (cause instanceof ConnectException) {
            return message == null || message.toLowerCase(Locale.ROOT).contains("refused")
                    ? "connection refused" : "connection failed: " + message;
        }
        if (cause instanceof SSLException) {
            return "TLS error: " + message;
        }
        if (cause instanceof IOException) {
            return "I/O error: " + (message == null ? cause.getClass().getSimpleName() : message);
        }
        if (cause instanceof CancellationException) {
            return "cancelled";
        }
        return "failed: " + cause;
    }

    /** {@code 5 s} for whole seconds, else {@code 300 ms}. */
    static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** {@code ": <start of the body>"} on one line, or nothing for an empty body. */
    private static String oneLine(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String line = body.strip().replaceAll("\\s+", " ").replaceAll("\\p{Cntrl}", "");
        return ": " + Payloads.truncate(line, ERROR_BODY_MAX_CHARS);
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Reads a reply's body up to {@code maxBytes}, then stops reading (the connection is closed
     * rather than drained), and decodes it as UTF-8, cut to {@link #RESPONSE_MAX_CHARS}.
     */
    private static final class CappedBody implements HttpResponse.BodySubscriber<String> {
        private final byte[] bytes;
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private int length;
        private Flow.Subscription subscription;

        CappedBody(int maxBytes) {
            this.bytes = new byte[maxBytes];
        }

        @Override
        public CompletableFuture<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int n = Math.min(buffer.remaining(), bytes.length - length);
                buffer.get(bytes, length, n);
                length += n;
            }
            if (length == bytes.length) {
                subscription.cancel();
                finish(true);
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            finish(false);
        }

        private void finish(boolean cut) {
            String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
            if (cut && text.endsWith("\uFFFD")) {
                text = text.substring(0, text.length() - 1); // the last character was cut in half
            }
            if (text.length() > RESPONSE_MAX_CHARS) {
                int end = RESPONSE_MAX_CHARS;
                if (Character.isHighSurrogate(text.charAt(end - 1))) {
                    end--; // never split a surrogate pair
                }
                text = text.substring(0, end);
            }
            result.complete(text);
        }
    }
}
