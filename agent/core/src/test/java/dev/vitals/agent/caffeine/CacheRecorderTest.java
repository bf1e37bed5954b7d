package dev.vitals.agent.caffeine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.vitals.agent.caffeine.inject.VitalsStatsCounter;
import dev.vitals.agent.snapshot.CacheSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The recorder against real Caffeine caches, with the advice's calls made by hand exactly where
 * Caffeine would make them (the forked-JVM tests cover the advice itself).
 */
class CacheRecorderTest {

    private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

    private final CacheRecorder recorder = new CacheRecorder(null, type -> { }, Map.of("twin", "pair"),
            Clock.fixed(NOW, ZoneOffset.UTC), true);
    private final LocalCacheAccess access = new LocalCacheAccess(type -> { });

    @Test
    void aCacheFoundInUseIsCountedWithCaffeinesDefinitionsFromFirstSight() throws Exception {
        Cache<Integer, String> cache = Caffeine.newBuilder().maximumSize(10).expireAfterWrite(java.time.Duration.ofSeconds(90))
                .build();
        Object local = access.localOf(cache);

        recorder.lookedUp(local, true, false);
        recorder.lookedUp(local, true, false);
        recorder.lookedUp(local, true, true);
        recorder.lookedUp(local, false, true); // a map-view read: Caffeine does not count it
        for (int i = 0; i < 4; i++) {
            recorder.computing(local, true);
        }
        apply(recorder.loading(local, (Function<Object, Object>) key -> "v", true));
        apply(recorder.loading(local, (Function<Object, Object>) key -> null, true));
        Function<Object, Object> failing = key -> {
            throw new IllegalStateException("down");
        };
        assertThatThrownBy(() -> apply(recorder.loading(local, failing, true))).hasMessage("down");
        cache.put(1, "a");

        CacheSnapshot snapshot = only(recorder.snapshot());
        assertThat(snapshot.statsSource()).isEqualTo("observed");
        assertThat(snapshot.sinceAttach()).isTrue();
        assertThat(snapshot.hits()).isEqualTo(1 + (4 - 3));
        assertThat(snapshot.misses()).isEqualTo(2 + 3);
        assertThat(snapshot.requests()).isEqualTo(7);
        assertThat(snapshot.hitRate()).isEqualTo(2 / 7.0);
        assertThat(snapshot.loadSuccess()).isEqualTo(1);
        assertThat(snapshot.loadFailure()).isEqualTo(2);
        assertThat(snapshot.avgLoadTime()).isNotNull().isGreaterThanOrEqualTo(0.0);
        assertThat(snapshot.kind()).isEqualTo("bounded");
        assertThat(snapshot.size()).isEqualTo(1);
        assertThat(snapshot.maxSize()).isEqualTo(10);
        assertThat(snapshot.expireAfterWrite()).isEqualTo(90.0);
        assertThat(snapshot.expireAfterAccess()).isNull();
        assertThat(snapshot.firstSeen()).isEqualTo("2025-01-02T03:04:05Z");
    }

    @Test
    void aCacheRecordingItsOwnStatisticsIsReadNotCounted() throws Exception {
        Cache<Integer, String> cache = Caffeine.newBuilder().recordStats().build();
        Object local = access.localOf(cache);
        cache.getIfPresent(1);
        cache.get(1, key -> "v");
        cache.getIfPresent(1);

        recorder.lookedUp(local, true, true); // what the advice would report for the last lookup: not counted again
        CacheSnapshot snapshot = only(recorder.snapshot());

        assertThat(snapshot.statsSource()).isEqualTo("application");
        assertThat(snapshot.kind()).isEqualTo("unbounded");
        assertThat(snapshot.hits()).isEqualTo(cache.stats().hitCount()).isEqualTo(1);
        assertThat(snapshot.misses()).isEqualTo(cache.stats().missCount()).isEqualTo(2);
        assertThat(snapshot.loadSuccess()).isEqualTo(1);
        assertThat(snapshot.maxSize()).isNull();
    }

    @Test
    void aCacheBuiltWithOurCounterIsCountedByCaffeineWhileTheApplicationSeesNoStatistics() {
        VitalsStatsCounter counter = new VitalsStatsCounter();
        Cache<Integer, String> cache = Caffeine.newBuilder().maximumSize(2).executor(Runnable::run)
                .recordStats(() -> counter).build();
        recorder.statsCounterCreated(counter);
        recorder.built(null, cache);
        recorder.named(cache, "users", "spring");
        for (int key = 1; key <= 3; key++) {
            cache.get(key, k -> "v" + k);
        }
        cache.getIfPresent(3);
        cache.getIfPresent(3);
        cache.cleanUp();

        CacheSnapshot snapshot = only(recorder.snapshot());
        assertThat(snapshot.name()).isEqualTo("users");
        assertThat(snapshot.framework()).isEqualTo("spring");
        assertThat(snapshot.statsSource()).isEqualTo("vitals");
        assertThat(snapshot.sinceAttach()).isFalse();
        assertThat(snapshot.hits()).isEqualTo(2);
        assertThat(snapshot.misses()).isEqualTo(3);
        assertThat(snapshot.loadSuccess()).isEqualTo(3);
        assertThat(snapshot.evictions()).isEqualTo(1);
        assertThat(snapshot.evictionWeight()).isEqualTo(1);
        assertThat(snapshot.maxSize()).isEqualTo(2);
        assertThat(cache.stats()).isEqualTo(CacheStats.empty());
    }

    @Test
    void namesAreUniqueAndTheConfigurationAppliesToFrameworkNames() {
        Cache<Integer, String> first = register();
        Cache<Integer, String> second = register();
        Cache<Integer, String> third = register();
        recorder.named(first, "users", "spring");
        recorder.named(second, "users", "spring");
        recorder.named(third, "twin", "jcache");

        assertThat(recorder.snapshot()).extracting(CacheSnapshot::name).containsExactly("users", "users#2", "pair");
        // Stable from one snapshot to the next.
        assertThat(recorder.snapshot()).extracting(CacheSnapshot::name).containsExactly("users", "users#2", "pair");
        assertThat(first.estimatedSize() + second.estimatedSize() + third.estimatedSize()).isZero();
    }

    @Test
    void aCacheBuiltTwiceByNestedBuildMethodsIsRegisteredOnce() {
        Cache<Integer, String> cache = register();
        recorder.built(null, cache);

        assertThat(recorder.snapshot()).hasSize(1);
    }

    private Cache<Integer, String> register() {
        VitalsStatsCounter counter = new VitalsStatsCounter();
        Cache<Integer, String> cache = Caffeine.newBuilder().recordStats(() -> counter).build();
        recorder.statsCounterCreated(counter);
        recorder.built(null, cache);
        return cache;
    }

    @SuppressWarnings("unchecked")
    private static Object apply(Object function) {
        return ((Function<Object, Object>) function).apply(1);
    }

    private static CacheSnapshot only(List<CacheSnapshot> snapshots) {
        assertThat(snapshots).hasSize(1);
        return snapshots.get(0);
    }
}
