package dev.vitals.agent.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Stands in for Caffeine's builder and lookups in {@link CacheSiteTest}: captures the site the
 * way the recorder does, from a frame of Vitals' own package, which the capture skips.
 */
public final class SiteProbe {

    static CacheSite last;

    private SiteProbe() {
    }

    public static <K, V> Cache<K, V> build() {
        last = CacheSite.built();
        return Caffeine.newBuilder().build();
    }

    public static Object buildLoading() {
        last = CacheSite.built();
        return Caffeine.newBuilder().build(key -> "v");
    }

    public static <K, V> V lookup(Cache<K, V> cache, K key) {
        last = CacheSite.used();
        return cache.getIfPresent(key);
    }
}
