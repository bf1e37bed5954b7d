package dev.vitals.agent.caffeine;

import dev.vitals.agent.bridge.CacheListener;
import dev.vitals.agent.caffeine.inject.VitalsCacheReader;
import dev.vitals.agent.instrument.HelperInjector;
import dev.vitals.agent.logging.AgentLog;
import dev.vitals.agent.snapshot.CacheSnapshot;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Receives everything Caffeine advice reports through the bridge and answers with cache
 * snapshots.
 *
 * <p>Statistics, cheapest correct source first:
 * <ul>
 *   <li>the application enabled {@code recordStats()}: Caffeine's own statistics, read through
 *       {@code cache.stats()} — nothing is counted twice;</li>
 *   <li>it did not: at build, Vitals puts a {@code StatsCounter} of its own in the builder's empty
 *       statistics slot. Caffeine then counts exactly as it would for {@code recordStats()}, and
 *       the counter's {@code snapshot()} answers {@code CacheStats.empty()}, so {@code cache.stats()}
 *       shows the application what it saw before. What does change for the application:
 *       {@code policy().isRecordingStats()} is true, and a library that asks it (Micrometer's
 *       {@code CaffeineCacheMetrics}) registers its statistics meters, which read zero, instead
 *       of warning that the cache records none. Cost: see Overhead;</li>
 *   <li>a cache built before the agent, without statistics: its {@code getIfPresent} and
 *       {@code computeIfAbsent} are counted by the lookup advice from the first lookup Vitals
 *       sees, with Caffeine's definitions; bulk lookups ({@code getAll}, {@code getAllPresent})
 *       and evictions are not counted for it.</li>
 * </ul>
 *
 * <p>Concurrency: {@link #lookedUp}, {@link #computing} and {@link #loading} run on application
 * threads on every lookup (only when caches from before the agent may exist): one lock-free
 * identity lookup ({@link SeenCaches}) and, for a cache counted by advice, one adder update; the
 * first lookup of a cache found after an attach takes this object's lock once. Registration
 * (builds, framework names) takes the lock; builds are rare. Snapshots run on agent threads.
 *
 * <p>Accuracy: exact from registration — for caches built after the agent started, their whole
 * life; for caches found after an attach with statistics of their own, their whole life too
 * (Caffeine kept them); for the others, from first sight ({@code since_attach}).
 *
 * <p>Overhead on a cache hit (measured single-threaded on {@code getIfPresent} hits, Caffeine
 * 3.3.1, Java 17, a 2-core machine; a hit costs about 3.6 ns without Vitals): with the
 * application's statistics, none; with Vitals' counter, one {@code LongAdder} increment, about
 * 4 ns — exactly what {@code recordStats()} itself costs — and two clock reads per load. With the
 * lookup advice (only when Caffeine was loaded before the agent): about 1 ns more per lookup for
 * caches built after the attach (a volatile read, an interface call, an identity-table probe), and
 * 12–20 ns for caches from before the attach counted by the advice.
 */
public final class CacheRecorder implements CacheListener {

    /** Caches tracked at once; later ones are logged and not reported (their lookups stay fast). */
    static final int MAX_CACHES = 2048;

    static final String COUNTER = "dev.vitals.agent.caffeine.inject.VitalsStatsCounter";
    static final String SUPPLIER = "dev.vitals.agent.caffeine.inject.VitalsStatsSupplier";
    static final String READER = "dev.vitals.agent.caffeine.inject.VitalsCacheReader";

    private static final double NANOS_PER_SECOND = 1e9;

    /** Stands for the caches beyond {@link #MAX_CACHES}: known, not reported, not counted. */
    private final CacheRecord ignored;

    private final HelperInjector injector;
    private final LocalCacheAccess access;
    private final Map<String, String> overrides;
    private final Clock clock;
    private final boolean discoverExisting;
    private final SeenCaches seen = new SeenCaches();
    /** The counter our supplier made for the cache being built on this thread, until the build returns. */
    private final ThreadLocal<Object> pendingCounter = new ThreadLocal<>();
    // Guarded by this; oldest first. Scanned by identity: Caffeine's caches are Maps, with Map equality.
    private final List<CacheRecord> records = new ArrayList<>();
    private int nextId;
    private volatile String lastProblem;

    /**
     * @param opener opens a named module's package to the agent, for {@link LocalCacheAccess}
     * @param overrides the parsed {@code caches.names}
     * @param discoverExisting whether lookup advice is installed (caches from before the agent may exist)
     */
    public CacheRecorder(HelperInjector injector, Consumer<Class<?>> opener, Map<String, String> overrides, Clock clock,
            boolean discoverExisting) {
        this.injector = injector;
        this.access = new LocalCacheAccess(opener);
        this.overrides = Map.copyOf(overrides);
        this.clock = clock;
        this.discoverExisting = discoverExisting;
        this.ignored = new CacheRecord(-1, null, null, clock.instant(), false, CacheSite.UNKNOWN,
                CacheRecord.Source.NONE, null, null, false);
    }

    /**
     * Opens the package of a class in a named module (Caffeine on the module path) to the agent,
     * for {@link LocalCacheAccess}; the application gains nothing. Classes on the class path are
     * in unnamed modules, open already.
     */
    public static Consumer<Class<?>> packageOpener(Instrumentation inst) {
        Module agent = CacheRecorder.class.getModule();
        return type -> {
            Module module = type.getModule();
            String pkg = type.getPackageName();
            if (module.isNamed() && !module.isOpen(pkg, agent)) {
                inst.redefineModule(module, Set.of(), Map.of(), Map.of(pkg, Set.of(agent)), Set.of(), Map.of());
            }
        };
    }

    // ---- the hot path: application threads, every lookup ----

    @Override
    public void lookedUp(Object localCache, boolean recordStats, boolean hit) {
        CacheRecord record = seen.get(localCache);
        if (record == null) {
            record = find(localCache);
        }
        CacheRecord.Observed observed = record.observed;
        if (observed != null && (recordStats || hit && observed.unflaggedHits)) {
            (hit ? observed.lookupHits : observed.lookupMisses).increment();
        }
    }

    @Override
    public void computing(Object localCache, boolean recordStats) {
        CacheRecord record = seen.get(localCache);
        if (record == null) {
            record = find(localCache);
        }
        CacheRecord.Observed observed = record.observed;
        if (observed != null && recordStats) {
            observed.computeRequests.increment();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object loading(Object localCache, Object mappingFunction, boolean recordLoad) {
        CacheRecord record = seen.get(localCache);
        CacheRecord.Observed observed = record == null ? null : record.observed;
        if (observed == null || !(mappingFunction instanceof Function)) {
            return mappingFunction;
        }
        return new CountingLoader(observed, (Function<Object, Object>) mappingFunction, recordLoad);
    }

    /** The slow path of a lookup: a cache not in the identity table, found or discovered. */
    private synchronized CacheRecord find(Object localCache) {
        for (CacheRecord record : records) {
            if (record.local.get() == localCache) {
                remember(localCache, record);
                return record;
            }
        }
        try {
            return discover(localCache);
        } catch (Throwable t) {
            problem("cannot inspect a Caffeine cache found in use (" + t + "); it is not reported");
            remember(localCache, ignored);
            return ignored;
        }
    }

    /** A cache built before the agent (or while it could not see the build): registered on first use. */
    private CacheRecord discover(Object localCache) throws ReflectiveOperationException {
        if (!hasRoom()) {
            remember(localCache, ignored);
            return ignored;
        }
        CacheRecord.Source source = CacheRecord.Source.OBSERVED;
        CacheListener.Counts counts = null;
        if (access.isRecordingStats(localCache)) {
            Object counter = access.statsCounter(localCache);
            // A counter of ours: the cache was built while an earlier Vitals was attached.
            counts = counter instanceof CacheListener.Counts ? (CacheListener.Counts) counter : null;
            source = counts != null ? CacheRecord.Source.VITALS : CacheRecord.Source.APPLICATION;
        }
        CacheRecord record = new CacheRecord(nextId++, null, localCache, clock.instant(), true, CacheSite.used(),
                source, counts, null, access.isAsync(localCache));
        records.add(record);
        remember(localCache, record);
        return record;
    }

    private void remember(Object localCache, CacheRecord record) {
        if (!seen.put(localCache, record)) {
            problem("the identity table of Caffeine caches is crowded; lookups of some caches take a slower path");
        }
    }

    // ---- building: once per cache, on the thread that builds it ----

    @Override
    public Object statsSupplier(Object builder) {
        // A counter left by a build that never returned (it threw before our exit advice) is stale.
        pendingCounter.remove();
        try {
            ClassLoader loader = builder.getClass().getClassLoader();
            injector.inject(loader, COUNTER);
            return injector.inject(loader, SUPPLIER).getConstructor().newInstance();
        } catch (Throwable t) {
            problem("cannot give Caffeine caches a statistics counter (" + t
                    + "); caches built without recordStats() are reported without counts");
            return null;
        }
    }

    @Override
    public boolean isStatsSupplier(Object supplier) {
        return supplier.getClass().getName().equals(SUPPLIER);
    }

    @Override
    public void statsCounterCreated(Object counter) {
        pendingCounter.set(counter);
    }

    @Override
    public void built(Object builder, Object cache) {
        Object counter = pendingCounter.get();
        if (counter != null) {
            pendingCounter.remove();
        }
        if (cache == null) {
            return;
        }
        try {
            register(cache, counter, CacheSite.built());
        } catch (Throwable t) {
            problem("cannot track a Caffeine cache (" + t + "); it is not reported");
        }
    }

    private synchronized void register(Object cache, Object counter, CacheSite site) {
        for (CacheRecord record : records) {
            if (record.cache.get() == cache) {
                return; // a nested build method (buildAsync(CacheLoader) calls buildAsync(AsyncCacheLoader))
            }
        }
        Object local = null;
        try {
            local = access.localOf(cache);
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem("cannot reach the internal cache of " + cache.getClass().getName() + " (" + e
                    + "); caches built before an attach may be reported twice");
        }
        if (!hasRoom()) {
            if (local != null) {
                remember(local, ignored);
            }
            return;
        }
        Method reader = null;
        try {
            reader = injector.inject(cache.getClass().getClassLoader(), READER).getMethod("read", Object.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem("cannot read Caffeine caches' policy (" + e + "); their sizes and limits are not reported");
        }
        CacheRecord.Source source;
        CacheListener.Counts counts = null;
        if (counter instanceof CacheListener.Counts) {
            source = CacheRecord.Source.VITALS;
            counts = (CacheListener.Counts) counter;
        } else if (reader != null && read(reader, cache)[VitalsCacheReader.RECORDING_STATS] == 1) {
            source = CacheRecord.Source.APPLICATION;
        } else {
            source = discoverExisting && local != null ? CacheRecord.Source.OBSERVED : CacheRecord.Source.NONE;
        }
        CacheRecord record = new CacheRecord(nextId++, cache, local, clock.instant(), false, site, source, counts,
                reader, local != null && access.isAsync(local));
        records.add(record);
        if (local != null) {
            remember(local, record);
        }
    }

    /** Whether another cache may be tracked; forgets collected ones first. */
    private boolean hasRoom() {
        records.removeIf(CacheRecord::collected);
        if (records.size() < MAX_CACHES) {
            return true;
        }
        problem("more than " + MAX_CACHES + " Caffeine caches; further caches are not reported");
        return false;
    }

    @Override
    public void named(Object cache, String name, String framework) {
        if (cache == null || name == null) {
            return;
        }
        synchronized (this) {
            for (CacheRecord record : records) {
                if (record.cache.get() == cache) {
                    record.frameworkName = name;
                    record.framework = framework;
                    return;
                }
            }
        }
    }

    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            AgentLog.warn(message);
        }
        lastProblem = message;
    }

    /** The last problem met, for the health report; null if none. */
    public String lastProblem() {
        return lastProblem;
    }

    // ---- snapshots: agent threads ----

    /** Every cache still alive, oldest first, with unique names. */
    public List<CacheSnapshot> snapshot() {
        List<CacheRecord> live;
        synchronized (this) {
            records.removeIf(CacheRecord::collected);
            live = new ArrayList<>(records);
        }
        List<long[]> values = new ArrayList<>();
        List<CacheRecord> readable = new ArrayList<>();
        List<CacheNames.Claim> claims = new ArrayList<>();
        for (CacheRecord record : live) {
            long[] read = read(record);
            if (read == null) {
                continue;
            }
            CacheSite.Resolved site = record.site.resolve();
            String base = CacheNames.baseName(record.frameworkName, site == null ? null : site.display(),
                    site == null ? List.of() : site.keys(), overrides);
            readable.add(record);
            values.add(read);
            claims.add(new CacheNames.Claim(base, record.shownName));
        }
        List<String> names;
        synchronized (this) {
            names = CacheNames.unique(claims);
            for (int i = 0; i < readable.size(); i++) {
                readable.get(i).shownName = names.get(i);
            }
        }
        List<CacheSnapshot> result = new ArrayList<>();
        for (int i = 0; i < readable.size(); i++) {
            result.add(snapshot(readable.get(i), names.get(i), values.get(i)));
        }
        return result;
    }

    /** Size, policy and statistics in {@link VitalsCacheReader}'s layout, or null when the cache is gone or unreadable. */
    private long[] read(CacheRecord record) {
        Object cache = record.cache.get();
        Object local = record.local.get();
        try {
            long[] values;
            if (cache != null && record.reader != null) {
                values = read(record.reader, cache);
            } else if (local != null) {
                values = access.read(local);
            } else {
                return null;
            }
            if (record.counts != null) {
                LocalCacheAccess.copy(record.counts, values);
            }
            CacheRecord.Observed observed = record.observed;
            if (observed != null) {
                long requests = observed.computeRequests.sum();
                long computeMisses = observed.computeMisses.sum();
                values[VitalsCacheReader.HITS] = observed.lookupHits.sum() + Math.max(0, requests - computeMisses);
                values[VitalsCacheReader.MISSES] = observed.lookupMisses.sum() + computeMisses;
                values[VitalsCacheReader.LOAD_SUCCESSES] = observed.loadSuccesses.sum();
                values[VitalsCacheReader.LOAD_FAILURES] = observed.loadFailures.sum();
                values[VitalsCacheReader.LOAD_NANOS] = observed.loadNanos.sum();
                values[VitalsCacheReader.EVICTIONS] = 0;
                values[VitalsCacheReader.EVICTION_WEIGHT] = 0;
            } else if (record.source == CacheRecord.Source.NONE) {
                for (int i = VitalsCacheReader.HITS; i < VitalsCacheReader.LENGTH; i++) {
                    values[i] = 0;
                }
            }
            return values;
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem("cannot read Caffeine cache " + label(record) + ": " + e);
            return null;
        }
    }

    /** The record's name for a log line: as last shown, else its site. */
    private static String label(CacheRecord record) {
        if (record.shownName != null) {
            return record.shownName;
        }
        CacheSite.Resolved site = record.site.resolve();
        return site != null ? site.display() : "#" + record.id;
    }

    private static long[] read(Method reader, Object cache) {
        try {
            return (long[]) reader.invoke(null, cache);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("reading " + cache.getClass().getName() + " failed: "
                    + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    private CacheSnapshot snapshot(CacheRecord record, String name, long[] v) {
        Object local = record.local.get();
        boolean bounded = local != null ? LocalCacheAccess.isBounded(local)
                : v[VitalsCacheReader.MAXIMUM] >= 0 || v[VitalsCacheReader.EXPIRE_AFTER_WRITE_NANOS] >= 0
                        || v[VitalsCacheReader.EXPIRE_AFTER_ACCESS_NANOS] >= 0;
        String kind = (bounded ? "bounded" : "unbounded")
                + (v[VitalsCacheReader.ASYNC] == 1 ? " async" : "")
                + (v[VitalsCacheReader.LOADING] == 1 ? " loading" : "");
        long hits = v[VitalsCacheReader.HITS];
        long misses = v[VitalsCacheReader.MISSES];
        long requests = hits + misses;
        long loads = v[VitalsCacheReader.LOAD_SUCCESSES] + v[VitalsCacheReader.LOAD_FAILURES];
        CacheSite.Resolved site = record.site.resolve();
        return new CacheSnapshot(
                name,
                kind,
                record.source.apiName,
                hits,
                misses,
                requests,
                requests == 0 ? null : (double) hits / requests,
                v[VitalsCacheReader.LOAD_SUCCESSES],
                v[VitalsCacheReader.LOAD_FAILURES],
                loads == 0 ? null : v[VitalsCacheReader.LOAD_NANOS] / (double) loads / NANOS_PER_SECOND,
                v[VitalsCacheReader.EVICTIONS],
                v[VitalsCacheReader.EVICTION_WEIGHT],
                v[VitalsCacheReader.SIZE],
                v[VitalsCacheReader.MAXIMUM] < 0 ? null : v[VitalsCacheReader.MAXIMUM],
                v[VitalsCacheReader.WEIGHTED] == 1,
                seconds(v[VitalsCacheReader.EXPIRE_AFTER_WRITE_NANOS]),
                seconds(v[VitalsCacheReader.EXPIRE_AFTER_ACCESS_NANOS]),
                record.frameworkName != null ? record.framework : null,
                site == null ? null : site.display(),
                record.firstSeen.toString(),
                record.sinceAttach);
    }

    private static Double seconds(long nanos) {
        return nanos < 0 ? null : nanos / NANOS_PER_SECOND;
    }
}
