package dev.vitals.agent.snapshot;

/**
 * One Caffeine cache at one moment, as the API shows it (snake_case names, durations in seconds).
 *
 * @param name unique name: the framework's (Spring, JCache), else the field or line that built
 *     it, as overridden by {@code caches.names}; a second cache of one name is {@code name#2}
 * @param kind {@code bounded} or {@code unbounded}, followed by {@code async} and {@code loading}
 *     when they apply ({@code bounded async loading}); a cache found after an attach is never
 *     known to be loading
 * @param statsSource where the counts come from: {@code application} (Caffeine's statistics, the
 *     application enabled them), {@code vitals} (Caffeine's statistics, Vitals enabled them at
 *     build), {@code observed} (counted by Vitals since it first saw the cache; single-key lookups
 *     only) or {@code none}
 * @param hits lookups that found a value
 * @param misses lookups that did not (for a loading lookup: that ran the loader)
 * @param requests {@code hits + misses}
 * @param hitRate {@code hits / requests}; null before the first request
 * @param loadSuccess loads that returned a value
 * @param loadFailure loads that threw or returned null
 * @param avgLoadTime mean time of a load, successful or not, seconds; null before the first load
 * @param evictions entries evicted (size, weight or expiry; not explicit removals)
 * @param evictionWeight their summed weight (1 each without a weigher)
 * @param size estimated number of entries now
 * @param maxSize the eviction maximum (entries, or total weight when {@code weighted}); null when
 *     the cache has none
 * @param weighted whether {@code maxSize} is a weight
 * @param expireAfterWrite the expire-after-write duration, seconds; null when none
 * @param expireAfterAccess the expire-after-access duration, seconds; null when none
 * @param framework {@code spring} or {@code jcache} when a framework named the cache; else null
 * @param site where the application builds (or, found after an attach, uses) the cache:
 *     {@code OrderService.customers} or {@code OrderService:42}; the key {@code caches.names} uses
 * @param firstSeen when Vitals first saw the cache (ISO-8601 UTC)
 * @param sinceAttach true when the cache existed before Vitals and is reported from first sight
 */
public record CacheSnapshot(String name, String kind, String statsSource, long hits, long misses, long requests,
        Double hitRate, long loadSuccess, long loadFailure, Double avgLoadTime, long evictions, long evictionWeight,
        long size, Long maxSize, boolean weighted, Double expireAfterWrite, Double expireAfterAccess, String framework,
        String site, String firstSeen, boolean sinceAttach) {
}
