package dev.vitals.agent.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vitals.agent.AgentInfo;
import dev.vitals.agent.alert.ActiveAlert;
import dev.vitals.agent.logging.AgentLog;
import dev.vitals.agent.sampling.Sample;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.ServerConnection;
import io.undertow.server.handlers.sse.ServerSentEventConnection;
import io.undertow.server.handlers.sse.ServerSentEventHandler;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.xnio.IoUtils;

/**
 * {@code GET /api/v1/stream}: the live feed of the dashboard, as Server-Sent Events. On connect the
 * latest sample (if there is one), then every new sample as it is taken: {@code event: sample},
 * {@code id: <sample sequence>}, {@code data: {"overview": …, "alerts": …}} — exactly the bodies of
 * {@code GET /api/v1/performance/metrics/overview?include_details=true} and {@code GET
 * /api/v1/performance/metrics/alerts} for that sample, written by the same mapper. A comment line
 * every {@link #KEEP_ALIVE_MILLIS} keeps proxies and idle timers from closing a quiet stream.
 * Authorised like the API (token or session cookie).
 *
 * <pre>
 * Concurrency: the sampler calls {@link #accept} on its thread after each sample (registered as a
 *   sampler listener); it serialises the event once and queues it on every stream, which Undertow
 *   writes from the connection's I/O thread without blocking. No stream holds a worker thread: the
 *   request is set up on a worker (which builds the first event) and then handed to
 *   {@link ServerSentEventHandler}, which continues on the I/O thread. A stream never goes back in
 *   sequence: each remembers the last sequence it sent.
 * Bounds: at most {@link #MAX_STREAMS} streams at once (the next gets 503 too_many_streams); a
 *   client that stops reading is disconnected once {@link #MAX_UNSENT_EVENTS} events wait for it,
 *   so memory per stream stays bounded.
 * Stop: {@link #close()} (called by {@link Server#close()}) ends every stream and refuses new ones.
 * </pre>
 */
public final class StreamRoutes implements Routes, Consumer<Sample>, AutoCloseable {

    public static final String PATH = "/api/v1/stream";
    /** Streams open at once: a few dashboards, with room for reconnects. */
    static final int MAX_STREAMS = 16;
    /** Milliseconds between keep-alive comments on a quiet stream. */
    static final long KEEP_ALIVE_MILLIS = 15_000;
    /** Events queued for one client but not yet written; past this the client is not reading and is dropped. */
    static final int MAX_UNSENT_EVENTS = 4;
    /** The SSE event name of a sample. */
    static final String EVENT = "sample";

    /** The data of one event. */
    public record Body(OverviewRoutes.Overview overview, ThresholdAlertRoutes.Alerts alerts) {
    }

    /** One serialised event. */
    record Event(long sequence, String data) {
    }

    private static final AttachmentKey<Opening> OPENING = AttachmentKey.create(Opening.class);
    private static final HttpString CONTENT_TYPE_OPTIONS = new HttpString("X-Content-Type-Options");

    private final Supplier<Sample> latest;
    private final double intervalSeconds;
    private final Supplier<List<ActiveAlert>> firingRules;
    private final Clock clock;
    private final AgentInfo info;
    private final Responses responses;
    private final ServerSentEventHandler sse = new ServerSentEventHandler(this::connected);
    private final AtomicInteger reserved = new AtomicInteger();
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param latest the sampler's latest sample; null before the first
     * @param interval the configured {@code sample.interval}, as the overview quotes it
     * @param firingRules the alert rules firing now, as the alerts endpoint lists them
     */
    public StreamRoutes(Supplier<Sample> latest, Duration interval, Supplier<List<ActiveAlert>> firingRules,
            Clock clock, AgentInfo info, Responses responses) {
        this.latest = Objects.requireNonNull(latest, "latest");
        this.intervalSeconds = interval.toMillis() / 1000.0;
        this.firingRules = Objects.requireNonNull(firingRules, "firingRules");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.info = Objects.requireNonNull(info, "info");
        this.responses = Objects.requireNonNull(responses, "responses");
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get(PATH, this::open);
    }

    /** The sampler's listener: sends {@code sample} to every open stream. Never blocks. */
    @Override
    public void accept(Sample sample) {
        if (closed || streams.isEmpty()) {
            return;
        }
        Event event = event(sample);
        for (Stream stream : streams) {
            stream.send(event);
        }
    }

    /** Ends every stream (cleanly, so clients see the end) and refuses new ones. */
    @Override
    public void close() {
        closed = true;
        for (Stream stream : streams) {
            IoUtils.safeClose(stream.connection);
        }
    }

    /** On a worker thread: checks the bound, builds the first event, then hands over to the I/O thread. */
    private void open(HttpServerExchange exchange) throws Exception {
        if (closed) {
            responses.error(exchange, 503, "stopping", "the agent is stopping", null);
            return;
        }
        if (reserved.getAndUpdate(n -> n < MAX_STREAMS ? n + 1 : n) >= MAX_STREAMS) {
            responses.error(exchange, 503, "too_many_streams", "at most " + MAX_STREAMS + " live streams are served "
                    + "at once; close another dashboard, or poll /api/v1/performance/metrics/overview and "
                    + "/api/v1/performance/metrics/alerts instead", null);
            return;
        }
        Slot slot = new Slot();
        // Released when the stream closes, or here if the exchange ends before the stream opens.
        exchange.addExchangeCompleteListener((done, next) -> {
            slot.release();
            next.proceed();
        });
        Sample sample = latest.get();
        exchange.putAttachment(OPENING, new Opening(slot, sample == null ? null : event(sample),
                exchange.getConnection().getWorker(), exchange.getConnection()));
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseHeaders().put(CONTENT_TYPE_OPTIONS, "nosniff");
        sse.handleRequest(exchange);
    }

    /** On the connection's I/O thread, once the response headers are out. */
    private void connected(ServerSentEventConnection connection, String lastEventId) {
        Opening opening = connection.getAttachment(OPENING);
        Stream stream = new Stream(connection, opening.connection);
        connection.addCloseTask(closedConnection -> {
            streams.remove(stream);
            opening.slot.release();
        });
        streams.add(stream);
        // After the add: close() either sees this stream or this sees closed.
        if (closed) {
            IoUtils.safeClose(connection);
            return;
        }
        connection.setKeepAliveTime(KEEP_ALIVE_MILLIS);
        stream.send(opening.first);
        // A sample taken while this stream was being set up went to the streams open then, not to it.
        Sample now = latest.get();
        if (now != null && (opening.first == null || now.sequence() > opening.first.sequence())) {
            try {
                opening.executor.execute(() -> stream.send(event(now)));
            } catch (RejectedExecutionException stopping) {
                // The server is stopping; the stream is about to close.
            }
        }
    }

    /** The event for one sample; null (and logged) if it cannot be written. */
    private Event event(Sample sample) {
        Body body = new Body(OverviewRoutes.overview(sample, true, intervalSeconds, clock.instant(), info),
                ThresholdAlertRoutes.alerts(sample, firingRules.get()));
        try {
            return new Event(sample.sequence(), responses.mapper().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            AgentLog.warn("cannot write sample " + sample.sequence() + " for the live stream: " + e.getOriginalMessage());
            return null;
        }
    }

    /** What the worker hands the I/O thread for a stream being opened. */
    private record Opening(Slot slot, Event first, Executor executor, ServerConnection connection) {
    }

    /** One reserved place among {@link #MAX_STREAMS}, given back exactly once. */
    private final class Slot {
        private final AtomicBoolean released = new AtomicBoolean();

        void release() {
            if (released.compareAndSet(false, true)) {
                reserved.decrementAndGet();
            }
        }
    }

    /** One client's stream. */
    private static final class Stream implements ServerSentEventConnection.EventCallback {
        final ServerSentEventConnection connection;
        private final ServerConnection socket;
        private final AtomicInteger unsent = new AtomicInteger();
        private long lastSequence; // guarded by this

        Stream(ServerSentEventConnection connection, ServerConnection socket) {
            this.connection = connection;
            this.socket = socket;
        }

        /** Queues {@code event} unless it is null or not newer than the last one sent. */
        synchronized void send(Event event) {
            if (event == null || event.sequence() <= lastSequence) {
                return;
            }
            lastSequence = event.sequence();
            if (unsent.incrementAndGet() > MAX_UNSENT_EVENTS) {
                // Not reading: drop the connection itself, as a clean close would wait to flush to it.
                AgentLog.debug("live stream dropped: " + MAX_UNSENT_EVENTS + " events unsent");
                IoUtils.safeClose(connection, socket);
                return;
            }
            connection.send(event.data(), EVENT, Long.toString(event.sequence()), this);
        }

        @Override
        public void done(ServerSentEventConnection connection, String data, String event, String id) {
            unsent.decrementAndGet();
        }

        @Override
        public void failed(ServerSentEventConnection connection, String data, String event, String id,
                IOException e) {
            unsent.decrementAndGet();
        }
    }
}
