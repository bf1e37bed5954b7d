package dev.vitals.weaving;

/**
 * Shaped like Caffeine's JCache {@code CacheProxy}: a constructor that stores the cache's name and
 * the cache in fields, read by a constructor hook at its exit. {@code WeaverTest} weaves the
 * JCache naming hook into it.
 */
public class NamedCacheSample {

    private final String name;
    private final Object cache;

    public NamedCacheSample(String name, Object cache) {
        this.name = name.isEmpty() ? "unnamed" : name;
        this.cache = cache;
    }

    public NamedCacheSample(Object cache) {
        this("", cache);
    }

    @Override
    public String toString() {
        return name + "=" + cache;
    }
}
