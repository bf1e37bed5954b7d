package dev.vitals.agent.hikari;

import dev.vitals.agent.bridge.PoolListener;
import dev.vitals.agent.histogram.LatencyHistogram;
import dev.vitals.agent.instrument.HelperInjector;
import dev.vitals.agent.jdbc.JdbcUrls;
import dev.vitals.agent.logging.AgentLog;
import dev.vitals.agent.snapshot.PoolSnapshot;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Receives everything HikariCP reports through the bridge and answers with pool snapshots.
 *
 * <p>Concurrency: the {@code record*} methods run on application threads inside HikariCP's
 * borrow and release paths: an array read and a lock-free update, no allocation, no locks.
 * Registering a pool (once per pool, while HikariCP builds it or on its first borrow after an
 * attach) takes this object's lock. Snapshots are taken on agent threads.
 *
 * <p>Accuracy: counts are exact from the moment a pool is registered — at construction for
 * pools created after the agent, at the first borrow after the agent for older ones (marked
 * {@code since_attach}). Times are HikariCP's own: acquire in nanoseconds, usage and creation in
 * milliseconds.
 *
 * <p>Overhead: one volatile read, one interface call and one histogram update per borrow and
 * per release; plus one identity check per borrow (see {@link SeenPools}).
 */
public final class HikariRecorder implements PoolListener {

    /** Pools tracked per JVM; later ones are reported in the log and not measured. */
    static final int MAX_POOLS = 1024;

    static final String FACTORY = "dev.vitals.agent.hikari.inject.VitalsTrackerFactory";
    static final String TRACKER = "dev.vitals.agent.hikari.inject.VitalsTracker";
    private static final String FACTORY_TYPE = "com.zaxxer.hikari.metrics.MetricsTrackerFactory";
    private static final String TRACKER_TYPE = "com.zaxxer.hikari.metrics.IMetricsTracker";
    private static final double NANOS_PER_SECOND = 1e9;

    private final HelperInjector injector;
    private final Clock clock;
    private final AtomicReferenceArray<PoolRecord> byId = new AtomicReferenceArray<>(MAX_POOLS);
    private final SeenPools seen = new SeenPools();
    // Guarded by this. Identity semantics: HikariPool does not override equals/hashCode.
    private final Map<Object, PoolRecord> records = new WeakHashMap<>();
    private int nextId;
    private volatile String lastProblem;

    public HikariRecorder(HelperInjector injector, Clock clock) {
        this.injector = injector;
        this.clock = clock;
    }

    // ---- the hot path: application threads ----

    @Override
    public void recordAcquired(int poolId, long nanos) {
        PoolRecord record = record(poolId);
        if (record != null) {
            record.acquireNanos.record(nanos);
        }
    }

    @Override
    public void recordTimeout(int poolId) {
        PoolRecord record = record(poolId);
        if (record != null) {
            record.timeouts.increment();
        }
    }

    @Override
    public void recordUsage(int poolId, long millis) {
        PoolRecord record = record(poolId);
        if (record != null && millis < record.implausibleUsageMillis) {
            record.usageNanos.record(millis * 1_000_000L);
        }
    }

    @Override
    public void recordCreated(int poolId, long millis) {
        PoolRecord record = record(poolId);
        if (record != null) {
            record.created.increment();
        }
    }

    @Override
    public void borrowing(Object pool) {
        if (!seen.contains(pool)) {
            discover(pool);
        }
    }

    private PoolRecord record(int poolId) {
        return poolId >= 0 && poolId < MAX_POOLS ? byId.get(poolId) : null;
    }

    // ---- registration: once per pool ----

    @Override
    public Object trackerFactory(Object pool, Object applicationFactory) {
        if (applicationFactory != null && applicationFactory.getClass().getName().equals(FACTORY)) {
            return applicationFactory; // ours already (installed by discover)
        }
        try {
            PoolRecord record = register(pool, false);
            if (record == null) {
                return applicationFactory;
            }
            return newFactory(pool, record.id, applicationFactory, null);
        } catch (Throwable t) {
            problem("cannot track pool " + describe(pool) + ": " + t);
            return applicationFactory;
        }
    }

    @Override
    public void closed(Object pool) {
        PoolRecord record;
        synchronized (this) {
            record = records.get(pool);
        }
        if (record != null) {
            record.closed = true;
        }
    }

    /**
     * A pool that existed before us: register it and chain the tracker it already has. Other
     * threads borrowing meanwhile wait on this lock, and the pool is marked seen only once our
     * tracker is in, so no borrow slips through with the old tracker.
     */
    private synchronized void discover(Object pool) {
        if (records.containsKey(pool)) {
            seen.add(pool);
            return;
        }
        PoolRecord record = register(pool, true);
        if (record == null) {
            return;
        }
        try {
            Object existing = existingTracker(pool);
            // Connections lent before our tracker went in have no borrow time: HikariCP reports their
            // usage as the whole clock reading. Its clock is System.nanoTime() in milliseconds (or
            // the wall clock, which is larger still), so anything from here on up is not a usage.
            record.implausibleUsageMillis = System.nanoTime() / 1_000_000L;
            Object factory = newFactory(pool, record.id, null, existing);
            Class<?> factoryType = Class.forName(FACTORY_TYPE, false, pool.getClass().getClassLoader());
            pool.getClass().getMethod("setMetricsTrackerFactory", factoryType).invoke(pool, factory);
        } catch (Throwable t) {
            problem("found pool " + describe(pool) + " but cannot chain its metrics tracker (" + t
                    + "); it is reported without wait and usage times");
        } finally {
            seen.add(pool);
        }
    }

    /** Registers the pool; a pool HikariCP is building (not {@code sinceAttach}) is seen at once. */
    private synchronized PoolRecord register(Object pool, boolean sinceAttach) {
        PoolRecord record = records.get(pool);
        if (record == null) {
            if (nextId >= MAX_POOLS) {
                problem("more than " + MAX_POOLS + " HikariCP pools; pool " + describe(pool) + " is not measured");
                seen.add(pool);
                return null;
            }
            record = new PoolRecord(nextId++, pool, clock.instant(), sinceAttach);
            byId.set(record.id, record);
            records.put(pool, record);
        }
        if (!sinceAttach) {
            seen.add(pool);
        }
        return record;
    }

    private Object newFactory(Object pool, int poolId, Object applicationFactory, Object existingTracker)
            throws ReflectiveOperationException {
        ClassLoader loader = pool.getClass().getClassLoader();
        Class<?> factory = injector.inject(loader, TRACKER, FACTORY);
        return factory.getConstructor(int.class, Class.forName(FACTORY_TYPE, false, loader),
                Class.forName(TRACKER_TYPE, false, loader)).newInstance(poolId, applicationFactory, existingTracker);
    }

    /**
     * The application's tracker inside a running pool (HikariCP keeps it in a package-private
     * delegate), unwrapping one of ours left by an earlier attach; null when the pool has none.
     */
    private static Object existingTracker(Object pool) throws ReflectiveOperationException {
        Object delegate = field(pool, "metricsTracker");
        if (delegate == null || findField(delegate.getClass(), "tracker") == null) {
            return null; // HikariCP's no-op delegate: the application has no tracker
        }
        Object tracker = field(delegate, "tracker");
        if (tracker != null && tracker.getClass().getName().equals(TRACKER)) {
            tracker = tracker.getClass().getMethod("application").invoke(tracker);
        }
        return tracker;
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        Field field = findField(target.getClass(), name);
        if (field == null) {
            throw new NoSuchFieldException(target.getClass().getName() + "." + name);
        }
        field.setAccessible(true);
        return field.get(target);
    }

    private static Field findField(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // Look in the superclass.
            }
        }
        return null;
    }

    /**
     * A pool as messages name it: never its {@code toString}, which is the application's to define
     * and could carry anything (a URL with credentials, say).
     */
    private static String describe(Object pool) {
        return pool.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(pool));
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

    /** Every pool still alive, oldest first. */
    public List<PoolSnapshot> snapshot() {
        return read().stream().map(PoolReading::snapshot).toList();
    }

    /**
     * Every pool still alive, oldest first, with the histograms its snapshot was computed from:
     * the sampler subtracts consecutive readings to get what happened in between.
     */
    public List<PoolReading> read() {
        List<PoolRecord> live = new ArrayList<>();
        synchronized (this) {
            live.addAll(records.values());
        }
        live.sort((a, b) -> Integer.compare(a.id, b.id));
        List<PoolReading> result = new ArrayList<>();
        for (PoolRecord record : live) {
            Object pool = record.pool.get();
            if (pool != null) {
                try {
                    result.add(read(record, pool));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    problem("cannot read pool " + describe(pool) + ": " + e);
                }
            }
        }
        return result;
    }

    private PoolReading read(PoolRecord record, Object pool) throws ReflectiveOperationException {
        // PoolBase declares it public, but PoolBase itself is package-private.
        Object config = field(pool, "config");
        LatencyHistogram.Snapshot acquire = record.acquireNanos.snapshot();
        LatencyHistogram.Snapshot usage = record.usageNanos.snapshot();
        long timeouts = record.timeouts.sum();
        // HikariCP reports an acquire time for every attempt, including those that timed out.
        long attempts = Math.max(acquire.count(), timeouts);
        long borrows = attempts - timeouts;
        PoolSnapshot snapshot = new PoolSnapshot(
                (String) call(config, "getPoolName"),
                record.closed ? "closed" : "active",
                (Integer) call(pool, "getTotalConnections"),
                (Integer) call(config, "getMaximumPoolSize"),
                (Integer) call(config, "getMinimumIdle"),
                (Integer) call(pool, "getActiveConnections"),
                (Integer) call(pool, "getIdleConnections"),
                (Integer) call(pool, "getThreadsAwaitingConnection"),
                record.created.sum(),
                borrows,
                seconds(acquire, acquire.count() == 0 ? Double.NaN : acquire.meanNanos()),
                seconds(acquire, acquire.percentileNanos(50)),
                seconds(acquire, acquire.percentileNanos(95)),
                seconds(acquire, acquire.percentileNanos(99)),
                seconds(acquire, acquire.maxNanos()),
                seconds(usage, usage.count() == 0 ? Double.NaN : usage.meanNanos()),
                seconds(usage, usage.percentileNanos(99)),
                timeouts,
                attempts == 0 ? null : 1.0 - (double) timeouts / attempts,
                ((Long) call(config, "getConnectionTimeout")) / 1000.0,
                JdbcUrls.scrub((String) call(config, "getJdbcUrl")),
                record.firstSeen.toString(),
                record.sinceAttach);
        return new PoolReading(record.id, snapshot, acquire, usage);
    }

    private static Double seconds(LatencyHistogram.Snapshot histogram, double nanos) {
        return histogram.count() == 0 || Double.isNaN(nanos) ? null : nanos / NANOS_PER_SECOND;
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        Method m = target.getClass().getMethod(method);
        return m.invoke(target);
    }
}
