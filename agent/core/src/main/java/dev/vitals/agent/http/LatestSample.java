package dev.vitals.agent.http;

import dev.vitals.agent.sampling.Sample;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The latest sample, for the routes that answer from it (overview, threshold alerts); before the
 * sampler's first tick it answers the request itself with a 503 {@code no_sample_yet} that says
 * when to come back, and a {@code Retry-After} of one sampling interval.
 *
 * <p>Thread-safe if the supplier is (the sampler publishes its latest sample through a volatile).
 */
final class LatestSample {

    private final Supplier<Sample> latest;
    private final Duration interval;
    private final Responses responses;

    LatestSample(Supplier<Sample> latest, Duration interval, Responses responses) {
        this.latest = Objects.requireNonNull(latest, "latest");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.responses = Objects.requireNonNull(responses, "responses");
    }

    /** The latest sample; or null after answering 503, in which case the caller returns at once. */
    Sample orAnswerUnavailable(HttpServerExchange exchange) {
        Sample sample = latest.get();
        if (sample == null) {
            long retrySeconds = Math.max(1, (interval.toMillis() + 999) / 1000);
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, Long.toString(retrySeconds));
            responses.error(exchange, 503, "no_sample_yet", "no sample has been taken yet; samples are taken every "
                    + seconds(interval) + " s (sample.interval), try again after the first one", null);
        }
        return sample;
    }

    /** The configured sampling interval, seconds. */
    double intervalSeconds() {
        return interval.toMillis() / 1000.0;
    }

    /** A duration in seconds without trailing zeros: {@code 10}, {@code 1.5}. */
    static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString();
    }
}
