package com.zaxxer.hikari.pool;

/**
 * Stands for HikariCP's connection proxy: the same package and the same chain of private fields
 * ({@code poolEntry.hikariPool.poolName}) the agent reads a pool's name through.
 */
public final class FakeProxyConnection {

    @SuppressWarnings("unused")
    private final Entry poolEntry;

    public FakeProxyConnection(String poolName) {
        this.poolEntry = new Entry(new Pool(poolName));
    }

    private static final class Entry {
        @SuppressWarnings("unused")
        private final Pool hikariPool;

        Entry(Pool hikariPool) {
            this.hikariPool = hikariPool;
        }
    }

    private static class Base {
        @SuppressWarnings("unused")
        protected final String poolName;

        Base(String poolName) {
            this.poolName = poolName;
        }
    }

    private static final class Pool extends Base {
        Pool(String poolName) {
            super(poolName);
        }
    }
}
