package dev.vitals.it.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A client of one running agent: its base URL and token file, learned from the agent's start line
 * on stderr ({@code vitals <version> listening on <url> (token file: <path>)}) or from the CLI's
 * {@code attached to <pid>: <url> (token file: <path>)}.
 *
 * <p>Requests go to loopback only (no proxy; a non-loopback URL is refused, a wildcard bind
 * address is reached through 127.0.0.1). By default they carry {@code Authorization: Bearer}
 * with the token read from the token file; {@link #getWithoutToken} and {@link #get(String,
 * String)} test the other cases.
 */
public final class Vitals {

    /** The agent's one start line on stderr. Groups: version, url, token file. */
    public static final String START_LINE = "^vitals (\\S+) listening on (\\S+) \\(token file: (.+)\\)\\s*$";

    /** The CLI's success line for {@code attach}. Groups: pid, url, token file. */
    public static final String ATTACHED_LINE = "attached to (\\d+): (\\S+) \\(token file: (.+)\\)\\s*$";

    public static final String HEALTH = "/api/v1/health";

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private final String version;
    private final URI url;
    private final URI target;
    private final Path tokenFile;

    public Vitals(String version, URI url, Path tokenFile) {
        this.version = version;
        this.url = url;
        this.tokenFile = tokenFile;
        this.target = loopbackTarget(url);
    }

    /**
     * The agent's own reports that it will not serve (those that publish {@code vitals.error}).
     * Only a shortcut: an unknown failure is still caught by the timeout.
     */
    public static final String START_FAILURE =
            "^\\[vitals\\] (?:could not start|error: start failed|error: HTTP server not started|"
            + "error: cannot write the token file).*$";

    /**
     * Waits for the agent's start line on {@code process}'s stderr; fails at once, with the
     * process's output, if the agent reports an error instead.
     */
    public static Vitals awaitStartLine(JavaProcess process, Duration timeout) {
        MatchResult line = process.awaitStderr("(?:" + START_LINE + ")|(?:" + START_FAILURE + ")", timeout);
        if (line.group(1) == null) {
            throw new AssertionError("the agent did not start: " + line.group() + "\n" + process.describe());
        }
        return new Vitals(line.group(1), URI.create(line.group(2)), Path.of(line.group(3)));
    }

    /** Parses the start line out of {@code text}, or returns null if there is none. */
    public static Vitals fromStartLine(String text) {
        Matcher matcher = Pattern.compile(START_LINE, Pattern.MULTILINE).matcher(text);
        return matcher.find()
                ? new Vitals(matcher.group(1), URI.create(matcher.group(2)), Path.of(matcher.group(3)))
                : null;
    }

    /** Parses the CLI's {@code attached to ...} line out of its output, or returns null. */
    public static Vitals fromAttachOutput(String output) {
        Matcher matcher = Pattern.compile(ATTACHED_LINE, Pattern.MULTILINE).matcher(output);
        return matcher.find() ? new Vitals(null, URI.create(matcher.group(2)), Path.of(matcher.group(3))) : null;
    }

    /** The agent's version as printed in its start line (null when learned from the CLI). */
    public String version() {
        return version;
    }

    /** The URL the agent published, e.g. {@code http://127.0.0.1:41234/}. */
    public URI url() {
        return url;
    }

    public int port() {
        return url.getPort();
    }

    public Path tokenFile() {
        return tokenFile;
    }

    /** The token, read from the token file now (trimmed). */
    public String token() {
        try {
            return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read token file " + tokenFile, e);
        }
    }

    /** GET with the agent's token. */
    public Response get(String path) {
        return send("GET", path, null, token());
    }

    /** GET with {@code token} as the bearer token (null: no Authorization header). */
    public Response get(String path, String token) {
        return send("GET", path, null, token);
    }

    /** GET without an Authorization header. */
    public Response getWithoutToken(String path) {
        return send("GET", path, null, null);
    }

    /** POST of a JSON body with the agent's token. */
    public Response post(String path, String json) {
        return send("POST", path, json, token());
    }

    /**
     * One request; {@code body} null means none, {@code token} null means no Authorization
     * header. Connection failures propagate as {@link UncheckedIOException}.
     */
    public Response send(String method, String path, String body, String token) {
        URI uri = target.resolve(path.startsWith("/") ? path.substring(1) : path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(method, uri, response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + method + " " + uri, e);
        }
    }

    /** GET /api/v1/health (no token), asserting nothing. */
    public Response health() {
        return getWithoutToken(HEALTH);
    }

    /**
     * Polls {@code /api/v1/health} until it answers 200 with {@code "status":"up"} and returns that
     * JSON; connection failures while the server comes up are retried.
     */
    public JsonNode awaitHealthy(Duration timeout) {
        AtomicReference<Response> last = new AtomicReference<>();
        try {
            Awaitility.await("vitals at " + url + " healthy")
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> {
                        Response response = health();
                        last.set(response);
                        return response.status() == 200 && "up".equals(response.json().path("status").asText());
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("vitals at " + url + " not healthy within " + timeout
                    + "; last response: " + last.get(), e);
        }
        return last.get().json();
    }

    /** Whether something accepts TCP connections on the agent's port now. */
    public boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.getHost(), target.getPort()), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The URL to send requests to: {@code url} itself, or 127.0.0.1 for a wildcard bind. */
    private static URI loopbackTarget(URI url) {
        String host = url.getHost();
        if (host == null || url.getPort() <= 0 || !"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("not an http://host:port/ URL: " + url);
        }
        if (host.equals("0.0.0.0") || host.equals("[::]")) {
            return URI.create("http://127.0.0.1:" + url.getPort() + "/");
        }
        try {
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            if (!InetAddress.getByName(literal).isLoopbackAddress()) {
                throw new IllegalArgumentException("refusing a non-loopback agent URL: " + url);
            }
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve agent URL host: " + url, e);
        }
        return url.getPath().endsWith("/") ? url : URI.create(url + "/");
    }

    @Override
    public String toString() {
        return "vitals " + (version == null ? "" : version + " ") + "at " + url + " (token file " + tokenFile + ")";
    }
}
