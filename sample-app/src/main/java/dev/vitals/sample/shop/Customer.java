package dev.vitals.sample.shop;

/**
 * A customer row. Immutable, so the cache can hand the same instance to every thread.
 *
 * @param id     customer id, 1 to {@code Schema.CUSTOMERS}
 * @param name   display name
 * @param region one of a handful of regions
 */
public record Customer(long id, String name, String region) {
}
