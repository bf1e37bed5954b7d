package dev.vitals.agent.caffeine;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.vitals.agent.bridge.CacheListener;
import dev.vitals.agent.bridge.Hooks;
import dev.vitals.agent.instrument.LibraryInstrumentation;
import java.lang.instrument.Instrumentation;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Caffeine 2.9.x and 3.x: every cache built through {@code Caffeine}, and — when caches may
 * exist from before the agent — every cache on its next lookup.
 *
 * <p>Building: advice on the builder's {@code build*} methods puts a {@code StatsCounter} of ours
 * into the builder's statistics slot when the application left it empty (so Caffeine itself
 * counts hits, misses, loads and evictions, exactly as it would for {@code recordStats()}), and
 * registers the cache it returns. Advice on {@code recordStats} takes ours out again first, so an
 * application that enables statistics on a builder after a build is not refused.
 *
 * <p>Lookups (only installed when Caffeine was loaded before the agent, see
 * {@link #caffeineLoaded}): advice on the internal caches' {@code getIfPresent(key, recordStats)}
 * and {@code computeIfAbsent(key, function, recordStats, recordLoad)} — the two methods every
 * single-key lookup of the public API ends in — finds caches built before the agent and counts
 * their hits and misses from then on; advice on {@code LocalCache.statsAware(function, recordLoad)}
 * — where Caffeine wraps the loading function on a miss — counts their misses and loads.
 *
 * <p>Types are matched by name and advice uses {@link Object} for Caffeine types, so the agent
 * core never loads Caffeine.
 */
public final class CaffeineInstrumentation implements LibraryInstrumentation {

    static final String BUILDER = "com.github.benmanes.caffeine.cache.Caffeine";
    static final String BOUNDED = "com.github.benmanes.caffeine.cache.BoundedLocalCache";
    static final String UNBOUNDED = "com.github.benmanes.caffeine.cache.UnboundedLocalCache";
    static final String LOCAL_CACHE = "com.github.benmanes.caffeine.cache.LocalCache";

    /** The builder field that holds the statistics supplier (same name in Caffeine 2.9 and 3.x). */
    static final String STATS_SUPPLIER_FIELD = "statsCounterSupplier";

    private final boolean discoverExisting;

    /**
     * @param discoverExisting whether to advise lookups, to find caches built before the agent;
     *     without it, lookups cost nothing extra (see {@link #caffeineLoaded})
     */
    public CaffeineInstrumentation(boolean discoverExisting) {
        this.discoverExisting = discoverExisting;
    }

    /**
     * Whether a Caffeine cache class is already loaded in this JVM. If none is, every cache the
     * application will ever have is built through the instrumented builder and registered then,
     * and the lookup advice is not needed (the usual {@code -javaagent} case, where the entry's
     * class gate holds the first load of {@code Caffeine} until the agent is ready).
     */
    public static boolean caffeineLoaded(Instrumentation inst) {
        Set<String> names = Set.of(BUILDER, BOUNDED, UNBOUNDED);
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (names.contains(type.getName())) {
                return true;
            }
        }
        return false;
    }

    /** {@code a.b.C} as the JVM writes it in class files, {@code a/b/C}. */
    static String internal(String className) {
        return className.replace('.', '/');
    }

    @Override
    public Set<String> targetClassNames() {
        // The lookup paths are only instrumented when caches may predate us (see the constructor).
        return discoverExisting
                ? Set.of(internal(BUILDER), internal(BOUNDED), internal(UNBOUNDED), internal(LOCAL_CACHE))
                : Set.of(internal(BUILDER));
    }

    @Override
    public String name() {
        return "caffeine";
    }

    @Override
    public String targetDescription() {
        return BUILDER;
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        AgentBuilder.Identified.Extendable extended = builder.type(named(BUILDER))
                .transform((type, description, loader, module, domain) -> type
                        // Every cache is made by one of these: build(), build(loader), buildAsync(),
                        // buildAsync(loader) and buildAsync(asyncLoader), in 2.9 and 3.x alike.
                        .visit(Advice.to(Build.class).on(namedOneOf("build", "buildAsync")))
                        // The only ways an application sets the statistics slot we may have filled.
                        .visit(Advice.to(RecordStats.class).on(named("recordStats"))));
        if (!discoverExisting) {
            return extended;
        }
        return extended
                .type(namedOneOf(BOUNDED, UNBOUNDED))
                .transform((type, description, loader, module, domain) -> type
                        // Cache.getIfPresent, AsyncCache.getIfPresent and the map views' get end here.
                        .visit(Advice.to(GetIfPresent.class).on(named("getIfPresent")
                                .and(takesArguments(2)).and(takesArgument(1, boolean.class))))
                        // Cache.get(key, function), LoadingCache.get(key) and the async get(key, …) end here.
                        .visit(Advice.to(ComputeIfAbsent.class).on(named("computeIfAbsent")
                                .and(takesArguments(4)).and(takesArgument(2, boolean.class))
                                .and(takesArgument(3, boolean.class)))))
                .type(named(LOCAL_CACHE))
                .transform((type, description, loader, module, domain) -> type
                        // A miss about to run the loading function: where Caffeine wraps it to count
                        // the miss and time the load, only when it records statistics.
                        .visit(Advice.to(StatsAware.class).on(named("statsAware").and(takesArguments(2))
                                .and(takesArgument(0, named("java.util.function.Function")))
                                .and(takesArgument(1, boolean.class)))));
    }

    /** Fills an empty statistics slot with ours before the build, and registers the cache after. */
    static final class Build {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object builder,
                @Advice.FieldValue(value = STATS_SUPPLIER_FIELD, readOnly = false, typing = Assigner.Typing.DYNAMIC)
                        Object supplier) {
            if (supplier == null) {
                supplier = Hooks.caches.statsSupplier(builder);
            }
        }

        @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
        static void exit(@Advice.This Object builder, @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object cache) {
            Hooks.caches.built(builder, cache);
        }
    }

    /** Empties the slot if it holds our supplier, so that the application's own call succeeds. */
    static final class RecordStats {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(
                @Advice.FieldValue(value = STATS_SUPPLIER_FIELD, readOnly = false, typing = Assigner.Typing.DYNAMIC)
                        Object supplier) {
            if (supplier != null && Hooks.caches.isStatsSupplier(supplier)) {
                supplier = null;
            }
        }
    }

    /** One lookup by key: a hit if it returned a value. */
    static final class GetIfPresent {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object cache, @Advice.Argument(1) boolean recordStats,
                @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object value) {
            CacheListener listener = Hooks.caches;
            listener.lookedUp(cache, recordStats, value != null);
        }
    }

    /** One lookup that loads on a miss; whether it missed is seen in {@link StatsAware}. */
    static final class ComputeIfAbsent {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object cache, @Advice.Argument(2) boolean recordStats) {
            CacheListener listener = Hooks.caches;
            listener.computing(cache, recordStats);
        }
    }

    /** Lets the listener wrap the loading function of a cache it counts itself. */
    static final class StatsAware {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object cache, @Advice.Argument(1) boolean recordLoad,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object function) {
            function = Hooks.caches.loading(cache, function, recordLoad);
        }
    }

    /**
     * Spring's {@code CaffeineCache} (spring-context-support 5.x and 6.x): the cache name Spring
     * gives each Caffeine cache, whether a {@code CaffeineCacheManager} or the application made it.
     */
    public static final class SpringNames implements LibraryInstrumentation {

        static final String SPRING_CACHE = "org.springframework.cache.caffeine.CaffeineCache";

        @Override
        public Set<String> targetClassNames() {
            return Set.of(internal(SPRING_CACHE));
        }

        @Override
        public String name() {
            return "caffeine-spring";
        }

        @Override
        public AgentBuilder extend(AgentBuilder builder) {
            return builder.type(named(SPRING_CACHE)).transform((type, description, loader, module, domain) -> type
                    // Every constructor takes (String name, Cache or AsyncCache, …): the one place
                    // where the name and the Caffeine cache meet.
                    .visit(Advice.to(SpringCacheCreated.class).on(isConstructor()
                            .and(takesArgument(0, String.class)))));
        }
    }

    /** Passes Spring's name for the Caffeine cache on. */
    static final class SpringCacheCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) String name,
                @Advice.Argument(value = 1, typing = Assigner.Typing.DYNAMIC) Object cache) {
            Hooks.caches.named(cache, name, "spring");
        }
    }

    /** Caffeine's JCache provider: the JSR-107 cache name of each Caffeine cache it creates. */
    public static final class JCacheNames implements LibraryInstrumentation {

        static final String CACHE_PROXY = "com.github.benmanes.caffeine.jcache.CacheProxy";

        @Override
        public Set<String> targetClassNames() {
            return Set.of(internal(CACHE_PROXY));
        }

        @Override
        public String name() {
            return "caffeine-jcache";
        }

        @Override
        public AgentBuilder extend(AgentBuilder builder) {
            return builder.type(named(CACHE_PROXY)).transform((type, description, loader, module, domain) -> type
                    // Every JCache cache of the provider (LoadingCacheProxy too) is a CacheProxy,
                    // whose constructor stores the name and the Caffeine cache in these fields.
                    .visit(Advice.to(JCacheCreated.class).on(isConstructor())));
        }
    }

    /** Passes the JCache name for the Caffeine cache on. */
    static final class JCacheCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue(value = "name", typing = Assigner.Typing.DYNAMIC) Object name,
                @Advice.FieldValue(value = "cache", typing = Assigner.Typing.DYNAMIC) Object cache) {
            Hooks.caches.named(cache, (String) name, "jcache");
        }
    }
}
