package dev.vitals.agent.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A browser-less client for the dashboard's tests: any method, any headers, no redirects followed
 * and no cookie jar (cookies are sent by hand), and a raw socket for request lines that
 * {@link HttpClient} would not send as they are.
 */
final class WebClient {

    /** A response; the body as bytes and as UTF-8 text. */
    record Reply(int status, HttpHeaders headers, byte[] bytes) {

        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + headers.map() + " " + body();
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonNode json() {
            try {
                return new ObjectMapper().readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body(), e);
            }
        }
    }

    private final URI base;
    private final HttpClient client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    WebClient(String baseUrl) {
        this.base = URI.create(baseUrl);
    }

    /** GET with {@code headers} given as name, value, name, value, … */
    Reply get(String pathAndQuery, String... headers) throws IOException, InterruptedException {
        return send("GET", pathAndQuery, null, headers);
    }

    /** POST of {@code body} (may be null: no body) with {@code headers} as name, value, … */
    Reply post(String pathAndQuery, String body, String... headers) throws IOException, InterruptedException {
        return send("POST", pathAndQuery, body, headers);
    }

    Reply send(String method, String pathAndQuery, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), response.headers(), response.body());
    }

    /** Sends {@code GET <rawPath>} byte for byte, with header lines ("Name: value"), and returns the status code. */
    int rawGetStatus(String rawPath, String... headerLines) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("GET " + rawPath + " HTTP/1.1\r\nHost: " + base.getHost()
                    + "\r\nConnection: close\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            // "HTTP/1.1 404 Not Found"
            return Integer.parseInt(response.substring(9, 12));
        }
    }
}
