package dev.vitals.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeakIdentityTableTest {

    @Test
    void findsKeysByIdentityNotEquality() {
        WeakIdentityTable table = new WeakIdentityTable(64);
        String key = new String("same");
        String equal = new String("same");

        table.put(key, 7);

        assertThat(table.get(key, -1)).isEqualTo(7);
        assertThat(table.get(equal, -1)).isEqualTo(-1);
    }

    @Test
    void putReplacesTheValueOfAKnownKeyAndRemoveForgetsIt() {
        WeakIdentityTable table = new WeakIdentityTable(64);
        Object key = new Object();

        table.put(key, 1);
        table.put(key, 2);
        assertThat(table.get(key, -1)).isEqualTo(2);
        assertThat(table.size()).isEqualTo(1);

        table.remove(key);
        assertThat(table.get(key, -1)).isEqualTo(-1);
    }

    @Test
    void aFullTableForgetsRatherThanGrows() {
        WeakIdentityTable table = new WeakIdentityTable(16);
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Object key = new Object();
            keys.add(key);
            table.put(key, i);
        }

        assertThat(table.size()).isLessThanOrEqualTo(16);
        assertThat(table.get(keys.get(99), -1)).isEqualTo(99);
    }

    @Test
    void sizeMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new WeakIdentityTable(100)).isInstanceOf(IllegalArgumentException.class);
    }
}
