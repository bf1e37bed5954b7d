package dev.vitals.agent.hikari;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The pools already known, answering "seen this one?" on every borrow without locks or
 * allocation: an open-addressing table of weak references indexed by identity hash.
 *
 * <p>Concurrency: {@link #contains} is lock-free; {@link #add} is called under the recorder's
 * lock. Accuracy: a pool that does not fit ({@link #PROBES} collisions) is simply not cached and
 * takes the recorder's slow path again, which is correct, only slower. Weak references: a pool
 * the application drops is not kept alive here.
 */
final class SeenPools {

    /** Slots; a power of two, far more than the pools a JVM has. */
    private static final int SLOTS = 256;
    /** Slots tried before giving up on caching a pool. */
    private static final int PROBES = 8;

    private final AtomicReferenceArray<WeakReference<Object>> slots = new AtomicReferenceArray<>(SLOTS);

    boolean contains(Object pool) {
        int start = System.identityHashCode(pool);
        for (int i = 0; i < PROBES; i++) {
            WeakReference<Object> ref = slots.get((start + i) & (SLOTS - 1));
            if (ref != null && ref.get() == pool) {
                return true;
            }
        }
        return false;
    }

    void add(Object pool) {
        int start = System.identityHashCode(pool);
        for (int i = 0; i < PROBES; i++) {
            int index = (start + i) & (SLOTS - 1);
            WeakReference<Object> ref = slots.get(index);
            if (ref == null || ref.get() == null) {
                slots.set(index, new WeakReference<>(pool));
                return;
            }
            if (ref.get() == pool) {
                return;
            }
        }
    }
}
