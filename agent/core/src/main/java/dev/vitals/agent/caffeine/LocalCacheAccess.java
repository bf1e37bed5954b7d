package dev.vitals.agent.caffeine;

import dev.vitals.agent.bridge.CacheListener;
import dev.vitals.agent.caffeine.inject.VitalsCacheReader;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * Reads Caffeine's internal cache objects ({@code BoundedLocalCache}, {@code UnboundedLocalCache})
 * by reflection, for what the public API cannot give: the internal cache behind a public one (the
 * identity lookups are keyed on), and size, policy and statistics of a cache found after an
 * attach, of which Vitals never saw the public object.
 *
 * <p>Relies on members present, with these names, in Caffeine 2.9 and 3.x: {@code cache()} of the
 * public caches; {@code estimatedSize()}, {@code isRecordingStats()}, {@code statsCounter()} of
 * every internal cache; {@code evicts()}, {@code maximum()}, {@code isWeighted()},
 * {@code expiresAfterWrite()}, {@code expiresAfterWriteNanos()}, {@code expiresAfterAccess()},
 * {@code expiresAfterAccessNanos()} of the bounded one; the {@code isAsync} field. A member
 * missing in some other version makes that one value unknown, not the whole read.
 *
 * <p>Called on agent threads, and once per cache on the thread that builds or first uses it.
 * Stateless apart from the package opener; thread-safe.
 */
final class LocalCacheAccess {

    private static final String STATS_COUNTER = "com.github.benmanes.caffeine.cache.stats.StatsCounter";

    private final Consumer<Class<?>> opener;

    /** @param opener opens the package of a class to the agent (a no-op for the class path) */
    LocalCacheAccess(Consumer<Class<?>> opener) {
        this.opener = opener;
    }

    /** The internal cache behind a public Caffeine cache (sync or async). */
    Object localOf(Object publicCache) throws ReflectiveOperationException {
        return call(publicCache, "cache");
    }

    /** Whether {@code localCache} is a bounded cache (size, weight or time limits). */
    static boolean isBounded(Object localCache) {
        for (Class<?> c = localCache.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(CaffeineInstrumentation.BOUNDED)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code localCache} holds the futures of an asynchronous cache; false when unknown. */
    boolean isAsync(Object localCache) {
        try {
            return Boolean.TRUE.equals(fieldOrNull(localCache, "isAsync"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** Whether Caffeine records statistics for {@code localCache}. */
    boolean isRecordingStats(Object localCache) throws ReflectiveOperationException {
        return (Boolean) call(localCache, "isRecordingStats");
    }

    /** The statistics counter Caffeine gave {@code localCache} (the application's, or ours from an earlier attach). */
    Object statsCounter(Object localCache) throws ReflectiveOperationException {
        return call(localCache, "statsCounter");
    }

    /**
     * Size and policy of {@code localCache}, and the statistics of its own counter when it records
     * them, in {@link VitalsCacheReader}'s layout; {@code LOADING} is unknown here and left 0.
     */
    long[] read(Object localCache) throws ReflectiveOperationException {
        long[] values = new long[VitalsCacheReader.LENGTH];
        values[VitalsCacheReader.SIZE] = (Long) call(localCache, "estimatedSize");
        values[VitalsCacheReader.MAXIMUM] = -1;
        values[VitalsCacheReader.EXPIRE_AFTER_WRITE_NANOS] = -1;
        values[VitalsCacheReader.EXPIRE_AFTER_ACCESS_NANOS] = -1;
        if (isBounded(localCache)) {
            if (Boolean.TRUE.equals(callOrNull(localCache, "evicts"))) {
                values[VitalsCacheReader.MAXIMUM] = orMinusOne(callOrNull(localCache, "maximum"));
                values[VitalsCacheReader.WEIGHTED] = Boolean.TRUE.equals(callOrNull(localCache, "isWeighted")) ? 1 : 0;
            }
            if (Boolean.TRUE.equals(callOrNull(localCache, "expiresAfterWrite"))) {
                values[VitalsCacheReader.EXPIRE_AFTER_WRITE_NANOS] = orMinusOne(callOrNull(localCache, "expiresAfterWriteNanos"));
            }
            if (Boolean.TRUE.equals(callOrNull(localCache, "expiresAfterAccess"))) {
                values[VitalsCacheReader.EXPIRE_AFTER_ACCESS_NANOS] = orMinusOne(callOrNull(localCache, "expiresAfterAccessNanos"));
            }
        }
        values[VitalsCacheReader.ASYNC] = isAsync(localCache) ? 1 : 0;
        boolean recording = isRecordingStats(localCache);
        values[VitalsCacheReader.RECORDING_STATS] = recording ? 1 : 0;
        if (recording) {
            Object counter = statsCounter(localCache);
            if (counter instanceof CacheListener.Counts) {
                copy((CacheListener.Counts) counter, values);
            } else {
                // Through the public interface: the counter's class may be package-private
                // (Caffeine's GuardedStatsCounter). CacheStats is a public class.
                Object stats = Class.forName(STATS_COUNTER, false, counter.getClass().getClassLoader())
                        .getMethod("snapshot").invoke(counter);
                values[VitalsCacheReader.HITS] = (Long) stats.getClass().getMethod("hitCount").invoke(stats);
                values[VitalsCacheReader.MISSES] = (Long) stats.getClass().getMethod("missCount").invoke(stats);
                values[VitalsCacheReader.LOAD_SUCCESSES] = (Long) stats.getClass().getMethod("loadSuccessCount").invoke(stats);
                values[VitalsCacheReader.LOAD_FAILURES] = (Long) stats.getClass().getMethod("loadFailureCount").invoke(stats);
                values[VitalsCacheReader.LOAD_NANOS] = (Long) stats.getClass().getMethod("totalLoadTime").invoke(stats);
                values[VitalsCacheReader.EVICTIONS] = (Long) stats.getClass().getMethod("evictionCount").invoke(stats);
                values[VitalsCacheReader.EVICTION_WEIGHT] = (Long) stats.getClass().getMethod("evictionWeight").invoke(stats);
            }
        }
        return values;
    }

    /** Copies a counter of ours into {@link VitalsCacheReader}'s layout. */
    static void copy(CacheListener.Counts counts, long[] values) {
        values[VitalsCacheReader.HITS] = counts.hitCount();
        values[VitalsCacheReader.MISSES] = counts.missCount();
        values[VitalsCacheReader.LOAD_SUCCESSES] = counts.loadSuccessCount();
        values[VitalsCacheReader.LOAD_FAILURES] = counts.loadFailureCount();
        values[VitalsCacheReader.LOAD_NANOS] = counts.totalLoadTime();
        values[VitalsCacheReader.EVICTIONS] = counts.evictionCount();
        values[VitalsCacheReader.EVICTION_WEIGHT] = counts.evictionWeight();
    }

    private static long orMinusOne(Object value) {
        return value instanceof Long ? (Long) value : -1;
    }

    private Object callOrNull(Object target, String name) throws ReflectiveOperationException {
        Method method = findMethod(target.getClass(), name);
        return method == null ? null : invoke(method, target);
    }

    private Object call(Object target, String name) throws ReflectiveOperationException {
        Method method = findMethod(target.getClass(), name);
        if (method == null) {
            throw new NoSuchMethodException(target.getClass().getName() + "." + name + "()");
        }
        return invoke(method, target);
    }

    private Object invoke(Method method, Object target) throws ReflectiveOperationException {
        opener.accept(method.getDeclaringClass());
        method.setAccessible(true);
        try {
            return method.invoke(target);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw e;
        }
    }

    private Object fieldOrNull(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                opener.accept(c);
                field.setAccessible(true);
                return field.get(target);
            } catch (NoSuchFieldException e) {
                // Look in the superclass.
            }
        }
        return null;
    }

    /** A method without parameters, declared by the class, a superclass or an interface (default methods). */
    static Method findMethod(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return c.getDeclaredMethod(name);
            } catch (NoSuchMethodException e) {
                // Look further up.
            }
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                Method method = findMethod(i, name);
                if (method != null) {
                    return method;
                }
            }
        }
        return null;
    }
}
