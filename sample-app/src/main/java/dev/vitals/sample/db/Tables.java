package dev.vitals.sample.db;

/**
 * The names of the app's tables in the database it runs on (see {@link Database#tables()}).
 *
 * @param customers customers: id, name, region
 * @param products  products: id, name, price in cents, stock
 * @param orders    orders: id, customer, product, quantity, amount in cents, created at
 */
public record Tables(String customers, String products, String orders) {
}
