package dev.vitals.it.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Json;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Vitals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard's server side in the real agent jar, in the sample app (one JVM, a sample every
 * second): signing in with the token in the URL, the session cookie reading the API and — with
 * {@code X-Vitals-Request: 1} only — writing to it, the live stream, and the static files and uPlot
 * read from the agent jar by the core's class loader. The browser's view is
 * {@link DashboardBrowserIT}'s.
 */
class DashboardServerIT {

    private static final String TOKEN = "dashboard-server-it-token";
    private static final String APP = "dashboard-it";
    private static final String OVERVIEW = "/api/v1/performance/metrics/overview";
    private static final String CHECK_RULES = "/api/v1/alerts/check-rules";
    private static final Pattern SESSION_COOKIE =
            Pattern.compile("(vitals_session_\\d+)=([A-Za-z0-9_-]{43}); Path=/; HttpOnly; SameSite=Strict");
    /** One sampling interval (1 s) and plenty of slack for a busy machine. */
    private static final Duration NEXT_SAMPLE = Duration.ofSeconds(3);

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private static Vitals vitals;
    private static final List<Reply> replies = new ArrayList<>();

    @BeforeAll
    static void startSampleApp() {
        JavaProcess app = jvms.java("dashboard").jar(Artifacts.sampleJar()).args("--scenario", "steady")
                .agent(Artifacts.agentJar(), AgentOptions.of("port", "0", "token", TOKEN, "app.name", APP,
                        "sample.interval", "1s", "state.dir", jvms.newDir("state").toString()).toAgentArgument())
                .start();
        vitals = Vitals.awaitStartLine(app, JavaProcess.STARTUP);
    }

    @AfterAll
    static void theTokenWasNeverInAResponse() {
        assertThat(replies).isNotEmpty().allSatisfy(reply -> {
            assertThat(reply.body()).as("%s", reply).doesNotContain(TOKEN);
            assertThat(reply.headers().toString()).as("%s", reply).doesNotContain(TOKEN);
        });
    }

    @Test
    void theTokenInTheUrlGivesTheCookieAndA303ToSlash() {
        Reply reply = send("GET", "/?token=" + TOKEN, null);

        assertThat(reply.status()).as("%s", reply).isEqualTo(303);
        assertThat(reply.header("Location")).isEqualTo("/");
        Matcher cookie = SESSION_COOKIE.matcher(String.valueOf(reply.header("Set-Cookie")));
        assertThat(cookie.matches()).as("%s", reply).isTrue();
        assertThat(cookie.group(1)).as("named for this agent's port").isEqualTo(cookieName());

        Reply page = send("GET", "/", null, "Cookie", cookie.group(1) + "=" + cookie.group(2));
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.header("Content-Security-Policy")).startsWith("default-src 'self';");
        assertThat(page.body()).contains("/assets/app.js", "/assets/uplot/uPlot.iife.min.js");
    }

    @Test
    void withoutASessionSlashIsTheSignInPageNamingTheTokenFile() {
        Reply page = send("GET", "/", null);
        Reply wrong = send("GET", "/?token=" + TOKEN + "-wrong", null);

        assertThat(page.status()).as("%s", page).isEqualTo(200);
        assertThat(page.body()).contains(vitals.tokenFile().toString(), APP, "action=\"/signin\"");
        assertThat(page.header("Set-Cookie")).isNull();
        assertThat(wrong.status()).as("%s", wrong).isEqualTo(401);
        assertThat(wrong.header("Set-Cookie")).isNull();
    }

    @Test
    void theSignInFormGivesTheCookieToo() {
        Reply reply = send("POST", "/signin", "token=" + TOKEN, "Content-Type", "application/x-www-form-urlencoded");
        Reply wrong = send("POST", "/signin", "token=nope", "Content-Type", "application/x-www-form-urlencoded");

        assertThat(reply.status()).as("%s", reply).isEqualTo(303);
        assertThat(reply.header("Location")).isEqualTo("/");
        assertThat(SESSION_COOKIE.matcher(String.valueOf(reply.header("Set-Cookie"))).matches()).isTrue();
        assertThat(wrong.status()).as("%s", wrong).isEqualTo(303);
        assertThat(wrong.header("Location")).isEqualTo("/?error=invalid");
        assertThat(wrong.header("Set-Cookie")).isNull();
    }

    @Test
    void theCookieReadsTheApi() {
        String cookie = signIn();

        Reply overview = awaitSample(cookie);

        assertThat(overview.status()).as("%s", overview).isEqualTo(200);
        assertThat(overview.json().path("metrics").path("server_health").path("agent").path("app").asText())
                .isEqualTo(APP);
        assertThat(send("GET", OVERVIEW, null).status()).as("and nothing else does").isEqualTo(401);
    }

    @Test
    void writesWithTheCookieNeedTheDashboardsHeader() {
        String cookie = signIn();
        awaitSample(cookie);

        Reply forged = send("POST", CHECK_RULES, null, "Cookie", cookie);
        Reply own = send("POST", CHECK_RULES, null, "Cookie", cookie, "X-Vitals-Request", "1");

        assertThat(forged.status()).as("%s", forged).isEqualTo(403);
        assertThat(forged.json().path("error").asText()).isEqualTo("csrf");
        assertThat(own.status()).as("%s", own).isEqualTo(200);
        assertThat(own.json().path("rules_checked").asInt()).as("%s", own).isPositive();
        assertThat(own.headers().keySet()).noneMatch(name -> name.startsWith("access-control-"));
    }

    @Test
    void signingOutEndsTheSession() {
        String cookie = signIn();

        Reply out = send("POST", "/signout", null, "Cookie", cookie);

        assertThat(out.status()).as("%s", out).isEqualTo(303);
        assertThat(out.header("Set-Cookie")).isEqualTo(cookieName() + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        assertThat(send("GET", OVERVIEW, null, "Cookie", cookie).status()).isEqualTo(401);
    }

    @Test
    void theStreamDeliversEachNewSample() throws Exception {
        String cookie = signIn();
        awaitSample(cookie);

        try (EventStream stream = EventStream.open(vitals.url().resolve("/api/v1/stream"), "Cookie", cookie)) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.contentType()).isEqualTo("text/event-stream; charset=UTF-8");
            EventStream.Event first = stream.next(NEXT_SAMPLE);
            EventStream.Event second = stream.next(NEXT_SAMPLE);
            EventStream.Event third = stream.next(NEXT_SAMPLE);

            for (EventStream.Event event : List.of(first, second, third)) {
                assertThat(event.event()).isEqualTo("sample");
                JsonNode data = Json.parse(event.data());
                assertThat(data.path("overview").path("metrics").path("server_health").path("sample")
                        .path("sequence").asLong()).as("id and body agree").isEqualTo(Long.parseLong(event.id()));
                assertThat(data.path("overview").has("details")).isTrue();
                assertThat(data.path("alerts").has("active_alerts")).isTrue();
            }
            assertThat(Long.parseLong(second.id())).isGreaterThan(Long.parseLong(first.id()));
            assertThat(Long.parseLong(third.id())).isGreaterThan(Long.parseLong(second.id()));
        }
    }

    @Test
    void filesAndUplotComeFromTheAgentJarWithoutSignIn() {
        Reply uplot = send("GET", "/assets/uplot/uPlot.iife.min.js", null);
        Reply uplotCss = send("GET", "/assets/uplot/uPlot.min.css", null);
        Reply app = send("GET", "/assets/app.js", null);
        Reply css = send("GET", "/assets/app.css", null);
        Reply signInCss = send("GET", "/assets/signin.css", null);

        assertThat(uplot.status()).as("%s", uplot.status()).isEqualTo(200);
        assertThat(uplot.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(uplot.body()).hasSizeGreaterThan(10_000).contains("uPlot");
        assertThat(uplotCss.status()).isEqualTo(200);
        assertThat(uplotCss.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
        assertThat(uplotCss.body()).contains(".uplot");
        assertThat(app.status()).isEqualTo(200);
        assertThat(app.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
        assertThat(signInCss.status()).isEqualTo(200);
        for (Reply reply : List.of(uplot, uplotCss, app, css, signInCss)) {
            assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(reply.header("ETag")).isNotNull();
        }
        assertThat(send("GET", "/assets/VitalsRuntime.classdata", null).status()).isEqualTo(404);
        assertThat(send("GET", "/assets/uplot/uPlot.esm.js", null).status()).isEqualTo(404);
    }

    /** Signs in with the token in the URL; returns the {@code Cookie} header value. */
    private static String signIn() {
        Reply reply = send("GET", "/?token=" + TOKEN, null);
        Matcher cookie = SESSION_COOKIE.matcher(String.valueOf(reply.header("Set-Cookie")));
        assertThat(cookie.matches()).as("%s", reply).isTrue();
        return cookie.group(1) + "=" + cookie.group(2);
    }

    /** The overview once the first sample is in (503 before it). */
    private static Reply awaitSample(String cookie) {
        List<Reply> last = new ArrayList<>();
        Awaitility.await("the first sample").atMost(JavaProcess.STARTUP).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    Reply reply = send("GET", OVERVIEW, null, "Cookie", cookie);
                    last.add(reply);
                    return reply.status() != 503;
                });
        return last.get(last.size() - 1);
    }

    /** One request to the agent; {@code headers} as name, value, … */
    private static Reply send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(vitals.url().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Reply reply = new Reply(method + " " + path, response.statusCode(), response.headers().map(),
                    response.body());
            synchronized (replies) {
                replies.add(reply);
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Reply(String request, int status, Map<String, List<String>> headers, String body) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        JsonNode json() {
            return Json.parse(body);
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + headers + "\n" + body;
        }
    }

    /** A Server-Sent Events reader: a daemon thread splits the body into events the test takes with a timeout. */
    private static final class EventStream implements AutoCloseable {

        record Event(String id, String event, String data) {
        }

        private final HttpResponse<Stream<String>> response;
        private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

        private EventStream(HttpResponse<Stream<String>> response) {
            this.response = response;
            Thread reader = new Thread(this::read, "dashboard-it-sse");
            reader.setDaemon(true);
            reader.start();
        }

        static EventStream open(URI uri, String... headers) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return new EventStream(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        }

        int status() {
            return response.statusCode();
        }

        String contentType() {
            return response.headers().firstValue("Content-Type").orElse(null);
        }

        Event next(Duration timeout) throws InterruptedException {
            Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(event).as("an event within %s", timeout).isNotNull();
            return event;
        }

        @Override
        public void close() {
            response.body().close();
        }

        private void read() {
            String id = null;
            String name = null;
            StringBuilder data = null;
            try (Stream<String> lines = response.body()) {
                Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.isEmpty()) {
                        if (data != null) {
                            events.add(new Event(id, name, data.toString()));
                        }
                        name = null;
                        data = null;
                    } else if (!line.startsWith(":")) {
                        int colon = line.indexOf(':');
                        String field = colon < 0 ? line : line.substring(0, colon);
                        String value = colon < 0 ? "" : line.substring(colon + 1);
                        value = value.startsWith(" ") ? value.substring(1) : value;
                        switch (field) {
                            case "id" -> id = value;
                            case "event" -> name = value;
                            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                            default -> { }
                        }
                    }
                }
            } catch (UncheckedIOException | IllegalStateException closed) {
                // The test closed the stream.
            }
        }
    }

    /** The agent's session cookie: named for its port, so agents on one host keep separate sessions. */
    private String cookieName() {
        return "vitals_session_" + vitals.url().getPort();
    }
}
