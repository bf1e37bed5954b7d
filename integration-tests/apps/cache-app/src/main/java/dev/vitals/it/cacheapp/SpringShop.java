package dev.vitals.it.cacheapp;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.Random;
import org.springframework.cache.Cache;
import org.springframework.cache.caffeine.CaffeineCacheManager;

/**
 * Two caches made by Spring's {@link CaffeineCacheManager} from one builder without statistics:
 * Vitals must show them as {@code users} and {@code orders}. Loaded only with {@code --spring}.
 */
final class SpringShop {

    final Counts usersCounts = new Counts();
    final Counts ordersCounts = new Counts();
    private final Cache users;
    private final Cache orders;
    private final Random random = new Random(7);

    SpringShop() {
        CaffeineCacheManager manager = new CaffeineCacheManager();
        manager.setCaffeine(Caffeine.newBuilder().maximumSize(40).executor(Runnable::run));
        manager.setCacheNames(List.of("users", "orders"));
        users = manager.getCache("users");
        orders = manager.getCache("orders");
    }

    void run(int rounds) {
        for (int i = 0; i < rounds; i++) {
            lookup(users, usersCounts, random.nextInt(60));
            lookup(orders, ordersCounts, random.nextInt(120));
        }
    }

    private static void lookup(Cache cache, Counts counts, int key) {
        Cache.ValueWrapper found = cache.get(key);
        counts.lookup(found != null);
        if (found == null) {
            cache.put(key, "v" + key);
        }
    }

    String json() {
        com.github.benmanes.caffeine.cache.Cache<?, ?> nativeUsers =
                (com.github.benmanes.caffeine.cache.Cache<?, ?>) users.getNativeCache();
        com.github.benmanes.caffeine.cache.Cache<?, ?> nativeOrders =
                (com.github.benmanes.caffeine.cache.Cache<?, ?>) orders.getNativeCache();
        return "\"users\":" + usersCounts.json(nativeUsers.stats(), nativeUsers.policy().isRecordingStats())
                + ",\"orders\":" + ordersCounts.json(nativeOrders.stats(), nativeOrders.policy().isRecordingStats());
    }
}
