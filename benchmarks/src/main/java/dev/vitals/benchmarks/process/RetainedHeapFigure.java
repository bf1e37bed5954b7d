package dev.vitals.benchmarks.process;

import dev.vitals.benchmarks.Configuration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Heap an agent keeps: {@link RetainedHeapApp} (10 pools, 100 caches, 1,000,000 distinct SQL
 * texts) reports its used heap after full GCs; each configuration's median is shown, and its
 * difference from none's is the agent's retained heap. Vitals tracks at most
 * {@code sql.max_statements} (default 1,000) statements; the rest fold into one {@code other}
 * entry per data source, which is what bounds this figure.
 */
final class RetainedHeapFigure {

    /** Pools, caches and distinct statements of the scenario (issue 8). */
    private static final int POOLS = 10;
    private static final int CACHES = 100;
    private static final int STATEMENTS = 1_000_000;

    /** Statements in {@code --quick}: still 20 times {@code sql.max_statements}' default, and quick. */
    private static final int QUICK_STATEMENTS = 20_000;

    /** Wait after the last statement: a few of Vitals' samples ({@code sample.interval=1s}) have run. */
    private static final long SETTLE_MILLIS = 2_500;

    /** Longest one run may take before it counts as hung. */
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private RetainedHeapFigure() {
    }

    static void run(ProcessRun run) throws IOException, InterruptedException {
        int statements = run.quick() ? QUICK_STATEMENTS : STATEMENTS;
        String figure = String.format("Heap after full GC: %d pools, %d caches, %,d distinct SQL", POOLS, CACHES,
                statements);
        Map<Configuration, List<Double>> used = new EnumMap<>(Configuration.class);
        for (int rep = 0; rep < run.repetitions(); rep++) {
            for (Configuration configuration : run.order(rep)) {
                List<String> command = run.javaWith(configuration, run.work("heap", configuration), "sample.interval=1s");
                command.addAll(List.of("-cp", run.benchmarksJar().toString(), RetainedHeapApp.class.getName(),
                        Integer.toString(POOLS), Integer.toString(CACHES), Integer.toString(statements),
                        Long.toString(SETTLE_MILLIS)));
                AppProcess.Finished finished = AppProcess.runToEnd(command, run.logs("heap"),
                        configuration.key() + "-" + rep, TIMEOUT);
                String line = finished.expectLine("the retained-heap app under " + configuration.key(),
                        "retained-heap used_bytes=");
                double mib = Long.parseLong(line.substring(line.indexOf('=') + 1).trim()) / (1024.0 * 1024.0);
                used.computeIfAbsent(configuration, c -> new ArrayList<>()).add(mib);
                run.raw(figure, configuration, rep, mib);
            }
        }
        for (Configuration configuration : run.configurations()) {
            run.figure(figure, "MiB", configuration, Samples.median(used.get(configuration)), "≤ +20 MiB");
        }
        System.out.println("heap     used MiB " + StartupFigure.describe(used));
    }
}
