package dev.vitals.agent.hikari.inject;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import dev.vitals.agent.bridge.Hooks;

/**
 * Receives HikariCP's own measurements (it calls these from its borrow, release, create and
 * timeout paths) and passes them to the agent through the bridge, then to the application's
 * tracker, if any.
 *
 * <p>Overhead: one volatile read and one interface call per event; no allocation, no clock read
 * of ours. After a detach the bridge holds a no-op and only the application's tracker works.
 */
public final class VitalsTracker implements IMetricsTracker {

    private final int poolId;
    private final IMetricsTracker application;

    public VitalsTracker(int poolId, IMetricsTracker application) {
        this.poolId = poolId;
        this.application = application;
    }

    /** The application's tracker this one chains to, or null. */
    public IMetricsTracker application() {
        return application;
    }

    @Override
    public void recordConnectionCreatedMillis(long connectionCreatedMillis) {
        Hooks.pools.recordCreated(poolId, connectionCreatedMillis);
        if (application != null) {
            application.recordConnectionCreatedMillis(connectionCreatedMillis);
        }
    }

    @Override
    public void recordConnectionAcquiredNanos(long elapsedAcquiredNanos) {
        Hooks.pools.recordAcquired(poolId, elapsedAcquiredNanos);
        if (application != null) {
            application.recordConnectionAcquiredNanos(elapsedAcquiredNanos);
        }
    }

    @Override
    public void recordConnectionUsageMillis(long elapsedBorrowedMillis) {
        Hooks.pools.recordUsage(poolId, elapsedBorrowedMillis);
        if (application != null) {
            application.recordConnectionUsageMillis(elapsedBorrowedMillis);
        }
    }

    @Override
    public void recordConnectionTimeout() {
        Hooks.pools.recordTimeout(poolId);
        if (application != null) {
            application.recordConnectionTimeout();
        }
    }

    @Override
    public void close() {
        if (application != null) {
            application.close();
        }
    }
}
