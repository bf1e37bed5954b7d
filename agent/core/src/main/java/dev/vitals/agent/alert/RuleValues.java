package dev.vitals.agent.alert;

import dev.vitals.agent.alert.AlertRule.Metric;
import dev.vitals.agent.sampling.Sample;
import dev.vitals.agent.sampling.Sampler;
import dev.vitals.agent.score.ScoreInput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The value of a rule's metric in one sample, per resource: what the engine compares with the
 * threshold. Pure. Values are over the sample's score window (see docs/ALERTS.md, "Metrics"),
 * except the gauges (utilization, pending threads), which are at the window's end.
 *
 * <p>A resource with nothing to measure (a cache without lookups, a pool without borrows, no SQL)
 * has no value (null): the condition is then not met.
 */
final class RuleValues {

    /** The key of the aggregate (a rule without a resource) in the returned map. */
    static final String ALL = "";

    private RuleValues() {
    }

    /**
     * The rule's values: one entry per matching pool or cache for a rule with a resource (a
     * glob may match none, one or many), or the single aggregate under {@link #ALL}.
     *
     * @param slowQueries slow executions within the sample's window (the engine counts them)
     */
    static Map<String, Double> of(AlertRule rule, Sample sample, long slowQueries) {
        Map<String, Double> values = new LinkedHashMap<>();
        ScoreInput window = sample.window();
        Metric metric = rule.metric();
        switch (metric.scope()) {
            case POOL -> {
                if (rule.resource() == null) {
                    values.put(ALL, poolAggregate(metric, window.pools()));
                } else {
                    Pattern glob = glob(rule.resource());
                    for (ScoreInput.Pool pool : window.pools()) {
                        if (glob.matcher(pool.name()).matches()) {
                            values.put(pool.name(), pool(metric, pool));
                        }
                    }
                }
            }
            case CACHE -> {
                if (rule.resource() == null) {
                    long hits = window.caches().stream().mapToLong(ScoreInput.Cache::hits).sum();
                    long requests = window.caches().stream().mapToLong(ScoreInput.Cache::requests).sum();
                    values.put(ALL, requests == 0 ? null : (double) hits / requests);
                } else {
                    Pattern glob = glob(rule.resource());
                    for (ScoreInput.Cache cache : window.caches()) {
                        if (glob.matcher(cache.name()).matches()) {
                            values.put(cache.name(), cache.hitRate());
                        }
                    }
                }
            }
            default -> values.put(ALL, system(metric, sample, slowQueries));
        }
        return values;
    }

    private static Double system(Metric metric, Sample sample, long slowQueries) {
        return switch (metric) {
            case PERFORMANCE_SCORE -> sample.score().performanceScore();
            case SYSTEM_HEALTH -> sample.score().performanceScore() == null ? null
                    : Sampler.healthValue(sample.score().systemHealth());
            case AVAILABILITY -> sample.window().availability().ratio();
            case QUERY_P99_TIME -> sample.window().sql().p99Seconds();
            case SLOW_QUERY_COUNT -> (double) slowQueries;
            case ERROR_RATE -> sample.window().sql().errorRate();
            default -> throw new IllegalArgumentException("not a system metric: " + metric);
        };
    }

    private static Double pool(Metric metric, ScoreInput.Pool pool) {
        return switch (metric) {
            case CONNECTION_WAIT_TIME -> pool.avgWaitSeconds();
            case CONNECTION_WAIT_P99 -> pool.p99WaitSeconds();
            case POOL_UTILIZATION -> (double) pool.active() / pool.maxPoolSize();
            case PENDING_THREADS -> (double) pool.pending();
            case POOL_EXHAUSTED_COUNT -> (double) pool.timeouts();
            default -> throw new IllegalArgumentException("not a pool metric: " + metric);
        };
    }

    /**
     * All pools together: the mean wait over every borrow attempt of every pool, the worst
     * pool's p99 (a p99 over pools would need their histograms), summed active over summed
     * maximum, summed waiters and timeouts.
     */
    private static Double poolAggregate(Metric metric, List<ScoreInput.Pool> pools) {
        if (pools.isEmpty()) {
            return null;
        }
        return switch (metric) {
            case CONNECTION_WAIT_TIME -> {
                double weighted = 0;
                long attempts = 0;
                for (ScoreInput.Pool p : pools) {
                    if (p.avgWaitSeconds() != null) {
                        long n = p.borrows() + p.timeouts();
                        weighted += p.avgWaitSeconds() * n;
                        attempts += n;
                    }
                }
                yield attempts == 0 ? null : weighted / attempts;
            }
            case CONNECTION_WAIT_P99 -> max(pools, ScoreInput.Pool::p99WaitSeconds);
            case POOL_UTILIZATION -> (double) pools.stream().mapToInt(ScoreInput.Pool::active).sum()
                    / pools.stream().mapToInt(ScoreInput.Pool::maxPoolSize).sum();
            case PENDING_THREADS -> (double) pools.stream().mapToInt(ScoreInput.Pool::pending).sum();
            case POOL_EXHAUSTED_COUNT -> (double) pools.stream().mapToLong(ScoreInput.Pool::timeouts).sum();
            default -> throw new IllegalArgumentException("not a pool metric: " + metric);
        };
    }

    private static Double max(List<ScoreInput.Pool> pools, Function<ScoreInput.Pool, Double> value) {
        Double max = null;
        for (ScoreInput.Pool p : pools) {
            Double v = value.apply(p);
            if (v != null && (max == null || v > max)) {
                max = v;
            }
        }
        return max;
    }

    /** {@code *} matches any run of characters; everything else is literal. */
    static Pattern glob(String resource) {
        StringBuilder regex = new StringBuilder();
        for (String part : resource.split("\\*", -1)) {
            if (regex.length() > 0 || resource.startsWith("*")) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
