package dev.vitals.agent.metrics;

import dev.vitals.agent.sampling.Sample;
import dev.vitals.agent.sampling.Sampler;
import dev.vitals.agent.sampling.SqlTotals;
import dev.vitals.agent.score.HealthScore;
import dev.vitals.agent.snapshot.CacheSnapshot;
import dev.vitals.agent.snapshot.PoolSnapshot;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus view of the latest {@link Sample}: a Micrometer registry of its own whose meters
 * read that sample, written out by {@code GET /metrics} ({@link #scrape()}). docs/METRICS.md lists
 * every series.
 *
 * <p>The registry is made on the first scrape, not before: Micrometer and the Prometheus client
 * are ~300 classes and several MiB that an application nobody scrapes should not pay for at
 * start-up. Until then {@link #accept} only keeps the newest sample, and the first scrape builds
 * the series from it, so it shows what it would have shown had the registry been there all along.
 *
 * <p>The sampler calls {@link #accept} after each sample. It keeps the sample, registers meters for
 * the series the sample has and the registry lacks (a new pool, cache or top statement; a wait time
 * that became known) and removes those the sample no longer has, so a pool that went away leaves
 * no stale series behind. Meters are functions of the kept sample: a scrape shows exactly what the
 * overview endpoint shows for the same sample, and nothing is counted twice.
 *
 * <pre>
 * Concurrency: accept (the sampler's thread) and scrape (HTTP worker threads) are synchronized on
 *   the export, so a scrape sees one sample's series and values, never half of an update.
 * Cost: per sample, one pass building the wanted series (up to 16 per pool, 10 per cache, 3 per
 *   top statement) and map look-ups against the registered ones; registry calls only for what
 *   changed. A scrape formats text; the sample already holds every number.
 * Isolation: no global registry, no JMX, no threads. Micrometer logs through
 *   {@link MicrometerLogging}; the Prometheus client reads no file, system property or
 *   environment variable of the application (the agent's copy of its properties loader returns
 *   the defaults). Two exports share nothing.
 * </pre>
 */
public final class PrometheusExport implements Consumer<Sample> {

    /** Longest {@code statement} label, in chars: longer normalized SQL is cut and ends in an ellipsis. */
    static final int MAX_STATEMENT_LABEL = 200;

    private static final String ELLIPSIS = "\u2026";
    private static final String SECONDS = "seconds";

    private final String appName;
    /** Null until the first scrape. Guarded by this. */
    private PrometheusMeterRegistry registry;
    /** The newest sample while there is no registry yet. Guarded by this. */
    private Sample waiting;
    /**
     * The exposition of the kept sample, UTF-8, made by the first scrape after it; null until then.
     * Every meter reads only the kept sample, so the text cannot change until the next one: a
     * scraper polling faster than samples arrive gets these bytes again instead of a new ~100 KB
     * of text each time (at 200 scrapes a second that garbage made the application's JVM collect
     * every 1.5 s: docs/PERFORMANCE.md). Guarded by this.
     */
    private byte[] exposition;
    /** The meters registered now, by series. Guarded by this. */
    private final Map<Key, Meter> meters = new HashMap<>();
    /** The latest sample, indexed for the meters; null before the first. Guarded by this. */
    private Latest latest;

    /**
     * @param appName the application's name, the {@code app} label of every series
     */
    public PrometheusExport(String appName) {
        this.appName = Objects.requireNonNull(appName, "appName");
    }

    private static PrometheusMeterRegistry newRegistry(String appName) {
        // Before the registry: its classes hold loggers in static fields.
        MicrometerLogging.install();
        // PrometheusConfig.DEFAULT: every setting at its default, read from nowhere.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                new PrometheusRegistry(), Clock.SYSTEM);
        registry.config().commonTags("app", appName);
        return registry;
    }

    /**
     * Keeps {@code sample} as the one the series show, adding and removing series to match it. A
     * sample older than the one kept is ignored: the sampler calls its listeners outside its lock,
     * so an on-demand sample and a scheduled one may arrive in either order.
     */
    @Override
    public synchronized void accept(Sample sample) {
        if (registry == null) {
            if (waiting == null || sample.sequence() > waiting.sequence()) {
                waiting = sample;
            }
            return;
        }
        if (latest != null && sample.sequence() <= latest.sample().sequence()) {
            return;
        }
        Latest next = Latest.of(sample);
        Map<Key, Series> wanted = new LinkedHashMap<>();
        for (Series series : series(next)) {
            wanted.putIfAbsent(series.key(), series);
        }
        meters.entrySet().removeIf(registered -> {
            if (wanted.containsKey(registered.getKey())) {
                return false;
            }
            registry.remove(registered.getValue());
            return true;
        });
        latest = next;
        exposition = null;
        for (Series series : wanted.values()) {
            meters.computeIfAbsent(series.key(), key -> register(series));
        }
    }

    /**
     * The Prometheus text exposition format (version 0.0.4) of the latest sample; empty before the
     * first sample.
     */
    public synchronized String scrape() {
        return new String(exposition(), StandardCharsets.UTF_8);
    }

    /**
     * {@link #scrape()} as UTF-8 bytes, made once per sample; the caller must not change the array.
     */
    public synchronized byte[] exposition() {
        if (exposition == null) {
            exposition = render().getBytes(StandardCharsets.UTF_8);
        }
        return exposition;
    }

    private String render() {
        if (registry == null) {
            registry = newRegistry(appName);
            if (waiting != null) {
                accept(waiting);
                waiting = null;
            }
        }
        return registry.scrape();
    }

    /**
     * The {@code statement} label of a normalized SQL text: itself, or its first
     * {@value #MAX_STATEMENT_LABEL} chars ending in an ellipsis (never splitting a surrogate pair).
     */
    static String statementLabel(String sql) {
        if (sql.length() <= MAX_STATEMENT_LABEL) {
            return sql;
        }
        int end = MAX_STATEMENT_LABEL - ELLIPSIS.length();
        if (Character.isHighSurrogate(sql.charAt(end - 1))) {
            end--;
        }
        return sql.substring(0, end) + ELLIPSIS;
    }

    private Meter register(Series series) {
        // The meters hold the export, not the sample: they read whatever sample is latest at scrape.
        ToDoubleFunction<PrometheusExport> read = export -> series.value().applyAsDouble(export.latest);
        if (series.type() == Meter.Type.COUNTER) {
            return FunctionCounter.builder(series.name(), this, read)
                    .baseUnit(series.baseUnit())
                    .description(series.help())
                    .tags(series.tags())
                    .register(registry);
        }
        return Gauge.builder(series.name(), this, read)
                .baseUnit(series.baseUnit())
                .description(series.help())
                .tags(series.tags())
                .strongReference(true)
                .register(registry);
    }

    // ---- the series of one sample ----

    private static List<Series> series(Latest latest) {
        List<Series> out = new ArrayList<>();
        sampleSeries(out);
        scoreSeries(out, latest.sample().score());
        latest.pools().values().forEach(pool -> poolSeries(out, pool));
        latest.caches().values().forEach(cache -> cacheSeries(out, cache));
        sqlSeries(out, latest);
        return out;
    }

    private static void sampleSeries(List<Series> out) {
        Tags none = Tags.empty();
        out.add(gauge("vitals.sample.timestamp", SECONDS, "When the latest sample was taken, Unix time", none,
                l -> l.sample().time().toEpochMilli() / 1e3));
        out.add(gauge("vitals.sample.duration", SECONDS, "How long taking the latest sample took", none,
                l -> l.sample().durationNanos() / 1e9));
        out.add(counter("vitals.samples", null, "Samples taken since the agent started", none,
                l -> l.sample().sequence()));
    }

    private static void scoreSeries(List<Series> out, HealthScore score) {
        if (score == null) {
            return;
        }
        Tags none = Tags.empty();
        if (score.performanceScore() != null) {
            out.add(gauge("vitals.performance.score", null,
                    "Overall performance score 0-100 over the score window; absent when no component has data",
                    none, l -> orNaN(l.sample().score().performanceScore())));
        }
        out.add(gauge("vitals.system.health", null, "System health: healthy 1, degraded 0.5, critical 0", none,
                l -> Sampler.healthValue(l.sample().score().systemHealth())));
        for (HealthScore.Component component : score.components()) {
            if (component.subScore() == null) {
                continue;
            }
            String name = component.name();
            out.add(gauge("vitals.component.score", null,
                    "Sub-score 0-100 of one score component (pools, caches, sql, availability) that has data",
                    Tags.of("component", name),
                    l -> l.sample().score().component(name).map(c -> orNaN(c.subScore())).orElse(Double.NaN)));
        }
    }

    private static void poolSeries(List<Series> out, PoolSnapshot pool) {
        String name = pool.poolName();
        Tags tags = Tags.of("pool", name);
        String connections = "Connections of the pool by state: active (lent out) or idle (in the pool)";
        out.add(gauge("vitals.pool.connections", null, connections, tags.and("state", "active"),
                l -> pool(l, name, p -> p.active())));
        out.add(gauge("vitals.pool.connections", null, connections, tags.and("state", "idle"),
                l -> pool(l, name, p -> p.idle())));
        out.add(gauge("vitals.pool.connections.open", null,
                "Connections the pool holds open, lent or not (HikariCP's total connections)", tags,
                l -> pool(l, name, p -> p.poolSize())));
        out.add(gauge("vitals.pool.connections.max", null, "The pool's maximumPoolSize", tags,
                l -> pool(l, name, p -> p.maxPoolSize())));
        out.add(gauge("vitals.pool.connections.min.idle", null, "The pool's minimumIdle", tags,
                l -> pool(l, name, p -> p.minIdle())));
        out.add(gauge("vitals.pool.pending.threads", null, "Threads waiting for a connection of the pool", tags,
                l -> pool(l, name, p -> p.pending())));
        // Not ...connections.created: Prometheus reserves the _created suffix.
        out.add(counter("vitals.pool.connections.opened", null,
                "Physical connections the pool opened (HikariCP's created), since Vitals first saw it", tags,
                l -> pool(l, name, p -> p.connectionsCreated())));
        out.add(counter("vitals.pool.acquire", null,
                "Borrows that got a connection, since Vitals first saw the pool", tags,
                l -> pool(l, name, p -> p.borrows())));
        out.add(counter("vitals.pool.acquire.timeouts", null,
                "Borrows that timed out waiting for a connection (pool exhausted), since Vitals first saw the pool",
                tags, l -> pool(l, name, p -> p.poolExhaustedCount())));

        String wait = "Time a borrow waited for a connection, quantile over every attempt since Vitals first saw"
                + " the pool";
        optionalPoolGauge(out, pool, "vitals.pool.acquire.wait", wait, tags.and("quantile", "0.5"),
                PoolSnapshot::p50WaitTime);
        optionalPoolGauge(out, pool, "vitals.pool.acquire.wait", wait, tags.and("quantile", "0.95"),
                PoolSnapshot::p95WaitTime);
        optionalPoolGauge(out, pool, "vitals.pool.acquire.wait", wait, tags.and("quantile", "0.99"),
                PoolSnapshot::p99WaitTime);
        optionalPoolGauge(out, pool, "vitals.pool.acquire.wait.avg",
                "Mean time a borrow waited for a connection, over every attempt since Vitals first saw the pool",
                tags, PoolSnapshot::avgWaitTime);
        optionalPoolGauge(out, pool, "vitals.pool.acquire.wait.max",
                "Longest time a borrow waited for a connection since Vitals first saw the pool", tags,
                PoolSnapshot::maxWaitTime);
        optionalPoolGauge(out, pool, "vitals.pool.usage",
                "Time a connection stayed lent out, quantile since Vitals first saw the pool",
                tags.and("quantile", "0.99"), PoolSnapshot::p99UsageTime);
        optionalPoolGauge(out, pool, "vitals.pool.usage.avg",
                "Mean time a connection stayed lent out since Vitals first saw the pool", tags,
                PoolSnapshot::avgUsageTime);
    }

    /** A pool duration, in seconds, present only while the sample has a value for it. */
    private static void optionalPoolGauge(List<Series> out, PoolSnapshot pool, String name, String help, Tags tags,
            Function<PoolSnapshot, Double> field) {
        if (field.apply(pool) != null) {
            String poolName = pool.poolName();
            out.add(gauge(name, SECONDS, help, tags, l -> pool(l, poolName, p -> orNaN(field.apply(p)))));
        }
    }

    private static void cacheSeries(List<Series> out, CacheSnapshot cache) {
        String name = cache.name();
        Tags tags = Tags.of("cache", name);
        // Without statistics the counts are zeros that mean nothing: leave them out rather than say 0.
        if (!"none".equals(cache.statsSource())) {
            String requests = "Cache lookups by result: hit (found a value) or miss (did not; for a loading"
                    + " lookup, ran the loader)";
            out.add(counter("vitals.cache.requests", null, requests, tags.and("result", "hit"),
                    l -> cache(l, name, c -> c.hits())));
            out.add(counter("vitals.cache.requests", null, requests, tags.and("result", "miss"),
                    l -> cache(l, name, c -> c.misses())));
            String loads = "Cache loads by result: success (returned a value) or failure (threw or returned null)";
            out.add(counter("vitals.cache.load", null, loads, tags.and("result", "success"),
                    l -> cache(l, name, c -> c.loadSuccess())));
            out.add(counter("vitals.cache.load", null, loads, tags.and("result", "failure"),
                    l -> cache(l, name, c -> c.loadFailure())));
            out.add(counter("vitals.cache.evictions", null,
                    "Entries evicted for size, weight or expiry (not explicit removals)", tags,
                    l -> cache(l, name, c -> c.evictions())));
            out.add(counter("vitals.cache.eviction.weight", null,
                    "Summed weight of the evicted entries (1 each without a weigher)", tags,
                    l -> cache(l, name, c -> c.evictionWeight())));
        }
        out.add(gauge("vitals.cache.size", null, "Estimated number of entries in the cache", tags,
                l -> cache(l, name, c -> c.size())));
        if (cache.maxSize() != null) {
            out.add(gauge("vitals.cache.max.size", null,
                    "The cache's eviction maximum: entries, or total weight for a weighted cache", tags,
                    l -> cache(l, name, c -> orNaN(c.maxSize()))));
        }
        if (cache.avgLoadTime() != null) {
            out.add(gauge("vitals.cache.load.avg", SECONDS, "Mean time of a cache load, successful or not", tags,
                    l -> cache(l, name, c -> orNaN(c.avgLoadTime()))));
        }
        if (cache.hitRate() != null) {
            out.add(gauge("vitals.cache.hit.ratio", null, "Share of cache lookups that were hits, 0-1", tags,
                    l -> cache(l, name, c -> orNaN(c.hitRate()))));
        }
    }

    private static void sqlSeries(List<Series> out, Latest latest) {
        Tags none = Tags.empty();
        out.add(counter("vitals.sql.calls", null, "JDBC statement executions, all data sources", none,
                l -> l.sql().calls()));
        out.add(counter("vitals.sql.errors", null, "JDBC statement executions that threw, all data sources", none,
                l -> l.sql().errors()));
        out.add(counter("vitals.sql.seconds", SECONDS, "Time spent in JDBC statement executions, all data sources",
                none, l -> l.sql().totalSeconds()));
        out.add(counter("vitals.sql.slow.queries", null,
                "JDBC statement executions at or over sql.slow_threshold", none, l -> l.sql().slowQueries()));
        out.add(gauge("vitals.sql.statements", null,
                "Distinct statements tracked (normalized SQL per data source, with the other/unknown buckets)",
                none, l -> l.sql().statements()));
        for (StatementKey key : latest.statements().keySet()) {
            Tags tags = Tags.of("data_source", key.dataSource(), "statement", key.statement());
            out.add(counter("vitals.sql.statement.calls", null,
                    "Executions of one of the statements with the most total time", tags,
                    l -> statement(l, key, StatementSums::calls)));
            out.add(counter("vitals.sql.statement.errors", null,
                    "Failed executions of one of the statements with the most total time", tags,
                    l -> statement(l, key, StatementSums::errors)));
            out.add(counter("vitals.sql.statement.seconds", SECONDS,
                    "Time spent executing one of the statements with the most total time", tags,
                    l -> statement(l, key, StatementSums::seconds)));
        }
    }

    private static Series gauge(String name, String baseUnit, String help, Tags tags, ToDoubleFunction<Latest> value) {
        return new Series(name, Meter.Type.GAUGE, baseUnit, help, tags, value);
    }

    private static Series counter(String name, String baseUnit, String help, Tags tags,
            ToDoubleFunction<Latest> value) {
        return new Series(name, Meter.Type.COUNTER, baseUnit, help, tags, value);
    }

    // A series exists only while the latest sample has what it reads (accept keeps the two in step
    // under the lock), so the NaN fallbacks below are never scraped; they keep a slip from throwing.

    private static double pool(Latest latest, String name, ToDoubleFunction<PoolSnapshot> field) {
        PoolSnapshot pool = latest == null ? null : latest.pools().get(name);
        return pool == null ? Double.NaN : field.applyAsDouble(pool);
    }

    private static double cache(Latest latest, String name, ToDoubleFunction<CacheSnapshot> field) {
        CacheSnapshot cache = latest == null ? null : latest.caches().get(name);
        return cache == null ? Double.NaN : field.applyAsDouble(cache);
    }

    private static double statement(Latest latest, StatementKey key, ToDoubleFunction<StatementSums> field) {
        StatementSums sums = latest == null ? null : latest.statements().get(key);
        return sums == null ? Double.NaN : field.applyAsDouble(sums);
    }

    private static double orNaN(Number value) {
        return value == null ? Double.NaN : value.doubleValue();
    }

    /** One series: a meter's name, kind, unit, help text and tags, and how it reads the latest sample. */
    private record Series(String name, Meter.Type type, String baseUnit, String help, Tags tags,
            ToDoubleFunction<Latest> value) {

        Key key() {
            return new Key(name, tags);
        }
    }

    /**
     * What makes a series unique (before the common {@code app} tag, which all share).
     *
     * <p>A class, not a record: on Java 17 a record's generated {@code hashCode} adapts a JDK-wide
     * method handle to each component type and keeps the last adaptation in a JDK static, so a
     * {@code Tags} component would pin the agent's class loader after a detach.
     */
    private static final class Key {

        private final String name;
        private final Tags tags;

        Key(String name, Tags tags) {
            this.name = name;
            this.tags = tags;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && name.equals(key.name) && tags.equals(key.tags);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + tags.hashCode();
        }
    }

    /** The labels of one per-statement series (a record is safe here: its components are JDK types). */
    private record StatementKey(String dataSource, String statement) {
    }

    /** One statement's totals; statements whose labels are equal once cut are added together. */
    private record StatementSums(long calls, long errors, double seconds) {

        StatementSums plus(StatementSums other) {
            return new StatementSums(calls + other.calls, errors + other.errors, seconds + other.seconds);
        }
    }

    /**
     * The latest sample, indexed the way the meters look it up. Pools share a name only when the
     * application gave two pools one name; the first is exported (a label set must be unique).
     */
    private record Latest(Sample sample, SqlTotals sql, Map<String, PoolSnapshot> pools,
            Map<String, CacheSnapshot> caches, Map<StatementKey, StatementSums> statements) {

        static Latest of(Sample sample) {
            Map<String, PoolSnapshot> pools = new LinkedHashMap<>();
            sample.pools().forEach(pool -> pools.putIfAbsent(pool.poolName(), pool));
            Map<String, CacheSnapshot> caches = new LinkedHashMap<>();
            sample.caches().forEach(cache -> caches.putIfAbsent(cache.name(), cache));
            SqlTotals sql = sample.sql() == null ? SqlTotals.NONE : sample.sql();
            Map<StatementKey, StatementSums> statements = new LinkedHashMap<>();
            for (SqlTotals.StatementTotals top : sql.top()) {
                StatementKey key = new StatementKey(String.valueOf(top.dataSource()),
                        statementLabel(String.valueOf(top.sql())));
                statements.merge(key,
                        new StatementSums(top.calls(), top.errors(), top.totalSeconds()), StatementSums::plus);
            }
            return new Latest(sample, sql, pools, caches, statements);
        }
    }
}
