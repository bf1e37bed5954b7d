package dev.vitals.sample.workload;

import dev.vitals.sample.shop.ReportService;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The steady mix, plus now and then the revenue report, whose statement takes 1 to 2 seconds in
 * the database.
 *
 * <p>Stateless; one instance serves all workers.
 */
public final class SlowQueryStep implements Step {
    /**
     * Share of operations that run the report: one in 100, so a worker spends about half its time
     * in fast operations and half in the report.
     */
    private static final double REPORT_SHARE = 0.01;
    /** Shortest time the report spends in the database. */
    private static final long MIN_REPORT_MILLIS = 1_000;
    /** Longest time the report spends in the database. */
    private static final long MAX_REPORT_MILLIS = 2_000;

    private final SteadyStep steady;
    private final ReportService reports;

    public SlowQueryStep(SteadyStep steady, ReportService reports) {
        this.steady = steady;
        this.reports = reports;
    }

    @Override
    public void run(ThreadLocalRandom random) throws Exception {
        if (random.nextDouble() < REPORT_SHARE) {
            reports.revenue(Duration.ofMillis(random.nextLong(MIN_REPORT_MILLIS, MAX_REPORT_MILLIS + 1)));
        } else {
            steady.run(random);
        }
    }
}
