package dev.vitals.agent.http;

import dev.vitals.agent.alert.ActiveAlert;
import dev.vitals.agent.alert.ThresholdAlerts;
import dev.vitals.agent.sampling.Sample;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/performance/metrics/alerts}: every threshold of the table that the latest
 * sample's score window crosses, per resource ({@link ThresholdAlerts}), with the table itself.
 * 503 {@code no_sample_yet} before the first sample. Alert rules that are firing join the list
 * (with their {@code rule_id}; threshold alerts have none).
 *
 * <p>Thread-safe: stateless apart from the injected supplier.
 */
public final class ThresholdAlertRoutes implements Routes {

    /**
     * The response body.
     *
     * @param timestamp when the latest sample was taken (ISO-8601 UTC): the alerts are as of then
     * @param windowSeconds the score window the alerts were evaluated over, seconds
     * @param activeAlerts worst severity first (critical, error, warning, info); within one, the
     *     thresholds crossed (in the order of {@code thresholds}, then by resource), then the firing
     *     alert rules (oldest first)
     * @param alertCount the number of active alerts
     */
    public record Alerts(String timestamp, double windowSeconds, List<ActiveAlert> activeAlerts,
            List<ThresholdAlerts.Threshold> thresholds, int alertCount) {
    }

    /** Severities, worst first (rules have four; thresholds use warning and critical). */
    private static final List<String> SEVERITY_ORDER = List.of("critical", "error", "warning", "info");

    private final LatestSample latest;
    private final Supplier<List<ActiveAlert>> firingRules;
    private final Responses responses;

    /**
     * @param latest the sampler's latest sample; null before the first
     * @param interval the configured {@code sample.interval}, quoted by the 503
     */
    public ThresholdAlertRoutes(Supplier<Sample> latest, Duration interval, Responses responses) {
        this(latest, interval, List::of, responses);
    }

    /** @param firingRules the alert rules firing now, as active alerts */
    public ThresholdAlertRoutes(Supplier<Sample> latest, Duration interval, Supplier<List<ActiveAlert>> firingRules,
            Responses responses) {
        this.latest = new LatestSample(latest, interval, responses);
        this.firingRules = firingRules;
        this.responses = responses;
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get("/api/v1/performance/metrics/alerts", this::alerts);
    }

    private void alerts(HttpServerExchange exchange) {
        Sample sample = latest.orAnswerUnavailable(exchange);
        if (sample == null) {
            return;
        }
        responses.json(exchange, 200, alerts(sample, firingRules.get()));
    }

    static Alerts alerts(Sample sample) {
        return alerts(sample, List.of());
    }

    static Alerts alerts(Sample sample, List<ActiveAlert> firingRules) {
        List<ActiveAlert> active = new ArrayList<>(ThresholdAlerts.evaluate(sample.window(), sample.score()));
        active.addAll(firingRules);
        // Worst first across both kinds; the sort is stable, so each keeps its own order within a severity.
        active.sort(Comparator.comparingInt(a -> SEVERITY_ORDER.indexOf(a.severity())));
        return new Alerts(sample.time().toString(), sample.window().windowSeconds(), active,
                ThresholdAlerts.thresholds(), active.size());
    }
}
