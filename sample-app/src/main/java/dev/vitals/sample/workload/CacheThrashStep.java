package dev.vitals.sample.workload;

import dev.vitals.sample.db.Schema;
import dev.vitals.sample.shop.CustomerService;
import dev.vitals.sample.shop.PriceService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Lookups with uniformly random keys over every customer (5 times the customers cache) and every
 * product (4 times the prices cache): no hot set for the cache to keep, so most lookups miss, load
 * from the database and evict something. Expected hit rates: at most about 20% and 25%.
 *
 * <p>Stateless; one instance serves all workers.
 */
public final class CacheThrashStep implements Step {
    private final CustomerService customers;
    private final PriceService prices;

    public CacheThrashStep(CustomerService customers, PriceService prices) {
        this.customers = customers;
        this.prices = prices;
    }

    @Override
    public void run(ThreadLocalRandom random) throws Exception {
        if (random.nextBoolean()) {
            customers.find(1 + random.nextInt(Schema.CUSTOMERS));
        } else {
            prices.priceCents(1 + random.nextInt(Schema.PRODUCTS));
        }
    }

    /** Shorter than steady's: each miss already costs a query, and thrashing wants many lookups. */
    @Override
    public long thinkMillis(ThreadLocalRandom random) {
        return random.nextLong(2, 9);
    }
}
