package dev.vitals.agent.http;

import static dev.vitals.agent.http.EventStreamClient.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.agent.alert.ActiveAlert;
import dev.vitals.agent.sampling.Sample;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/stream} on the real {@link Server}, read by the JDK's HTTP client: the latest
 * sample on connect, each new one as the sampler hands it over (the test calls the listener as the
 * sampler would), the same bodies as the overview and alerts endpoints, the bound on streams, a
 * client that does not read, and the server's stop.
 */
class StreamRoutesTest {

    static final String TOKEN = "stream-test-token";
    static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    static final String OVERVIEW = "/api/v1/performance/metrics/overview?include_details=true";
    static final String ALERTS = "/api/v1/performance/metrics/alerts";
    static final List<ActiveAlert> FIRING = List.of(new ActiveAlert("connection_wait", "pool:orders", 0.812, 0.5,
            "critical", "rule 'orders wait' fired", "rule-7"));

    final ObjectMapper json = new ObjectMapper();
    final Sessions sessions = new Sessions(TOKEN, Clock.systemUTC());
    final AtomicReference<Sample> latest = new AtomicReference<>();
    final List<EventStreamClient> streams = new ArrayList<>();
    StreamRoutes stream;
    Server server;
    WebClient client;
    boolean stopped;

    @BeforeEach
    void start() throws Exception {
        Responses responses = new Responses();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Duration interval = Duration.ofSeconds(10);
        stream = new StreamRoutes(latest::get, interval, () -> FIRING, clock, Samples.INFO, responses);
        server = Server.start("127.0.0.1", 0, sessions, true, Set.of(), List.of(stream,
                new OverviewRoutes(latest::get, interval, clock, Samples.INFO, responses),
                new ThresholdAlertRoutes(latest::get, interval, () -> FIRING, responses)), responses);
        client = new WebClient(server.url());
    }

    @AfterEach
    void stop() {
        streams.forEach(EventStreamClient::close);
        if (!stopped) {
            server.close();
        }
    }

    @Test
    void onConnectTheLatestSampleWithTheOverviewAndAlertsBodies() throws Exception {
        take(sample(42));

        EventStreamClient events = open("Authorization", "Bearer " + TOKEN);

        assertThat(events.status()).isEqualTo(200);
        assertThat(events.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=UTF-8");
        assertThat(events.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(events.headers().map().keySet()).noneMatch(name -> name.startsWith("access-control-"));
        EventStreamClient.Event first = events.next(WAIT);
        assertThat(first.event()).isEqualTo("sample");
        assertThat(first.id()).isEqualTo("42");
        JsonNode data = json.readTree(first.data());
        assertThat(fieldNames(data)).containsExactly("overview", "alerts");
        assertThat(data.get("overview")).isEqualTo(json.readTree(bearer(OVERVIEW).body()));
        assertThat(data.get("alerts")).isEqualTo(json.readTree(bearer(ALERTS).body()));
        assertThat(data.get("alerts").get("active_alerts").findValuesAsText("rule_id")).contains("rule-7");
        assertThat(data.get("overview").get("metrics").get("server_health").get("sample").get("sequence").asLong())
                .isEqualTo(42);
    }

    @Test
    void eachNewSampleFollowsInOrder() throws Exception {
        take(sample(42));
        EventStreamClient events = open("Authorization", "Bearer " + TOKEN);
        assertThat(events.next(WAIT).id()).isEqualTo("42");

        take(sample(43));
        take(sample(44));

        EventStreamClient.Event next = events.next(WAIT);
        assertThat(next.id()).isEqualTo("43");
        assertThat(json.readTree(next.data()).get("overview")).isEqualTo(overviewOf(sample(43)));
        assertThat(events.next(WAIT).id()).isEqualTo("44");
    }

    @Test
    void beforeTheFirstSampleNothingThenTheFirst() throws Exception {
        EventStreamClient events = open("Authorization", "Bearer " + TOKEN);
        assertThat(events.status()).isEqualTo(200);

        take(sample(1));

        assertThat(events.next(WAIT).id()).as("the first event is the first sample, not something before it")
                .isEqualTo("1");
    }

    @Test
    void theSessionCookieOpensTheStreamAndNothingElseDoes() throws Exception {
        take(sample(42));
        String session = sessions.open(TOKEN);

        EventStreamClient withCookie = open("Cookie", cookie() + "=" + session);
        EventStreamClient without = open();
        EventStreamClient wrongToken = open("Authorization", "Bearer nope");

        assertThat(withCookie.next(WAIT).id()).isEqualTo("42");
        assertThat(without.status()).isEqualTo(401);
        assertThat(json.readTree(without.errorBody()).get("error").asText()).isEqualTo("unauthorized");
        assertThat(wrongToken.status()).isEqualTo(401);
    }

    @Test
    void sixteenStreamsAtOnceTheSeventeenthIs503AndWorkersStayFree() throws Exception {
        take(sample(42));
        for (int i = 0; i < StreamRoutes.MAX_STREAMS; i++) {
            EventStreamClient events = open("Authorization", "Bearer " + TOKEN);
            assertThat(events.next(WAIT).id()).as("stream %d is live", i + 1).isEqualTo("42");
        }

        EventStreamClient seventeenth = open("Authorization", "Bearer " + TOKEN);

        assertThat(seventeenth.status()).isEqualTo(503);
        JsonNode error = json.readTree(seventeenth.errorBody());
        assertThat(error.get("error").asText()).isEqualTo("too_many_streams");
        assertThat(error.get("message").asText()).isEqualTo("at most 16 live streams are served at once; close "
                + "another dashboard, or poll /api/v1/performance/metrics/overview and "
                + "/api/v1/performance/metrics/alerts instead");
        // Sixteen streams, four worker threads: requests are still served, so no stream holds a worker.
        for (int i = 0; i < 8; i++) {
            assertThat(bearer(OVERVIEW).status()).isEqualTo(200);
        }
        take(sample(43));
        for (EventStreamClient events : streams.subList(0, StreamRoutes.MAX_STREAMS)) {
            assertThat(events.next(WAIT).id()).isEqualTo("43");
        }
    }

    @Test
    void aClientThatDoesNotReadIsDroppedWhileOthersKeepUp() throws Exception {
        take(sample(1));
        EventStreamClient reader = open("Authorization", "Bearer " + TOKEN);
        assertThat(reader.next(WAIT).id()).isEqualTo("1");
        URI url = URI.create(server.url());
        try (Socket stalled = new Socket()) {
            // A small window, and never a read until the end: the server's queue for it must not grow.
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress(url.getHost(), url.getPort()));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET " + StreamRoutes.PATH + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            int samples = 3000;
            for (int sequence = 2; sequence <= samples; sequence++) {
                take(sample(sequence));
                assertThat(reader.next(WAIT).id()).as("the reading client keeps up").isEqualTo(Integer.toString(sequence));
            }

            stalled.setSoTimeout((int) WAIT.toMillis());
            String received = readUntilClosed(stalled.getInputStream());
            long events = received.lines().filter(line -> line.startsWith("event:")).count();
            assertThat(events).as("the stalled client was cut off, not buffered for").isLessThan(samples);
        }
    }

    @Test
    void stoppingTheServerEndsTheStreams() throws Exception {
        take(sample(42));
        EventStreamClient first = open("Authorization", "Bearer " + TOKEN);
        EventStreamClient second = open("Authorization", "Bearer " + TOKEN);
        assertThat(first.next(WAIT).id()).isEqualTo("42");
        assertThat(second.next(WAIT).id()).isEqualTo("42");

        server.close();
        stopped = true;

        assertThat(EventStreamClient.isEnd(first.next(WAIT))).isTrue();
        assertThat(EventStreamClient.isEnd(second.next(WAIT))).isTrue();
        take(sample(43)); // after the stop: ignored, no failure
    }

    /** Everything until the server closes the connection (cleanly or by a reset). */
    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                bytes.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // The server dropped the connection: what arrived before is all there is.
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** What the sampler does: publish the sample, then call the listeners. */
    private void take(Sample sample) {
        latest.set(sample);
        stream.accept(sample);
    }

    private EventStreamClient open(String... headers) throws IOException, InterruptedException {
        EventStreamClient events = EventStreamClient.open(server.url() + StreamRoutes.PATH.substring(1), headers);
        streams.add(events);
        return events;
    }

    private WebClient.Reply bearer(String path) throws Exception {
        return client.get(path, "Authorization", "Bearer " + TOKEN);
    }

    private JsonNode overviewOf(Sample sample) throws Exception {
        return json.readTree(new Responses().mapper().writeValueAsString(
                OverviewRoutes.overview(sample, true, 10.0, NOW, Samples.INFO)));
    }

    /** The troubled sample of {@link Samples}, with another sequence number. */
    static Sample sample(long sequence) {
        Sample s = Samples.troubled();
        return new Sample(s.time(), sequence, s.intervalSeconds(), s.pools(), s.caches(), s.sql(), s.window(),
                s.score(), s.recommendations(), s.point(), s.durationNanos());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** This test server's session cookie name ({@code vitals_session_<port>}). */
    String cookie() {
        return Auth.cookieName(java.net.URI.create(server.url()).getPort());
    }
}
