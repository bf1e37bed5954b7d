package com.example.orders;

/** Stands for application code outside the agent's packages, to appear as a slow query's caller. */
public final class OrderRepository {

    private OrderRepository() {
    }

    /** Runs {@code work} as if this class issued the statement. */
    public static void findRecent(Runnable work) {
        work.run();
    }
}
