package dev.vitals.agent.caffeine;

import dev.vitals.agent.bridge.CacheListener;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * What Vitals keeps about one Caffeine cache. The cache itself is held weakly (its public object
 * when Vitals saw it built, and Caffeine's internal cache behind it), so a cache the application
 * drops is collected and leaves the report.
 *
 * <p>Concurrency: the identity and the sources of statistics are fixed at registration; the
 * framework name is set once by the thread that wraps the cache (volatile); the shown name is
 * written under the recorder's lock. {@link Observed} counters are bumped by application threads.
 */
final class CacheRecord {

    /** Where the cache's statistics come from, as {@code stats_source} shows it. */
    enum Source {
        /** Caffeine's own, enabled by the application ({@code recordStats()}): the cache's whole life. */
        APPLICATION("application"),
        /** Caffeine's own, enabled by Vitals when the cache was built: the cache's whole life. */
        VITALS("vitals"),
        /** Counted by Vitals' lookup advice from the first use it saw (a cache found after an attach). */
        OBSERVED("observed"),
        /** None: the cache records nothing and Vitals could not count for it. */
        NONE("none");

        final String apiName;

        Source(String apiName) {
            this.apiName = apiName;
        }
    }

    /**
     * Hit, miss and load counts for a cache Vitals counts itself (see {@link Source#OBSERVED}),
     * kept with Caffeine's definitions: a {@code getIfPresent} is a hit if it found a value; a
     * {@code computeIfAbsent} is a miss if it ran the loading function on its thread, else a hit.
     * Lock-free adders, bumped on application threads.
     *
     * <p>An asynchronous cache of Caffeine 3.x first looks a key up with statistics off and, on
     * a hit, records the hit itself: for those caches such a hit counts too ({@link #unflaggedHits}).
     */
    static final class Observed {
        final boolean unflaggedHits;
        final LongAdder lookupHits = new LongAdder();
        final LongAdder lookupMisses = new LongAdder();
        final LongAdder computeRequests = new LongAdder();
        final LongAdder computeMisses = new LongAdder();
        final LongAdder loadSuccesses = new LongAdder();
        final LongAdder loadFailures = new LongAdder();
        final LongAdder loadNanos = new LongAdder();

        Observed(boolean unflaggedHits) {
            this.unflaggedHits = unflaggedHits;
        }
    }

    final int id;
    /** The public cache ({@code Cache}, {@code AsyncCache}, …), or a cleared reference when never seen. */
    final WeakReference<Object> cache;
    /** Caffeine's internal cache behind it, or a cleared reference when it could not be read. */
    final WeakReference<Object> local;
    final Instant firstSeen;
    final boolean sinceAttach;
    final CacheSite site;
    final Source source;
    /** Vitals' own counter inside the cache, for {@link Source#VITALS}; else null. */
    final CacheListener.Counts counts;
    /** Lookup counters, for {@link Source#OBSERVED}; else null (read on every lookup). */
    final Observed observed;
    /** {@code VitalsCacheReader.read} in the cache's class loader, for caches seen built; else null. */
    final Method reader;
    volatile String frameworkName;
    volatile String framework;
    /** The name last shown; guarded by the recorder. */
    String shownName;

    CacheRecord(int id, Object cache, Object local, Instant firstSeen, boolean sinceAttach, CacheSite site,
            Source source, CacheListener.Counts counts, Method reader, boolean async) {
        this.id = id;
        this.cache = new WeakReference<>(cache);
        this.local = new WeakReference<>(local);
        this.firstSeen = firstSeen;
        this.sinceAttach = sinceAttach;
        this.site = site;
        this.source = source;
        this.counts = counts;
        this.observed = source == Source.OBSERVED ? new Observed(async) : null;
        this.reader = reader;
    }

    /** Whether the cache is gone: its public object (when known) or its internal one was collected. */
    boolean collected() {
        return cache.get() == null && (local.get() == null || !sinceAttach);
    }
}
