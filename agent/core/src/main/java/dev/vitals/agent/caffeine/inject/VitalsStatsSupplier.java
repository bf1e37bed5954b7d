package dev.vitals.agent.caffeine.inject;

import com.github.benmanes.caffeine.cache.stats.StatsCounter;
import dev.vitals.agent.bridge.Hooks;
import java.util.function.Supplier;

/**
 * What Vitals puts in a {@code Caffeine} builder's statistics slot when the application left it
 * empty: each cache the builder builds gets a {@link VitalsStatsCounter} of its own, reported to
 * the agent through the bridge while that cache is being built (on the building thread). Defined
 * in Caffeine's class loader; references Caffeine's API and the bridge only.
 *
 * <p>It stays in the builder: the builder may build again (Spring's {@code CaffeineCacheManager}
 * builds every cache from one builder, possibly on several threads at once). While Vitals is
 * attached, a later {@code recordStats()} on the builder first takes it out again, so the
 * application's own call behaves as it would without Vitals.
 *
 * <p>Stateless and thread-safe.
 */
public final class VitalsStatsSupplier implements Supplier<StatsCounter> {

    @Override
    public StatsCounter get() {
        VitalsStatsCounter counter = new VitalsStatsCounter();
        Hooks.caches.statsCounterCreated(counter);
        return counter;
    }
}
