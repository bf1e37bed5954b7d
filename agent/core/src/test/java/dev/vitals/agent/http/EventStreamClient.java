package dev.vitals.agent.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Server-Sent Events reader over the JDK's HTTP client: opens the stream, then a daemon thread
 * splits it into events (fields {@code id}, {@code event}, {@code data}; comments skipped) that the
 * test takes with a timeout. The end of the stream is an event too ({@link #isEnd}).
 */
final class EventStreamClient implements AutoCloseable {

    /** One event; {@code data} is its data lines joined by newlines. */
    record Event(String id, String event, String data) {
    }

    /** How long tests wait for an event that should come. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private static final Event END = new Event(null, null, null);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final HttpResponse<Stream<String>> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private EventStreamClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        if (response.statusCode() == 200) {
            Thread reader = new Thread(this::read, "sse-test-reader");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** Opens {@code url} with {@code headers} as name, value, …; returns once the response headers are in. */
    static EventStreamClient open(String url, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return new EventStreamClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
    }

    int status() {
        return response.statusCode();
    }

    HttpHeaders headers() {
        return response.headers();
    }

    /** The body of a response that is not a stream (an error), as text. */
    String errorBody() {
        try (Stream<String> lines = response.body()) {
            return String.join("\n", lines.toList());
        }
    }

    /** The next event or the end, waiting at most {@code timeout}; fails if neither comes. */
    Event next(Duration timeout) throws InterruptedException {
        Event event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no event within " + timeout);
        }
        return event;
    }

    static boolean isEnd(Event event) {
        return event == END;
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
                    continue;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> name = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
        } catch (UncheckedIOException | IllegalStateException e) {
            // Closed or reset: the end, as far as the test is concerned.
        } finally {
            events.add(END);
        }
    }

    @Override
    public String toString() {
        return "stream " + response.uri() + " (" + response.statusCode() + ")";
    }
}
