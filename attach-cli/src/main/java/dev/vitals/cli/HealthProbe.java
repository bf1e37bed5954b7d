package dev.vitals.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code GET /api/v1/health} against a running agent (no token needed). One request per call;
 * the caller decides whether and how long to retry.
 *
 * <p>{@link HttpURLConnection}, not {@code java.net.http.HttpClient}: this is one loopback GET,
 * and the newer client's first use loads about 1,200 classes, which took 0.5 s of the attach
 * command's 3 s on the 2-core benchmark machine (docs/PERFORMANCE.md).
 */
final class HealthProbe {

    /** Bounds one connect and one request, so a wedged server cannot stall a command. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    /** Health answers are small; a larger body is cut here (it is only quoted in an error). */
    private static final int MAX_BODY_BYTES = 64 * 1024;

    /** @param status the HTTP status, or 0 if no answer; @param body the body, or the error */
    record Result(int status, String body) {

        boolean healthy() {
            return status == 200;
        }
    }

    Result check(URI health) {
        return check(health, REQUEST_TIMEOUT);
    }

    Result check(URI health, Duration timeout) {
        Duration bounded = timeout.compareTo(REQUEST_TIMEOUT) < 0 ? timeout : REQUEST_TIMEOUT;
        int millis = (int) Math.max(1, bounded.toMillis());
        HttpURLConnection connection = null;
        try {
            // NO_PROXY: the agent is on this machine; a configured proxy must not see the request.
            connection = (HttpURLConnection) health.toURL().openConnection(Proxy.NO_PROXY);
            connection.setConnectTimeout(millis);
            connection.setReadTimeout(millis);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setRequestProperty("Accept", "application/json");
            int status = connection.getResponseCode();
            InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String text = "";
            if (body != null) {
                try (body) {
                    text = new String(body.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
                }
            }
            return new Result(status, text);
        } catch (IOException | IllegalArgumentException e) {
            return new Result(0, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }
}
