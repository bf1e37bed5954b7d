package dev.vitals.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code GET /api/v1/health} against a running agent (no token needed). One request per call;
 * the caller decides whether and how long to retry.
 */
final class HealthProbe {

    /** Bounds one connect and one request, so a wedged server cannot stall a command. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    /** @param status the HTTP status, or 0 if no answer; @param body the body, or the error */
    record Result(int status, String body) {

        boolean healthy() {
            return status == 200;
        }
    }

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(REQUEST_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .proxy(HttpClient.Builder.NO_PROXY)
            .build();

    Result check(URI health) {
        return check(health, REQUEST_TIMEOUT);
    }

    Result check(URI health, Duration timeout) {
        Duration bounded = timeout.compareTo(REQUEST_TIMEOUT) < 0 ? timeout : REQUEST_TIMEOUT;
        HttpRequest request = HttpRequest.newBuilder(health)
                .timeout(bounded.isZero() ? Duration.ofMillis(1) : bounded)
                .header("Accept", "application/json")
                .GET()
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Result(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Result(0, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure("interrupted");
        }
    }
}
