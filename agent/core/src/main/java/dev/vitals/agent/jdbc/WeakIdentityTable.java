package dev.vitals.agent.jdbc;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small, fixed-size map from objects, by identity, to {@code long} values, that never keeps its
 * keys alive: an open-addressing table of weak references indexed by identity hash. Used for
 * things the application owns and we only label (connections, data sources, statements).
 *
 * <p>Concurrency: {@link #get} is lock-free and allocates nothing; {@link #put} allocates one
 * entry and may race with another {@code put} of the same key (both entries then hold the same
 * value, which is harmless). Accuracy: a key is looked for in {@link #PROBES} slots only; when all
 * of them hold live keys, {@code put} replaces the first, so a full table forgets, it never
 * grows. Memory: {@code slots} references plus one small entry per key, fixed.
 */
final class WeakIdentityTable {

    /** Slots tried per key, by lookup and by insertion. */
    static final int PROBES = 8;

    /** A key held weakly, with its value. */
    private static final class Entry extends WeakReference<Object> {
        final long value;

        Entry(Object key, long value) {
            super(key);
            this.value = value;
        }
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;

    /** @param slots a power of two */
    WeakIdentityTable(int slots) {
        if (slots < PROBES || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots must be a power of two >= " + PROBES + ": " + slots);
        }
        this.slots = new AtomicReferenceArray<>(slots);
        this.mask = slots - 1;
    }

    /** The value stored for {@code key}, or {@code missing}. */
    long get(Object key, long missing) {
        int start = System.identityHashCode(key);
        for (int i = 0; i < PROBES; i++) {
            Entry entry = slots.get((start + i) & mask);
            if (entry != null && entry.get() == key) {
                return entry.value;
            }
        }
        return missing;
    }

    /** Stores {@code value} for {@code key}, replacing a dead entry or, when none is free, the oldest-probed one. */
    void put(Object key, long value) {
        int start = System.identityHashCode(key);
        int target = -1;
        for (int i = 0; i < PROBES; i++) {
            int index = (start + i) & mask;
            Entry entry = slots.get(index);
            if (entry == null || entry.get() == null || entry.get() == key) {
                target = index;
                break;
            }
        }
        slots.set(target >= 0 ? target : start & mask, new Entry(key, value));
    }

    /** Forgets {@code key} if it is stored. */
    void remove(Object key) {
        int start = System.identityHashCode(key);
        for (int i = 0; i < PROBES; i++) {
            int index = (start + i) & mask;
            Entry entry = slots.get(index);
            if (entry != null && entry.get() == key) {
                slots.compareAndSet(index, entry, null);
            }
        }
    }

    /** Live keys now (for tests and the health report); walks the table. */
    int size() {
        int live = 0;
        for (int i = 0; i < slots.length(); i++) {
            Entry entry = slots.get(i);
            if (entry != null && entry.get() != null) {
                live++;
            }
        }
        return live;
    }
}
