package dev.vitals.agent.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.agent.alert.AlertEvent.Delivery;
import dev.vitals.agent.alert.AlertRule.WebhookFormat;
import dev.vitals.agent.alert.WebhookReceiver.Reply;
import dev.vitals.agent.alert.WebhookReceiver.Request;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Delivery against a real HTTP receiver on 127.0.0.1. */
class NotifierTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    /** Fast settings: short timeout and backoff so retries take milliseconds. */
    private static final Notifier.Settings FAST =
            new Notifier.Settings(Duration.ofSeconds(5), Duration.ofMillis(10), 1000, 2);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private WebhookReceiver receiver() {
        WebhookReceiver r = WebhookReceiver.start();
        toClose.add(r);
        return r;
    }

    private Notifier notifier(Notifier.Settings settings) {
        Notifier n = new Notifier("shop", "host-1", CLOCK, settings);
        toClose.add(0, n); // closed before the receivers it may be waiting on
        return n;
    }

    private static Notification notification(WebhookFormat format, String url) {
        AlertRule rule = PayloadsTest.poolRule(format, url);
        return new Notification(AlertEvent.FIRING, rule,
                PayloadsTest.event(rule, "orders", 0.812, PayloadsTest.MESSAGE, false), "shop", "host-1", null);
    }

    /** Collects the attempts reported for one notification. */
    private static final class Attempts implements Consumer<Delivery> {
        final BlockingQueue<Delivery> queue = new LinkedBlockingQueue<>();
        volatile Thread thread;

        @Override
        public void accept(Delivery d) {
            thread = Thread.currentThread();
            queue.add(d);
        }

        Delivery next() throws InterruptedException {
            Delivery d = queue.poll(WebhookReceiver.WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(d).as("an attempt reported within %d s", WebhookReceiver.WAIT_SECONDS).isNotNull();
            return d;
        }

        List<Delivery> next(int n) throws InterruptedException {
            List<Delivery> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(next());
            }
            return out;
        }
    }

    @ParameterizedTest
    @EnumSource(WebhookFormat.class)
    void deliversEachFormatWithItsDocumentedFields(WebhookFormat format) throws Exception {
        WebhookReceiver receiver = receiver().always(Reply.of(format == WebhookFormat.PAGERDUTY ? 202 : 200, "ok"));
        Notifier notifier = notifier(FAST);
        Attempts attempts = new Attempts();

        assertThat(notifier.submit(notification(format, receiver.url()), attempts)).isTrue();

        Request request = receiver.take();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hook");
        assertThat(request.contentType()).isEqualTo("application/json; charset=utf-8");
        JsonNode body = request.json();
        switch (format) {
            case SLACK -> {
                assertThat(body.path("text").asText()).startsWith("[CRITICAL] Pool wait");
                assertThat(body.path("blocks").get(0).path("type").asText()).isEqualTo("header");
            }
            case DISCORD -> {
                assertThat(body.path("content").asText()).startsWith("[CRITICAL] Pool wait");
                assertThat(body.path("embeds").get(0).path("title").asText()).isEqualTo("[FIRING] Pool wait");
            }
            case PAGERDUTY -> {
                assertThat(body.path("event_action").asText()).isEqualTo("trigger");
                assertThat(body.path("dedup_key").asText()).isEqualTo("vitals-shop-r-0123456789ab-orders");
                assertThat(body.path("payload").path("severity").asText()).isEqualTo("critical");
            }
            case GENERIC -> {
                assertThat(body.path("alert_type").asText()).isEqualTo("connection_wait_time");
                assertThat(body.path("status").asText()).isEqualTo("firing");
            }
        }
        Delivery d = attempts.next();
        assertThat(d.notification()).isEqualTo("firing");
        assertThat(d.attempt()).isEqualTo(1);
        assertThat(d.at()).isEqualTo(NOW.toString());
        assertThat(d.format()).isEqualTo(format.key());
        assertThat(d.delivered()).isTrue();
        assertThat(d.statusCode()).isEqualTo(format == WebhookFormat.PAGERDUTY ? 202 : 200);
        assertThat(d.error()).isNull();
        assertThat(d.suppressed()).isFalse();
        assertThat(notifier.queueSize()).isZero();
        assertThat(notifier.submitted()).isEqualTo(1);
        assertThat(notifier.delivered()).isEqualTo(1);
        assertThat(notifier.failed()).isZero();
    }

    @Test
    void attemptsRunOnNamedDaemonThreadsWithoutAContextClassLoader() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        WebhookReceiver receiver = receiver();
        Thread current = Thread.currentThread();
        ClassLoader saved = current.getContextClassLoader();
        // Stands for the application's loader on the thread that starts the agent.
        ClassLoader application = new URLClassLoader(new URL[0], saved);
        Notifier notifier;
        current.setContextClassLoader(application);
        try {
            notifier = notifier(FAST);
        } finally {
            current.setContextClassLoader(saved);
        }
        Attempts attempts = new Attempts();

        notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), attempts);
        attempts.next();

        assertThat(attempts.thread.getName()).startsWith("vitals-notifier-");
        assertThat(attempts.thread.isDaemon()).isTrue();
        assertThat(attempts.thread.getContextClassLoader()).isNull();
        // Every thread the notifier started, the JDK client's selector included: daemons that do
        // not hold the starting thread's loader (ours have none; the JDK may give its selector the
        // system loader, never the caller's).
        List<Thread> started = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                .filter(t -> t.getName().startsWith("vitals-notifier-") || t.getName().startsWith("HttpClient-"))
                .collect(Collectors.toList());
        assertThat(started).extracting(Thread::getName).anyMatch(name -> name.endsWith("SelectorManager"));
        assertThat(started).allSatisfy(t -> {
            assertThat(t.isDaemon()).as("%s is a daemon", t.getName()).isTrue();
            assertThat(t.getContextClassLoader()).as("%s's context class loader", t.getName())
                    .isNotSameAs(application);
            if (t.getName().startsWith("vitals-notifier-")) {
                assertThat(t.getContextClassLoader()).as("%s's context class loader", t.getName()).isNull();
            }
        });
    }

    @Test
    void serverErrorsAreRetriedUntilDelivered() throws Exception {
        WebhookReceiver receiver = receiver().script(Reply.status(500), Reply.status(500), Reply.status(200));
        Notifier notifier = notifier(FAST);
        Attempts attempts = new Attempts();

        notifier.submit(notification(WebhookFormat.SLACK, receiver.url()), attempts);

        List<Delivery> ds = attempts.next(3);
        assertThat(ds).extracting(Delivery::attempt).containsExactly(1, 2, 3);
        assertThat(ds).extracting(Delivery::delivered).containsExactly(false, false, true);
        assertThat(ds).extracting(Delivery::statusCode).containsExactly(500, 500, 200);
        assertThat(ds).extracting(Delivery::error).containsExactly("HTTP 500", "HTTP 500", null);
        assertThat(notifier.queueSize()).isZero();
        assertThat(receiver.count()).isEqualTo(3);
        assertThat(notifier.delivered()).isEqualTo(1);
        assertThat(notifier.failed()).isZero();
    }

    @Test
    void givesUpAfterThreeAttempts() throws Exception {
        WebhookReceiver receiver = receiver().always(Reply.of(503, "busy"));
        Notifier notifier = notifier(FAST);
        Attempts attempts = new Attempts();

        notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), attempts);

        assertThat(attempts.next(3)).extracting(Delivery::error).containsOnly("HTTP 503: busy");
        assertThat(notifier.queueSize()).isZero();
        assertThat(receiver.count()).isEqualTo(3);
        assertThat(attempts.queue).isEmpty();
        assertThat(notifier.failed()).isEqualTo(1);
        assertThat(notifier.delivered()).isZero();
    }

    @Test
    void tooManyRequestsIsRetried() throws Exception {
        WebhookReceiver receiver = receiver().script(Reply.status(429), Reply.status(204));
        Notifier notifier = notifier(FAST);
        Attempts attempts = new Attempts();

        notifier.submit(notification(WebhookFormat.DISCORD, receiver.url()), attempts);

        assertThat(attempts.next(2)).extracting(Delivery::statusCode).containsExactly(429, 204);
        assertThat(notifier.queueSize()).isZero();
        assertThat(notifier.delivered()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 410})
    void clientErrorsAreNotRetried(int status) throws Exception {
        WebhookReceiver receiver = receiver().always(Reply.of(status, "invalid_payload"));
        Notifier notifier = notifier(FAST);
        Attempts attempts = new Attempts();

        notifier.submit(notification(WebhookFormat.SLACK, receiver.url()), attempts);

        Delivery d = attempts.next();
        assertThat(d.delivered()).isFalse();
        assertThat(d.statusCode()).isEqualTo(status);
        assertThat(d.error()).isEqualTo("HTTP " + status + ": invalid_payload");
        assertThat(notifier.queueSize()).isZero();
        assertThat(receiver.count()).isEqualTo(1);
        assertThat(attempts.queue).isEmpty();
        assertThat(notifier.failed()).isEqualTo(1);
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        WebhookReceiver receiver = receiver();
        receiver.script(Reply.redirect(receiver.url("/elsewhere")));
        Notifier notifier = notifier(FAST);
        Attempts attempts = new Attempts();

        notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), attempts);

        Delivery d = attempts.next();
        assertThat(d.delivered()).isFalse();
        assertThat(d.statusCode()).isEqualTo(302);
        assertThat(d.error()).isEqualTo("HTTP 302 (redirects are not followed)");
        assertThat(notifier.queueSize()).isZero();
        assertThat(receiver.count()).isEqualTo(1);
        assertThat(receiver.take().path()).isEqualTo("/hook");
    }

    @Test
    void aReceiverThatNeverAnswersTimesOutWithoutHoldingUpTheCaller() throws Exception {
        WebhookReceiver receiver = receiver().always(Reply.hang());
        Notifier notifier = notifier(new Notifier.Settings(Duration.ofMillis(300), Duration.ofMillis(10), 1000, 1));
        Attempts attempts = new Attempts();

        long start = System.nanoTime();
        boolean queued = notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), attempts);
        long submitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(queued).isTrue();
        // Non-blocking contract, not a benchmark: the receiver would hang for 30 s.
        assertThat(submitMillis).isLessThan(1000);
        List<Delivery> ds = attempts.next(3);
        assertThat(ds).extracting(Delivery::error).containsOnly("timed out after 300 ms");
        assertThat(ds).extracting(Delivery::statusCode).containsOnly((Integer) null);
        assertThat(ds).extracting(Delivery::delivered).containsOnly(false);
        assertThat(ds).allSatisfy(d -> assertThat(d.durationMs()).isGreaterThanOrEqualTo(250));
        assertThat(notifier.queueSize()).isZero();
        assertThat(notifier.failed()).isEqualTo(1);
    }

    @Test
    void aRefusedConnectionIsRetriedAndNamed() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Notifier notifier = notifier(FAST);
        Attempts attempts = new Attempts();

        notifier.submit(notification(WebhookFormat.GENERIC, "http://127.0.0.1:" + port + "/hook"), attempts);

        List<Delivery> ds = attempts.next(3);
        assertThat(ds).extracting(Delivery::error).containsOnly("connection refused");
        assertThat(ds).extracting(Delivery::statusCode).containsOnly((Integer) null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook"})
    void aForbiddenAddressIsNeverContacted(String url) throws Exception {
        Notifier notifier = notifier(FAST);
        Attempts attempts = new Attempts();

        notifier.submit(notification(WebhookFormat.GENERIC, url), attempts);

        Delivery d = attempts.next();
        String address = InetAddress.getByName(java.net.URI.create(url).getHost()).getHostAddress();
        assertThat(d.error()).isEqualTo("forbidden address " + address);
        assertThat(d.statusCode()).isNull();
        assertThat(d.delivered()).isFalse();
        assertThat(notifier.queueSize()).isZero();
        assertThat(attempts.queue).isEmpty(); // not retried
        assertThat(notifier.failed()).isEqualTo(1);

        Notifier.TestResult test = notifier.testWebhook(url, WebhookFormat.GENERIC, null);
        assertThat(test).isEqualTo(new Notifier.TestResult(false, null, null, "forbidden address " + address));
    }

    @Test
    void aUrlThatIsNotHttpIsNotTried() throws Exception {
        Notifier notifier = notifier(FAST);
        Attempts attempts = new Attempts();

        notifier.submit(notification(WebhookFormat.GENERIC, "file:///etc/passwd"), attempts);

        assertThat(attempts.next().error()).isEqualTo("not an http(s) URL with a host");
        assertThat(notifier.queueSize()).isZero();
        assertThat(attempts.queue).isEmpty();
    }

    @Test
    void aFullQueueRefusesAtOnceAndReportsNothing() throws Exception {
        WebhookReceiver receiver = receiver().always(Reply.hang());
        Notifier notifier = notifier(new Notifier.Settings(Duration.ofSeconds(30), Duration.ofMillis(10), 2, 1));
        Attempts first = new Attempts();
        Attempts second = new Attempts();
        Attempts refused = new Attempts();

        assertThat(notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), first)).isTrue();
        assertThat(notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), second)).isTrue();
        assertThat(notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), refused)).isFalse();

        receiver.take(); // the one worker is now stuck on the first
        assertThat(notifier.submitted()).isEqualTo(2);
        assertThat(notifier.dropped()).isEqualTo(1);
        assertThat(notifier.queueSize()).isEqualTo(2);
        assertThat(refused.queue).isEmpty();
    }

    @Test
    void aCallbackThatThrowsDoesNotStopDelivery() throws Exception {
        WebhookReceiver receiver = receiver();
        Notifier notifier = notifier(new Notifier.Settings(Duration.ofSeconds(5), Duration.ofMillis(10), 10, 1));
        Attempts attempts = new Attempts();

        notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), d -> {
            throw new IllegalStateException("engine bug");
        });
        notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), attempts);

        assertThat(attempts.next().delivered()).isTrue();
        assertThat(notifier.queueSize()).isZero();
        assertThat(notifier.delivered()).isEqualTo(2);
    }

    @Test
    void testWebhookReturnsTheStatusAndTheStartOfTheReply() throws Exception {
        String reply = "0123456789".repeat(1000) + "\uD83D\uDE00";
        WebhookReceiver receiver = receiver().always(Reply.of(200, reply));
        Notifier notifier = notifier(FAST);

        Notifier.TestResult result = notifier.testWebhook(receiver.url(), WebhookFormat.GENERIC, null);

        assertThat(result.delivered()).isTrue();
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.response()).isEqualTo(reply.substring(0, Notifier.RESPONSE_MAX_CHARS));
        assertThat(result.error()).isNull();
        JsonNode sent = receiver.take().json();
        assertThat(sent.path("rule_name").asText()).isEqualTo(Notification.TEST_RULE_NAME);
        assertThat(sent.path("app").asText()).isEqualTo("shop");
        assertThat(sent.path("timestamp").asText()).isEqualTo(NOW.toString());
        assertThat(notifier.submitted() + notifier.delivered() + notifier.failed()).isZero();
    }

    @Test
    void testWebhookReportsAFailureWithItsReply() throws Exception {
        WebhookReceiver receiver = receiver().always(Reply.of(404, "no_service"));
        Notifier notifier = notifier(FAST);

        Notifier.TestResult result = notifier.testWebhook(receiver.url(), WebhookFormat.SLACK, null);

        assertThat(result).isEqualTo(new Notifier.TestResult(false, 404, "no_service", "HTTP 404: no_service"));
        assertThat(receiver.count()).isEqualTo(1); // one attempt, no retry
    }

    @Test
    void testWebhookSendsTheRoutingKeyToPagerDuty() throws Exception {
        WebhookReceiver receiver = receiver().always(Reply.of(202, "{\"status\":\"success\"}"));
        Notifier notifier = notifier(FAST);

        Notifier.TestResult result = notifier.testWebhook(receiver.url(), WebhookFormat.PAGERDUTY, "KEY123");

        assertThat(result.statusCode()).isEqualTo(202);
        assertThat(result.response()).isEqualTo("{\"status\":\"success\"}");
        JsonNode sent = receiver.take().json();
        assertThat(sent.path("routing_key").asText()).isEqualTo("KEY123");
        assertThat(sent.path("payload").path("severity").asText()).isEqualTo("info");
        assertThat(sent.path("payload").path("source").asText()).isEqualTo("shop@host-1");
    }

    @Test
    void closeEndsTheThreadsAndReportsNothingMore() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        WebhookReceiver receiver = receiver().always(Reply.hang());
        Notifier notifier = new Notifier("shop", null, CLOCK, FAST);
        Attempts inFlight = new Attempts();
        Attempts waiting = new Attempts();

        notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), inFlight);
        notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), waiting);
        notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), waiting);
        receiver.take();
        List<Thread> ours = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.getName().startsWith("vitals-notifier-"))
                .collect(Collectors.toList());
        assertThat(ours).extracting(Thread::getName).contains("vitals-notifier-1", "vitals-notifier-2");

        notifier.close();

        for (Thread t : ours) {
            t.join(TimeUnit.SECONDS.toMillis(WebhookReceiver.WAIT_SECONDS));
            assertThat(t.isAlive()).as("%s still alive", t.getName()).isFalse();
        }
        assertThat(inFlight.queue).isEmpty();
        assertThat(notifier.submit(notification(WebhookFormat.GENERIC, receiver.url()), waiting)).isFalse();
        assertThat(notifier.queueSize()).isZero();
        assertThat(notifier.dropped()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void settingsAreChecked() {
        assertThat(Notifier.Settings.DEFAULTS)
                .isEqualTo(new Notifier.Settings(Duration.ofSeconds(5), Duration.ofSeconds(1), 1000, 2));
        assertThat(Notifier.human(Duration.ofSeconds(5))).isEqualTo("5 s");
        assertThat(Notifier.human(Duration.ofMillis(300))).isEqualTo("300 ms");
        assertThatThrownBy(() -> new Notifier.Settings(Duration.ZERO, Duration.ZERO, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive: PT0S");
        assertThatThrownBy(() -> new Notifier.Settings(Duration.ofSeconds(1), Duration.ofMillis(-1), 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("backoff must not be negative: PT-0.001S");
        assertThatThrownBy(() -> new Notifier.Settings(Duration.ofSeconds(1), Duration.ZERO, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("queueCapacity must be at least 1: 0");
        assertThatThrownBy(() -> new Notifier.Settings(Duration.ofSeconds(1), Duration.ZERO, 1, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("workers must be 1 or 2: 3");
    }
}
