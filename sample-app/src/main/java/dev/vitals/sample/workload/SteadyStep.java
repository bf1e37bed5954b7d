package dev.vitals.sample.workload;

import dev.vitals.sample.db.Schema;
import dev.vitals.sample.shop.CustomerService;
import dev.vitals.sample.shop.OrderService;
import dev.vitals.sample.shop.PriceService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A healthy shop: customers and prices looked up mostly among a hot set that fits the caches,
 * orders placed in short transactions, recent orders listed.
 *
 * <p>Stateless; one instance serves all workers.
 */
public final class SteadyStep implements Step {
    /** Hot customers: 80% of the customers cache, so once warm nearly every lookup hits. */
    public static final int HOT_CUSTOMERS = CustomerService.MAXIMUM_SIZE * 8 / 10;
    /** Hot products: 60% of the prices cache. */
    public static final int HOT_PRODUCTS = PriceService.MAXIMUM_SIZE * 6 / 10;
    /** Share of lookups that go to any customer or product instead: the occasional miss. */
    private static final double COLD_SHARE = 0.02;
    // The operation mix as cumulative thresholds on one uniform draw: 45% customer lookups,
    // 30% price lookups, 15% orders placed (each also looks up a price), 10% order-history listings.
    /** Draws below this look a customer up. */
    private static final double CUSTOMER_LOOKUP_BELOW = 0.45;
    /** Draws below this (and above the previous) look a price up. */
    private static final double PRICE_LOOKUP_BELOW = 0.75;
    /** Draws below this (and above the previous) place an order; the rest list orders. */
    private static final double ORDER_BELOW = 0.90;

    private final CustomerService customers;
    private final PriceService prices;
    private final OrderService orders;

    public SteadyStep(CustomerService customers, PriceService prices, OrderService orders) {
        this.customers = customers;
        this.prices = prices;
        this.orders = orders;
    }

    @Override
    public void run(ThreadLocalRandom random) throws Exception {
        long customer = pick(random, HOT_CUSTOMERS, Schema.CUSTOMERS);
        double what = random.nextDouble();
        if (what < CUSTOMER_LOOKUP_BELOW) {
            customers.find(customer);
        } else if (what < PRICE_LOOKUP_BELOW) {
            prices.priceCents(pick(random, HOT_PRODUCTS, Schema.PRODUCTS));
        } else if (what < ORDER_BELOW) {
            long product = pick(random, HOT_PRODUCTS, Schema.PRODUCTS);
            orders.placeOrder(customer, product, 1 + random.nextInt(3), prices.priceCents(product));
        } else {
            orders.recentOrders(customer);
        }
    }

    /** An id in {@code 1..hot}, or now and then in {@code 1..all}. */
    private static long pick(ThreadLocalRandom random, int hot, int all) {
        return 1 + random.nextInt(random.nextDouble() < COLD_SHARE ? all : hot);
    }
}
