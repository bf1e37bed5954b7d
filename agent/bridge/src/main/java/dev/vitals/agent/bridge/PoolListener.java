package dev.vitals.agent.bridge;

/**
 * What HikariCP advice and the tracker classes Vitals injects next to HikariCP report. JDK types
 * only: pools and factories travel as {@link Object}.
 *
 * <p>The {@code record*} methods run on application threads inside HikariCP's borrow and
 * release paths, with times HikariCP measured itself: implementations must not block, allocate,
 * log or throw. Pools are identified by the small integer the agent assigned when it first saw
 * them, so that a tracker left in a pool after a detach holds nothing of the agent's.
 */
public interface PoolListener {

    /** Does nothing; installed until the agent starts and again after it detaches. */
    PoolListener NONE = new PoolListener() {
        @Override
        public Object trackerFactory(Object pool, Object applicationFactory) {
            return applicationFactory;
        }

        @Override
        public void borrowing(Object pool) {
        }

        @Override
        public void closed(Object pool) {
        }

        @Override
        public void recordAcquired(int poolId, long nanos) {
        }

        @Override
        public void recordTimeout(int poolId) {
        }

        @Override
        public void recordUsage(int poolId, long millis) {
        }

        @Override
        public void recordCreated(int poolId, long millis) {
        }
    };

    /**
     * HikariCP is installing {@code applicationFactory} (a {@code MetricsTrackerFactory}, or null)
     * into {@code pool}; returns the factory to install instead, which chains to it.
     */
    Object trackerFactory(Object pool, Object applicationFactory);

    /** A thread is about to borrow from {@code pool}: how pools created before an attach are found. */
    void borrowing(Object pool);

    /** {@code pool} is shutting down. */
    void closed(Object pool);

    /** A connection was handed out after waiting {@code nanos} (HikariCP's own measurement). */
    void recordAcquired(int poolId, long nanos);

    /** A borrow gave up after the pool's connection timeout. */
    void recordTimeout(int poolId);

    /** A connection went back to the pool after {@code millis} in use. */
    void recordUsage(int poolId, long millis);

    /** A new physical connection took {@code millis} to create. */
    void recordCreated(int poolId, long millis);
}
