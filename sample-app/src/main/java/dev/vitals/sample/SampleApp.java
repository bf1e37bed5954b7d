package dev.vitals.sample;

import dev.vitals.sample.db.ConnectionSettings;
import dev.vitals.sample.db.Database;
import dev.vitals.sample.db.Schema;
import dev.vitals.sample.db.StatementRunner;
import dev.vitals.sample.db.TrackedPool;
import dev.vitals.sample.options.OptionParser;
import dev.vitals.sample.options.Options;
import dev.vitals.sample.options.UsageException;
import dev.vitals.sample.shop.CustomerService;
import dev.vitals.sample.shop.OrderService;
import dev.vitals.sample.shop.PriceService;
import dev.vitals.sample.shop.ReportService;
import dev.vitals.sample.truth.GroundTruth;
import dev.vitals.sample.truth.StatementTruth;
import dev.vitals.sample.truth.TruthFile;
import dev.vitals.sample.truth.TruthPublisher;
import dev.vitals.sample.truth.WorkloadTruth;
import dev.vitals.sample.workload.CacheThrashStep;
import dev.vitals.sample.workload.PoolStarvationStep;
import dev.vitals.sample.workload.SlowQueryStep;
import dev.vitals.sample.workload.SteadyStep;
import dev.vitals.sample.workload.Step;
import dev.vitals.sample.workload.Workers;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The sample app's entry point and composition root: parses the options, opens the pools, sets up
 * the schema, builds the services and the scenario's workers, starts the run, prints the ready line
 * and waits for an exit request.
 *
 * <p>Exit codes: 0 after {@code exit} (or {@code --help}), 1 if the app cannot start (for example,
 * the database is unreachable), 2 for a bad command line.
 */
public final class SampleApp {
    /** The pool the workload's orders, customers and prices use; its name is what Vitals reports. */
    static final String ORDERS_POOL = "orders-pool";
    /** A second pool only the slow report uses, as reporting often has its own. */
    static final String REPORTS_POOL = "reports-pool";
    /**
     * Most connections {@code reports-pool} gets. It has one per worker up to this, so a slow report
     * waits in the database, not for a connection: slow-queries shows slow SQL, not a starving pool.
     */
    private static final int REPORTS_POOL_MAX = 10;
    /** A report waits this long for a connection; long enough that it rarely gives up. */
    private static final Duration REPORTS_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    private SampleApp() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the app; returns the exit code (only once it is time to exit). */
    static int run(String[] args) {
        Options options;
        try {
            options = new OptionParser().parse(args);
        } catch (UsageException e) {
            System.err.println("sample-app: " + e.getMessage());
            return 2;
        }
        if (options.help()) {
            System.out.print(OptionParser.usage());
            System.out.flush();
            return 0;
        }

        Database database = Database.forUrl(options.jdbcUrl());
        ConnectionSettings settings = new ConnectionSettings(options.jdbcUrl(), options.user(), options.password());
        StatementTruth statementTruth = new StatementTruth();
        StatementRunner sql = new StatementRunner(statementTruth);
        TrackedPool orders = null;
        TrackedPool reports = null;
        SampleRun run;
        TruthPublisher publisher;
        try {
            orders = TrackedPool.open(ORDERS_POOL, settings, options.poolSize(), options.scenario().connectionTimeout());
            reports = TrackedPool.open(REPORTS_POOL, settings, Math.min(options.threads(), REPORTS_POOL_MAX),
                    REPORTS_CONNECTION_TIMEOUT);
            new Schema(database, sql).create(orders);

            CustomerService customerService = new CustomerService(orders, sql, database.tables());
            PriceService priceService = new PriceService(orders, sql, database.tables());
            OrderService orderService = new OrderService(orders, sql, database.tables());
            ReportService reportService = new ReportService(reports, sql, database);
            // Warm what steady reads most, as a real app would before taking traffic.
            customerService.warmUp(SteadyStep.HOT_CUSTOMERS);
            priceService.warmUp(SteadyStep.HOT_PRODUCTS);
            SteadyStep steady = new SteadyStep(customerService, priceService, orderService);
            Step step = switch (options.scenario()) {
                case STEADY -> steady;
                case POOL_STARVATION -> new PoolStarvationStep(priceService, orderService);
                case CACHE_THRASH -> new CacheThrashStep(customerService, priceService);
                case SLOW_QUERIES -> new SlowQueryStep(steady, reportService);
            };

            WorkloadTruth workloadTruth = new WorkloadTruth(options.threads());
            GroundTruth truth = new GroundTruth(options.scenario().cliName(), ProcessHandle.current().pid(),
                    database.id(), List.of(orders.truth(), reports.truth()), statementTruth,
                    List.of(customerService.truth(), priceService.truth()), workloadTruth);
            publisher = new TruthPublisher(truth, options.truthFile().map(TruthFile::new), Clock.systemUTC());
            run = new SampleRun(truth, publisher, new Workers(step, options.threads(), workloadTruth),
                    () -> {
                        customerService.cleanUp();
                        priceService.cleanUp();
                    },
                    options.truthInterval(), options.duration(), options.exitAfterDuration());
        } catch (SQLException | RuntimeException e) {
            System.err.println("sample-app: cannot start on " + settings.jdbcUrl() + ": " + e);
            closeQuietly(reports);
            closeQuietly(orders);
            return 1;
        }

        // A SIGTERM or Ctrl-C still leaves a final, consistent truth file behind.
        SampleRun stopping = run;
        Runtime.getRuntime().addShutdownHook(new Thread(stopping::stop, "sample-shutdown"));
        if (options.startPaused()) {
            // The truth as set-up left it: a test that attaches now compares against what follows.
            publisher.publish();
        } else {
            run.start();
        }
        System.out.println("sample-app ready pid=" + ProcessHandle.current().pid()
                + " scenario=" + options.scenario().cliName() + (options.startPaused() ? " paused" : ""));
        System.out.flush();
        new CommandReader(System.in, run, publisher).start();
        try {
            return run.awaitExit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static void closeQuietly(TrackedPool pool) {
        if (pool != null) {
            try {
                pool.close();
            } catch (RuntimeException ignored) {
                // Already failing to start; the first error is the one worth reporting.
            }
        }
    }
}
