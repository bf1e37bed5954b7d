package dev.vitals.sample.workload;

import dev.vitals.sample.db.Schema;
import dev.vitals.sample.shop.OrderService;
import dev.vitals.sample.shop.PriceService;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Checkouts that keep their transaction, and so their connection, open across a 200 to 500 ms
 * payment call. With more workers than connections, most of the time every connection is held and
 * waiting borrowers give up after the pool's short connection timeout.
 *
 * <p>Stateless; one instance serves all workers.
 */
public final class PoolStarvationStep implements Step {
    /** Shortest simulated payment call: near the 250 ms connection timeout, so waiters often give up. */
    private static final long MIN_HOLD_MILLIS = 200;
    /** Longest simulated payment call. */
    private static final long MAX_HOLD_MILLIS = 500;

    private final PriceService prices;
    private final OrderService orders;

    public PoolStarvationStep(PriceService prices, OrderService orders) {
        this.prices = prices;
        this.orders = orders;
    }

    @Override
    public void run(ThreadLocalRandom random) throws Exception {
        long customer = 1 + random.nextInt(Schema.CUSTOMERS);
        long product = 1 + random.nextInt(SteadyStep.HOT_PRODUCTS);
        long price = prices.priceCents(product);
        Duration paymentCall = Duration.ofMillis(random.nextLong(MIN_HOLD_MILLIS, MAX_HOLD_MILLIS + 1));
        orders.checkoutWithPaymentCall(customer, product, 1 + random.nextInt(3), price, paymentCall);
    }
}
