package dev.vitals.agent.caffeine;

import static dev.vitals.agent.instrument.MethodHook.named;
import static dev.vitals.agent.instrument.MethodHook.takes;
import static dev.vitals.agent.instrument.MethodHook.takesFirst;

import dev.vitals.agent.instrument.ClassCandidate;
import dev.vitals.agent.instrument.LibraryInstrumentation;
import dev.vitals.agent.instrument.MethodHook;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Caffeine 2.9.x and 3.x: every cache built through {@code Caffeine}, and — when caches may
 * exist from before the agent — every cache on its next lookup.
 *
 * <p>Building: hooks on the builder's {@code build*} methods puts a {@code StatsCounter} of ours
 * into the builder's statistics slot when the application left it empty (so Caffeine itself
 * counts hits, misses, loads and evictions, exactly as it would for {@code recordStats()}), and
 * registers the cache it returns. A hook on {@code recordStats} takes ours out again first, so an
 * application that enables statistics on a builder after a build is not refused.
 *
 * <p>Lookups (only installed when Caffeine was loaded before the agent, see
 * {@link #caffeineLoaded}): hooks on the internal caches' {@code getIfPresent(key, recordStats)}
 * and {@code computeIfAbsent(key, function, recordStats, recordLoad)} — the two methods every
 * single-key lookup of the public API ends in — finds caches built before the agent and counts
 * their hits and misses from then on; a hook on {@code LocalCache.statsAware(function, recordLoad)}
 * — where Caffeine wraps the loading function on a miss — counts their misses and loads.
 *
 * <p>Types are matched by name and hooks pass Caffeine's objects as {@link Object}, so the agent
 * core never loads Caffeine.
 */
public final class CaffeineInstrumentation implements LibraryInstrumentation {

    static final String BUILDER = "com.github.benmanes.caffeine.cache.Caffeine";
    static final String BOUNDED = "com.github.benmanes.caffeine.cache.BoundedLocalCache";
    static final String UNBOUNDED = "com.github.benmanes.caffeine.cache.UnboundedLocalCache";
    static final String LOCAL_CACHE = "com.github.benmanes.caffeine.cache.LocalCache";

    /** The builder field that holds the statistics supplier (same name in Caffeine 2.9 and 3.x). */
    static final String STATS_SUPPLIER_FIELD = "statsCounterSupplier";

    private static final String LISTENER = "CacheListener";
    private static final String OBJECT = "java/lang/Object";
    private static final String NAMED = "(Ljava/lang/Object;Ljava/lang/String;Ljava/lang/String;)V";

    private static final List<MethodHook> BUILDER_HOOKS = List.of(
            // Every cache is made by one of these: build(), build(loader), buildAsync(),
            // buildAsync(loader) and buildAsync(asyncLoader), in 2.9 and 3.x alike. Before: our
            // StatsCounter into an empty statistics slot; after: the cache registered.
            MethodHook.on(named("build", "buildAsync"))
                    .withEnter(Type.VOID_TYPE, code -> {
                        Label filled = new Label();
                        code.loadField(STATS_SUPPLIER_FIELD).jump(Opcodes.IFNONNULL, filled)
                                .loadThis().listener("caches", LISTENER).loadThis()
                                .call(LISTENER, "statsSupplier", "(Ljava/lang/Object;)Ljava/lang/Object;")
                                .storeField(STATS_SUPPLIER_FIELD)
                                .mark(filled);
                    })
                    .withExitOnThrowable(code -> code.listener("caches", LISTENER).loadThis().loadReturn()
                            .call(LISTENER, "built", "(Ljava/lang/Object;Ljava/lang/Object;)V")),
            // The only ways an application sets the statistics slot we may have filled: empty it
            // if it holds our supplier, so that the application's own call succeeds.
            MethodHook.on(named("recordStats"))
                    .withEnter(Type.VOID_TYPE, code -> {
                        Label keep = new Label();
                        code.loadField(STATS_SUPPLIER_FIELD).jump(Opcodes.IFNULL, keep)
                                .listener("caches", LISTENER).loadField(STATS_SUPPLIER_FIELD)
                                .call(LISTENER, "isStatsSupplier", "(Ljava/lang/Object;)Z").jump(Opcodes.IFEQ, keep)
                                .loadThis().pushNull().storeField(STATS_SUPPLIER_FIELD)
                                .mark(keep);
                    }));

    private static final List<MethodHook> LOOKUP_HOOKS = List.of(
            // Cache.getIfPresent, AsyncCache.getIfPresent and the map views' get end here: a hit
            // if it returned a value.
            MethodHook.on(named("getIfPresent").and(takes(2, 1, "Z"))).keeps(1)
                    .withExit(code -> {
                        Label miss = new Label();
                        Label counted = new Label();
                        String listener = "dev/vitals/agent/bridge/" + LISTENER;
                        code.listener("caches", LISTENER).loadThis().loadArgument(1)
                                .loadReturn().jump(Opcodes.IFNULL, miss)
                                .instruction(Opcodes.ICONST_1).jump(Opcodes.GOTO, counted)
                                .mark(miss, listener, OBJECT, Opcodes.INTEGER).instruction(Opcodes.ICONST_0)
                                .mark(counted, listener, OBJECT, Opcodes.INTEGER, Opcodes.INTEGER)
                                .call(LISTENER, "lookedUp", "(Ljava/lang/Object;ZZ)V");
                    }),
            // Cache.get(key, function), LoadingCache.get(key) and the async get(key, …) end here;
            // whether it missed is seen in statsAware.
            MethodHook.on(named("computeIfAbsent").and(takes(4, 2, "Z")).and(takes(4, 3, "Z")))
                    .withEnter(Type.VOID_TYPE, code -> code.listener("caches", LISTENER).loadThis().loadArgument(2)
                            .call(LISTENER, "computing", "(Ljava/lang/Object;Z)V")));

    /**
     * A miss about to run the loading function: where Caffeine wraps it to count the miss and time
     * the load, only when it records statistics. The listener may wrap it for a cache it counts itself.
     */
    private static final List<MethodHook> LOCAL_CACHE_HOOKS = List.of(
            MethodHook.on(named("statsAware").and(takes(2, 0, "Ljava/util/function/Function;")).and(takes(2, 1, "Z")))
                    .keeps(1)
                    .withExit(code -> code.listener("caches", LISTENER).loadThis().loadReturn().loadArgument(1)
                            .call(LISTENER, "loading", "(Ljava/lang/Object;Ljava/lang/Object;Z)Ljava/lang/Object;")
                            .storeReturn()));

    private final boolean discoverExisting;

    /**
     * @param discoverExisting whether to hook lookups, to find caches built before the agent;
     *     without it, lookups cost nothing extra (see {@link #caffeineLoaded})
     */
    public CaffeineInstrumentation(boolean discoverExisting) {
        this.discoverExisting = discoverExisting;
    }

    /**
     * Whether a Caffeine cache class is already loaded in this JVM. If none is, every cache the
     * application will ever have is built through the instrumented builder and registered then,
     * and the lookup hooks are not needed (the usual {@code -javaagent} case, where the entry's
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
    public List<MethodHook> hooks(ClassCandidate type) {
        String name = type.name();
        if (name.equals(BUILDER)) {
            return BUILDER_HOOKS;
        }
        if (!discoverExisting) {
            return List.of();
        }
        if (name.equals(BOUNDED) || name.equals(UNBOUNDED)) {
            return LOOKUP_HOOKS;
        }
        return name.equals(LOCAL_CACHE) ? LOCAL_CACHE_HOOKS : List.of();
    }

    /**
     * Spring's {@code CaffeineCache} (spring-context-support 5.x and 6.x): the cache name Spring
     * gives each Caffeine cache, whether a {@code CaffeineCacheManager} or the application made it.
     */
    public static final class SpringNames implements LibraryInstrumentation {

        static final String SPRING_CACHE = "org.springframework.cache.caffeine.CaffeineCache";

        /**
         * Every constructor takes (String name, Cache or AsyncCache, …): the one place where the
         * name and the Caffeine cache meet.
         */
        private static final List<MethodHook> HOOKS = List.of(
                MethodHook.onConstructors(takesFirst("Ljava/lang/String;")).keeps(0, 1)
                        .withExit(code -> code.listener("caches", LISTENER).loadArgumentOrNull(1).loadArgument(0)
                                .push("spring").call(LISTENER, "named", NAMED)));

        @Override
        public Set<String> targetClassNames() {
            return Set.of(internal(SPRING_CACHE));
        }

        @Override
        public String name() {
            return "caffeine-spring";
        }

        @Override
        public List<MethodHook> hooks(ClassCandidate type) {
            return type.name().equals(SPRING_CACHE) ? HOOKS : List.of();
        }
    }

    /** Caffeine's JCache provider: the JSR-107 cache name of each Caffeine cache it creates. */
    public static final class JCacheNames implements LibraryInstrumentation {

        static final String CACHE_PROXY = "com.github.benmanes.caffeine.jcache.CacheProxy";

        /**
         * Every JCache cache of the provider (LoadingCacheProxy too) is a CacheProxy, whose
         * constructor stores the name and the Caffeine cache in these fields.
         */
        private static final List<MethodHook> HOOKS = List.of(
                MethodHook.onConstructors((access, name, descriptor) -> true)
                        .withExit(code -> code.listener("caches", LISTENER).loadField("cache").loadField("name")
                                .castTo("java/lang/String").push("jcache").call(LISTENER, "named", NAMED)));

        @Override
        public Set<String> targetClassNames() {
            return Set.of(internal(CACHE_PROXY));
        }

        @Override
        public String name() {
            return "caffeine-jcache";
        }

        @Override
        public List<MethodHook> hooks(ClassCandidate type) {
            return type.name().equals(CACHE_PROXY) ? HOOKS : List.of();
        }
    }
}
