package dev.vitals.agent.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vitals.agent.AgentInfo;
import dev.vitals.agent.sampling.Sample;
import dev.vitals.agent.score.HealthScore;
import dev.vitals.agent.score.Recommendation;
import dev.vitals.agent.score.ScoreInput;
import dev.vitals.agent.snapshot.CacheSnapshot;
import dev.vitals.agent.snapshot.PoolSnapshot;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/performance/metrics/overview?include_details=true|false}: the latest sample at
 * one glance — health, score, every pool and cache, the agent itself; with details, how cache
 * traffic and pool capacity were used over the score window, the recommendations and the score's
 * breakdown. Every number comes from the latest {@link Sample}, so the overview agrees with the
 * alerts and {@code /metrics}; 503 {@code no_sample_yet} before the first one.
 *
 * <p>Thread-safe: stateless apart from the injected suppliers.
 */
public final class OverviewRoutes implements Routes {

    /** Sampling intervals a sample may be old before {@code server_health.status} says {@code stale}. */
    static final int STALE_INTERVALS = 3;
    /** {@code server_health.status} while samples arrive: the same word {@code /api/v1/health} uses. */
    static final String STATUS_UP = "up";
    /** {@code server_health.status} when the latest sample is older than {@link #STALE_INTERVALS} intervals. */
    static final String STATUS_STALE = "stale";

    /**
     * The response body.
     *
     * @param timestamp when the latest sample was taken (ISO-8601 UTC)
     * @param performanceScore 0–100; null when no component had data in the window
     * @param details present only with {@code include_details=true}
     */
    public record Overview(String timestamp, String systemHealth, Double performanceScore, Metrics metrics,
            @JsonInclude(JsonInclude.Include.NON_NULL) Details details) {
    }

    /** Cumulative pool and cache figures keyed by name (in the sampler's order), and the agent's own state. */
    public record Metrics(Map<String, PoolSnapshot> connections, Map<String, CacheSnapshot> caching,
            ServerHealth serverHealth) {
    }

    /**
     * The agent and its sampler.
     *
     * @param status {@link #STATUS_UP}, or {@link #STATUS_STALE} when samples stopped arriving
     * @param systemHealth the score's health again, for clients that read it here
     * @param activeConnections connections lent out at the sample, all pools
     */
    public record ServerHealth(String status, String systemHealth, double uptimeSeconds, int activeConnections,
            Agent agent, SampleInfo sample) {
    }

    /** Facts about the agent and its JVM. */
    public record Agent(String version, String attachedVia, String app, long pid, String javaVersion, String vmName) {
    }

    /**
     * The latest sample.
     *
     * @param intervalSeconds the configured {@code sample.interval}, seconds
     * @param sequence 1 for the first sample after start
     * @param durationMs how long taking it took, milliseconds
     * @param ageSeconds how long ago it was taken, seconds
     */
    public record SampleInfo(double intervalSeconds, long sequence, double durationMs, double ageSeconds) {
    }

    /** The score window in detail; all counts are increases within the window. */
    public record Details(Map<String, CacheShare> cacheDistribution, Map<String, PoolEfficiency> connectionEfficiency,
            List<Recommendation> performanceRecommendations, ScoreBreakdown scoreBreakdown) {
    }

    /**
     * One cache's part of all cache lookups in the window.
     *
     * @param share this cache's requests / all caches' requests, 0–1; null when no cache had any
     * @param hitRate hits / requests; null without requests
     */
    public record CacheShare(long requests, Double share, long hits, Double hitRate) {
    }

    /**
     * How one pool's connections were used in the window. Gauges are at the window's end.
     *
     * @param poolSize connections open at the sample; null when the pool is not in the sample
     * @param utilization {@code active / max_pool_size}, 0–1
     * @param peakActive most connections lent at once over the window's samples (the end value when unknown)
     * @param peakUtilization {@code peak_active / max_pool_size}
     * @param borrowSuccessRate {@code borrows / (borrows + timeouts)}; null without attempts
     * @param avgWaitTime mean wait for a connection in the window, seconds; null without borrows
     * @param p99WaitTime 99th percentile of that wait, seconds; null without borrows
     * @param p99UsageTime 99th percentile time a connection was held, seconds; null when unknown
     */
    public record PoolEfficiency(int maxPoolSize, Integer poolSize, int active, int idle, int pending,
            double utilization, int peakActive, double peakUtilization, long borrows, long timeouts,
            Double borrowSuccessRate, Double avgWaitTime, Double p99WaitTime, Double p99UsageTime) {
    }

    /** The score's components and reasons, as {@code docs/SCORING.md} defines them. */
    public record ScoreBreakdown(double windowSeconds, List<HealthScore.Component> components, List<String> reasons) {
    }

    private final LatestSample latest;
    private final Clock clock;
    private final AgentInfo info;
    private final Responses responses;

    /**
     * @param latest the sampler's latest sample; null before the first
     * @param interval the configured {@code sample.interval}, quoted by the 503 and the staleness rule
     */
    public OverviewRoutes(Supplier<Sample> latest, Duration interval, Clock clock, AgentInfo info, Responses responses) {
        this.latest = new LatestSample(latest, interval, responses);
        this.clock = clock;
        this.info = info;
        this.responses = responses;
    }

    @Override
    public void register(RoutingHandler routing) {
        routing.get("/api/v1/performance/metrics/overview", this::overview);
    }

    private void overview(HttpServerExchange exchange) {
        boolean details;
        try {
            details = includeDetails(first(exchange, "include_details"));
        } catch (BadParameterException e) {
            responses.error(exchange, 400, "bad_parameter", e.getMessage(), e.field());
            return;
        }
        Sample sample = latest.orAnswerUnavailable(exchange);
        if (sample == null) {
            return;
        }
        responses.json(exchange, 200, overview(sample, details, latest.intervalSeconds(), clock.instant(), info));
    }

    /** {@code include_details}: {@code true} or {@code false}; absent means false. */
    static boolean includeDetails(String text) throws BadParameterException {
        if (text == null || text.equals("false")) {
            return false;
        }
        if (text.equals("true")) {
            return true;
        }
        throw new BadParameterException("include_details", "include_details must be true or false; got '" + text + "'");
    }

    /** The body for one sample, as of {@code now}. */
    static Overview overview(Sample sample, boolean withDetails, double intervalSeconds, Instant now, AgentInfo info) {
        HealthScore score = sample.score();
        double ageSeconds = Math.max(0, Duration.between(sample.time(), now).toNanos() / 1e9);
        String status = ageSeconds > STALE_INTERVALS * intervalSeconds ? STATUS_STALE : STATUS_UP;
        ServerHealth server = new ServerHealth(status, score.systemHealth(), info.uptimeSeconds(),
                sample.activeConnections(),
                new Agent(info.version(), info.attachedVia(), info.appName(), info.pid(), info.javaVersion(),
                        info.vmName()),
                new SampleInfo(intervalSeconds, sample.sequence(), sample.durationNanos() / 1e6, ageSeconds));
        Metrics metrics = new Metrics(byName(sample.pools(), PoolSnapshot::poolName),
                byName(sample.caches(), CacheSnapshot::name), server);
        return new Overview(sample.time().toString(), score.systemHealth(), score.performanceScore(), metrics,
                withDetails ? details(sample) : null);
    }

    private static Details details(Sample sample) {
        ScoreInput window = sample.window();
        long allRequests = window.caches().stream().mapToLong(ScoreInput.Cache::requests).sum();
        Map<String, CacheShare> caches = new LinkedHashMap<>();
        for (ScoreInput.Cache c : window.caches()) {
            Double share = allRequests == 0 ? null : (double) c.requests() / allRequests;
            caches.put(uniqueKey(caches, c.name()), new CacheShare(c.requests(), share, c.hits(), c.hitRate()));
        }
        Map<String, PoolSnapshot> snapshots = new HashMap<>();
        for (PoolSnapshot p : sample.pools()) {
            snapshots.putIfAbsent(p.poolName(), p);
        }
        Map<String, PoolEfficiency> pools = new LinkedHashMap<>();
        for (ScoreInput.Pool p : window.pools()) {
            PoolSnapshot snapshot = snapshots.get(p.name());
            long attempts = p.borrows() + p.timeouts();
            int peak = p.peakOrActive();
            pools.put(uniqueKey(pools, p.name()), new PoolEfficiency(p.maxPoolSize(),
                    snapshot == null ? null : snapshot.poolSize(), p.active(), p.idle(), p.pending(),
                    (double) p.active() / p.maxPoolSize(), peak, (double) peak / p.maxPoolSize(), p.borrows(),
                    p.timeouts(), attempts == 0 ? null : (double) p.borrows() / attempts, p.avgWaitSeconds(),
                    p.p99WaitSeconds(), p.p99UsageSeconds()));
        }
        HealthScore score = sample.score();
        return new Details(caches, pools, sample.recommendations(),
                new ScoreBreakdown(window.windowSeconds(), score.components(), score.reasons()));
    }

    /** Keyed by name in list order; a repeated name (two pools both called {@code app}) gets {@code #2}, {@code #3}, … */
    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        Map<String, T> out = new LinkedHashMap<>();
        for (T item : items) {
            out.put(uniqueKey(out, name.apply(item)), item);
        }
        return out;
    }

    private static String uniqueKey(Map<String, ?> map, String name) {
        if (!map.containsKey(name)) {
            return name;
        }
        int n = 2;
        while (map.containsKey(name + "#" + n)) {
            n++;
        }
        return name + "#" + n;
    }

    private static String first(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
