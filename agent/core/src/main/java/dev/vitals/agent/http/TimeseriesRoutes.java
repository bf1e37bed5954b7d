package dev.vitals.agent.http;

import dev.vitals.agent.history.History;
import dev.vitals.agent.history.HistoryMetric;
import dev.vitals.agent.history.HistoryPoint;
import dev.vitals.agent.score.HealthScore;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/performance/metrics/timeseries?hours=1..720&interval=1m|5m|15m|1h|6h|24h}:
 * the persisted history over the last {@code hours}, in UTC-aligned buckets of {@code interval},
 * oldest first; only buckets that hold samples. Every value is a real aggregate of samples
 * ({@link HistoryMetric} says how each rolls up); a value no sample in the bucket had is null.
 * Answers from history alone, so points recorded before a restart are served before the first
 * new sample.
 *
 * <p>Buckets are built from the finest resolution that still covers the window: raw samples
 * within the last hour, minute rollups within 24 hours, else hour rollups; an interval finer than
 * that (say {@code hours=48&interval=5m}) gives one bucket per rollup, stamped with its start.
 *
 * <p>Thread-safe: {@link History#query} may be called from any thread.
 */
public final class TimeseriesRoutes implements Routes {

    /** Window when no {@code hours} is given. */
    static final int DEFAULT_HOURS = 1;
    /** Longest window: the hour rollups' retention (30 days). */
    static final int MAX_HOURS = 720;
    /** Bucket width when no {@code interval} is given. */
    static final String DEFAULT_INTERVAL = "1m";
    /** The accepted intervals, in the order messages list them. */
    static final Map<String, Duration> INTERVALS = intervals();

    /**
     * The response body.
     *
     * @param interval the bucket width, as asked ({@code 1m} …)
     * @param hours the window, hours
     * @param from the window's start (ISO-8601 UTC); buckets are aligned to the interval, so the
     *     first one may start before it
     * @param to the window's end: now
     */
    public record Timeseries(String interval, int hours, String from, String to, List<DataPoint> dataPoints) {
    }

    /**
     * One bucket.
     *
     * @param timestamp the bucket's start (ISO-8601 UTC)
     * @param performanceScore mean of the samples' scores (unrounded); null when none had one
     * @param systemHealth the worst health of the bucket's samples
     * @param cacheHitRate summed cache hits / summed cache requests, 0–1
     * @param avgWaitTime mean of the samples' mean connection wait, seconds
     * @param p99WaitTime highest of the samples' p99 connection wait, seconds (an upper bound of the bucket's p99)
     * @param activeConnections mean connections lent, all pools
     * @param pendingThreads mean threads waiting for a connection, all pools
     * @param queriesPerSecond summed statements / summed seconds covered
     * @param queryP99Time highest of the samples' SQL p99, seconds (an upper bound)
     * @param errorRate summed failed statements / summed statements, 0–1
     * @param availability share of the bucket's samples that were available, 0–1
     * @param samples raw samples in the bucket
     */
    public record DataPoint(String timestamp, Double performanceScore, String systemHealth, Double cacheHitRate,
            Double avgWaitTime, Double p99WaitTime, Double activeConnections, Double pendingThreads,
            Double queriesPerSecond, Double queryP99Time, Double errorRate, Double availability, int samples) {
    }

    private final History history;
    private final Clock clock;
    private final Responses responses;

    public TimeseriesRoutes(History history, Clock clock, Responses responses) {
        this.history = history;
        this.clock = clock;
        this.responses = responses;
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get("/api/v1/performance/metrics/timeseries", this::timeseries);
    }

    private void timeseries(HttpServerExchange exchange) {
        int hours;
        String interval;
        try {
            hours = hours(first(exchange, "hours"));
            interval = interval(first(exchange, "interval"), hours);
        } catch (BadParameterException e) {
            responses.error(exchange, 400, "bad_parameter", e.getMessage(), e.field());
            return;
        }
        responses.json(exchange, 200, timeseries(history, clock.instant(), hours, interval));
    }

    /** The body for the last {@code hours} before {@code now} in buckets of {@code interval}. */
    static Timeseries timeseries(History history, Instant now, int hours, String interval) {
        Instant from = now.minus(Duration.ofHours(hours));
        List<HistoryPoint> buckets = history.query(from, now, INTERVALS.get(interval));
        List<DataPoint> points = new ArrayList<>(buckets.size());
        for (HistoryPoint p : buckets) {
            points.add(dataPoint(p));
        }
        return new Timeseries(interval, hours, from.toString(), now.toString(), points);
    }

    static DataPoint dataPoint(HistoryPoint p) {
        return new DataPoint(p.time().toString(), value(p.get(HistoryMetric.PERFORMANCE_SCORE)),
                health(p.get(HistoryMetric.WORST_HEALTH)), value(p.cacheHitRate()),
                value(p.get(HistoryMetric.AVG_WAIT_TIME)), value(p.get(HistoryMetric.P99_WAIT_TIME)),
                value(p.get(HistoryMetric.ACTIVE_CONNECTIONS)), value(p.get(HistoryMetric.PENDING_THREADS)),
                value(p.queriesPerSecond()), value(p.get(HistoryMetric.QUERY_P99_TIME)), value(p.errorRate()),
                value(p.get(HistoryMetric.AVAILABLE)), p.samples());
    }

    /**
     * {@link HistoryMetric#WORST_HEALTH} back to its name: 1 healthy, 0.5 degraded, 0 critical
     * (the encoding the sampler writes; anything between counts as the worse name); null when absent.
     */
    static String health(double worst) {
        if (Double.isNaN(worst)) {
            return null;
        }
        if (worst >= 1) {
            return HealthScore.HEALTHY;
        }
        return worst >= 0.5 ? HealthScore.DEGRADED : HealthScore.CRITICAL;
    }

    /** NaN (absent) becomes null, which JSON shows as {@code null} rather than the string {@code "NaN"}. */
    private static Double value(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** {@code hours}: an integer from 1 to {@link #MAX_HOURS}; absent means {@link #DEFAULT_HOURS}. */
    static int hours(String text) throws BadParameterException {
        if (text == null) {
            return DEFAULT_HOURS;
        }
        try {
            int hours = Integer.parseInt(text);
            if (hours >= 1 && hours <= MAX_HOURS) {
                return hours;
            }
        } catch (NumberFormatException e) {
            // Reported below with the accepted range.
        }
        throw new BadParameterException("hours", "hours must be an integer from 1 to " + MAX_HOURS + "; got '" + text + "'");
    }

    /**
     * {@code interval}: one of {@link #INTERVALS}, no longer than the window; absent means
     * {@link #DEFAULT_INTERVAL}.
     */
    static String interval(String text, int hours) throws BadParameterException {
        if (text == null) {
            return DEFAULT_INTERVAL;
        }
        Duration interval = INTERVALS.get(text);
        if (interval == null) {
            throw new BadParameterException("interval", "interval must be one of "
                    + String.join(", ", INTERVALS.keySet()) + "; got '" + text + "'");
        }
        if (interval.compareTo(Duration.ofHours(hours)) > 0) {
            throw new BadParameterException("interval", "interval " + text + " is longer than the window of "
                    + hours + " h (hours=" + hours + "); choose a shorter interval or more hours");
        }
        return text;
    }

    private static Map<String, Duration> intervals() {
        Map<String, Duration> m = new LinkedHashMap<>();
        m.put("1m", Duration.ofMinutes(1));
        m.put("5m", Duration.ofMinutes(5));
        m.put("15m", Duration.ofMinutes(15));
        m.put("1h", Duration.ofHours(1));
        m.put("6h", Duration.ofHours(6));
        m.put("24h", Duration.ofHours(24));
        return Collections.unmodifiableMap(m);
    }

    private static String first(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
