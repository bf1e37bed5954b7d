package dev.vitals.it.cacheapp;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.RemovalListener;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The caches, one per kind the agent must handle, built in field initializers (so each is named
 * after its field), and a deterministic workload over them. Every cache runs its maintenance on
 * the calling thread ({@code executor(Runnable::run)}), so evictions are done and counted by the
 * time a command returns.
 */
final class Shop {

    final Counts recordedCounts = new Counts();
    final Counts plainCounts = new Counts();
    final Counts loadingCounts = new Counts();
    final Counts asyncCounts = new Counts();
    final Counts twinCounts = new Counts();
    final Counts reusedCounts = new Counts();

    /** Statistics enabled by the application: Vitals must read them, not count its own. */
    final Cache<Integer, String> recorded = Caffeine.newBuilder()
            .maximumSize(50)
            .recordStats()
            .executor(Runnable::run)
            .removalListener(evictions(recordedCounts))
            .build();

    /** Unbounded, no statistics; looked up with getIfPresent and with get(key, function). */
    final Cache<Integer, String> plain = Caffeine.newBuilder()
            .executor(Runnable::run)
            .build();

    /** A loading cache without statistics whose loader fails for some keys (null or an exception). */
    final LoadingCache<Integer, String> loading;

    /** An asynchronous loading cache without statistics (loads run on the calling thread). */
    final AsyncLoadingCache<Integer, String> async;

    /** Two caches that caches.names gives one name in the tests: they must come out unique. */
    final Cache<Integer, String> twinA = Caffeine.newBuilder().maximumSize(10).executor(Runnable::run).build();
    final Cache<Integer, String> twinB = Caffeine.newBuilder().maximumSize(10).executor(Runnable::run).build();

    /** A cache no field holds: named by its line. */
    final Map<String, Cache<Integer, String>> registry = new LinkedHashMap<>();

    /**
     * Two caches from one builder, which enables statistics between the two builds (legal in
     * Caffeine): the first has none, the second the application's.
     */
    final Cache<Integer, String> reusedFirst;
    final Cache<Integer, String> reusedSecond;

    /** Set to null by the drop command: the cache must then be collectable. */
    Cache<Integer, String> droppable = Caffeine.newBuilder().maximumSize(5).build();

    private final Random random = new Random(42);
    private int loadsOnThisThread;

    Shop() {
        CacheLoader<Integer, String> loader = this::load;
        loading = Caffeine.newBuilder()
                .maximumSize(20)
                .expireAfterAccess(5, TimeUnit.MINUTES)
                .executor(Runnable::run)
                .removalListener(evictions(loadingCounts))
                .build(loader);
        CacheLoader<Integer, String> asyncLoader = key -> {
            loadsOnThisThread++;
            asyncCounts.load(false);
            return "v" + key;
        };
        async = Caffeine.newBuilder()
                .maximumSize(30)
                .executor(Runnable::run)
                .removalListener(evictions(asyncCounts))
                .buildAsync(asyncLoader);
        registry.put("line-named", Caffeine.newBuilder().maximumSize(7).build());
        Caffeine<Object, Object> reused = Caffeine.newBuilder();
        reusedFirst = reused.build();
        reused.recordStats();
        reusedSecond = reused.build();
    }

    private static <K, V> RemovalListener<K, V> evictions(Counts counts) {
        return (key, value, cause) -> {
            if (cause.wasEvicted()) {
                counts.evictions++;
            }
        };
    }

    private String load(Integer key) {
        loadsOnThisThread++;
        boolean failed = true;
        try {
            if (key % 11 == 0) {
                throw new IllegalStateException("no value for " + key);
            }
            String value = key % 7 == 0 ? null : "v" + key;
            failed = value == null;
            return value;
        } finally {
            loadingCounts.load(failed);
        }
    }

    /** {@code rounds} lookups on each cache, with keys from a fixed seed. */
    void run(int rounds) {
        for (int i = 0; i < rounds; i++) {
            int key = random.nextInt(200);
            String value = recorded.getIfPresent(key);
            recordedCounts.lookup(value != null);
            if (value == null) {
                recorded.put(key, "v" + key);
            }

            int plainKey = random.nextInt(100);
            if (i % 2 == 0) {
                String found = plain.getIfPresent(plainKey);
                plainCounts.lookup(found != null);
                if (found == null) {
                    plain.put(plainKey, "v" + plainKey);
                }
            } else {
                boolean[] ran = new boolean[1];
                plain.get(plainKey, k -> {
                    ran[0] = true;
                    plainCounts.load(false);
                    return "v" + k;
                });
                plainCounts.lookup(!ran[0]);
            }

            int before = loadsOnThisThread;
            try {
                loading.get(random.nextInt(60));
            } catch (IllegalStateException | CompletionException expected) {
                // The loader's failure: counted by the loader.
            }
            loadingCounts.lookup(loadsOnThisThread == before);

            before = loadsOnThisThread;
            async.get(random.nextInt(90)).join();
            asyncCounts.lookup(loadsOnThisThread == before);

            Cache<Integer, String> twin = i % 2 == 0 ? twinA : twinB;
            int twinKey = random.nextInt(20);
            String twinValue = twin.getIfPresent(twinKey);
            twinCounts.lookup(twinValue != null);
            if (twinValue == null) {
                twin.put(twinKey, "v");
            }

            registry.get("line-named").getIfPresent(key);
            String reusedValue = reusedSecond.getIfPresent(key);
            reusedCounts.lookup(reusedValue != null);
            if (reusedValue == null && key % 2 == 0) {
                reusedSecond.put(key, "v");
            }
            Cache<Integer, String> drop = droppable;
            if (drop != null) {
                drop.put(key % 10, "v");
            }
        }
        recorded.cleanUp();
        loading.cleanUp();
        async.synchronous().cleanUp();
    }

    /** The counts of every cache as JSON members. */
    String json() {
        return "\"recorded\":" + recordedCounts.json(recorded.stats(), recorded.policy().isRecordingStats())
                + ",\"plain\":" + plainCounts.json(plain.stats(), plain.policy().isRecordingStats())
                + ",\"loading\":" + loadingCounts.json(loading.stats(), loading.policy().isRecordingStats())
                + ",\"async\":" + asyncCounts.json(async.synchronous().stats(),
                        async.synchronous().policy().isRecordingStats())
                + ",\"twins\":" + twinCounts.json(twinA.stats().plus(twinB.stats()), twinA.policy().isRecordingStats())
                + ",\"reused\":" + reusedCounts.json(reusedSecond.stats(), reusedSecond.policy().isRecordingStats())
                + ",\"reused_first_stats_empty\":" + reusedFirst.stats().equals(
                        com.github.benmanes.caffeine.cache.stats.CacheStats.empty());
    }
}
