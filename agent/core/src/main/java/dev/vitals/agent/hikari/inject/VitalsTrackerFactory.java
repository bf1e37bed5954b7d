package dev.vitals.agent.hikari.inject;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.PoolStats;

/**
 * The {@link MetricsTrackerFactory} Vitals puts into a HikariCP pool. Defined at run time in
 * HikariCP's own class loader (never loaded by the agent core): it may reference HikariCP's API
 * and the bootstrap bridge only.
 *
 * <p>It chains the application's own factory (Micrometer, Dropwizard, custom) — or, for a pool
 * found after an attach, the tracker the pool already had — so the application's metrics keep
 * working, unchanged, with Vitals and after Vitals detaches.
 */
public final class VitalsTrackerFactory implements MetricsTrackerFactory {

    private final int poolId;
    private final MetricsTrackerFactory applicationFactory;
    private final IMetricsTracker existingTracker;

    /**
     * @param poolId the agent's id for the pool
     * @param applicationFactory the factory the application configured, or null
     * @param existingTracker the tracker the pool already has, used instead of asking
     *     {@code applicationFactory} for a new one (which would register the application's
     *     meters twice), or null
     */
    public VitalsTrackerFactory(int poolId, MetricsTrackerFactory applicationFactory, IMetricsTracker existingTracker) {
        this.poolId = poolId;
        this.applicationFactory = applicationFactory;
        this.existingTracker = existingTracker;
    }

    @Override
    public IMetricsTracker create(String poolName, PoolStats poolStats) {
        IMetricsTracker application = existingTracker;
        if (application == null && applicationFactory != null) {
            application = applicationFactory.create(poolName, poolStats);
        }
        return new VitalsTracker(poolId, application);
    }

    /** The application's factory, so that a later attach can chain it again instead of us. */
    public MetricsTrackerFactory applicationFactory() {
        return applicationFactory;
    }
}
