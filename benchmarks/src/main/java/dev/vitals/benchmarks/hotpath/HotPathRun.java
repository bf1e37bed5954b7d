package dev.vitals.benchmarks.hotpath;

import dev.vitals.benchmarks.AgentJars;
import dev.vitals.benchmarks.Arguments;
import dev.vitals.benchmarks.Configuration;
import dev.vitals.benchmarks.report.Figure;
import dev.vitals.benchmarks.report.FigureFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every hot-path benchmark under the three configurations in one invocation: for each
 * benchmark, a JMH run per configuration, one after the other, so that a drift of the machine
 * during the run does not land on one configuration only. Each fork gets the configuration's
 * agent through {@code jvmArgsAppend}; allocation per operation comes from JMH's GC profiler.
 *
 * <p>Writes {@code <out>/jmh/<configuration>/<benchmark>.json} (JMH's own JSON), all of them
 * merged into {@code <out>/jmh/results.json} as {@code {"none": [...], "vitals": [...], "otel": [...]}},
 * JMH's human-readable output to {@code <out>/logs/jmh-*.log}, and the figures (time and
 * allocation per operation) to the figures file.
 *
 * <pre>
 * java -cp vitals-benchmarks.jar dev.vitals.benchmarks.hotpath.HotPathRun --agent A.jar --otel O.jar
 *     --out DIR --figures FILE [--quick] [--configs none,vitals,otel] [--only REGEX]
 *     [--forks N] [--warmup N] [--iterations N] [--seconds S]
 * </pre>
 *
 * Exit status 0, or 1 when a benchmark failed under some configuration (the others still run).
 */
public final class HotPathRun {

    /** JVM options of every fork, before the configuration's: a fixed heap, so GC work is comparable. */
    private static final List<String> FORK_JVM_ARGS = List.of("-Xms512m", "-Xmx512m");

    /** A benchmark method, the row it becomes and Vitals' targets for it (issue 8). */
    private record HotPath(Class<?> type, String method, String row, String timeTarget, String allocationTarget) {

        String name() {
            return type.getSimpleName() + "." + method;
        }

        String include() {
            return "^" + Pattern.quote(type.getName() + "." + method) + "$";
        }
    }

    /** Table order. */
    private static final List<HotPath> HOT_PATHS = List.of(
            new HotPath(CacheBenchmark.class, "getIfPresentHitWithoutStats", "Caffeine getIfPresent hit, no recordStats()",
                    "≤ none + Caffeine's recordStats() cost", "+0 B"),
            new HotPath(CacheBenchmark.class, "getIfPresentHitAppStats", "Caffeine getIfPresent hit, app's recordStats()",
                    "≤ 1.05×", "+0 B"),
            new HotPath(CacheBenchmark.class, "loadingGetMiss", "Caffeine LoadingCache.get miss → load → evict", "", ""),
            new HotPath(PoolBenchmark.class, "borrowRelease", "Hikari borrow + release", "≤ 1.10×", "+0 B"),
            new HotPath(PoolBenchmark.class, "borrowReleaseAppTracker", "Hikari borrow + release, app's metrics tracker",
                    "≤ 1.10×", "+0 B"),
            new HotPath(PoolBenchmark.class, "borrowPreparedSelect", "Hikari borrow + prepared select + read (H2)",
                    "≤ 1.10×", "+0 B"),
            new HotPath(StatementBenchmark.class, "literalStatement", "Statement with literal SQL (H2)", "", ""));

    private HotPathRun() {
    }

    public static void main(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        boolean quick = arguments.flag("quick");
        AgentJars agents = new AgentJars(arguments.optionalPath("agent"), arguments.optionalPath("otel"));
        Path out = arguments.path("out").toAbsolutePath();
        FigureFile figures = new FigureFile(arguments.path("figures"));
        List<Configuration> configurations = Configuration.parseList(arguments.string("configs", "none,vitals,otel"));
        Pattern only = Pattern.compile(arguments.string("only", ".*"));
        int forks = arguments.integer("forks", quick ? 1 : 2);
        int warmup = arguments.integer("warmup", quick ? 1 : 3);
        int iterations = arguments.integer("iterations", quick ? 1 : 3);
        double seconds = arguments.decimal("seconds", quick ? 0.3 : 2.0);

        List<Configuration> runnable = new ArrayList<>();
        for (Configuration configuration : configurations) {
            if (configuration.available(agents)) {
                runnable.add(configuration);
            } else {
                System.err.println("hotpath: skipping " + configuration.key() + ": its agent jar is missing");
            }
        }

        Path jmhDir = out.resolve("jmh");
        Path logDir = out.resolve("logs");
        Files.createDirectories(logDir);
        Map<Configuration, List<Path>> jsonFiles = new EnumMap<>(Configuration.class);
        int failures = 0;
        for (HotPath hotPath : HOT_PATHS) {
            if (!only.matcher(hotPath.name()).find()) {
                continue;
            }
            for (Configuration configuration : runnable) {
                Path json = jmhDir.resolve(configuration.key()).resolve(hotPath.name() + ".json");
                Path work = out.resolve("work").resolve("hotpath").resolve(hotPath.name()).resolve(configuration.key());
                Files.createDirectories(json.getParent());
                Files.createDirectories(work);
                TimeValue time = TimeValue.milliseconds(Math.round(seconds * 1000));
                ChainedOptionsBuilder options = new OptionsBuilder()
                        .include(hotPath.include())
                        .forks(forks)
                        .warmupIterations(warmup)
                        .warmupTime(time)
                        .measurementIterations(iterations)
                        .measurementTime(time)
                        .timeUnit(TimeUnit.NANOSECONDS)
                        .addProfiler(GCProfiler.class)
                        .jvmArgs(FORK_JVM_ARGS.toArray(String[]::new))
                        .jvmArgsAppend(configuration.jvmArgs(agents, work).toArray(String[]::new))
                        .resultFormat(ResultFormatType.JSON)
                        .result(json.toString())
                        .output(logDir.resolve("jmh-" + configuration.key() + "-" + hotPath.name() + ".log").toString())
                        .shouldFailOnError(true);
                long started = System.nanoTime();
                try {
                    RunResult result = single(new Runner(options.build()).run(), hotPath);
                    double nanos = result.getPrimaryResult().getScore();
                    double bytes = allocationPerOp(result);
                    figures.append(new Figure(hotPath.row(), "ns/op", configuration, nanos, hotPath.timeTarget()));
                    figures.append(new Figure(hotPath.row() + ": allocated", "B/op", configuration, bytes,
                            hotPath.allocationTarget()));
                    jsonFiles.computeIfAbsent(configuration, c -> new ArrayList<>()).add(json);
                    System.out.printf("hotpath  %-45s %-6s %12.1f ns/op %10.1f B/op  (%.0f s)%n", hotPath.name(),
                            configuration.key(), nanos, bytes, (System.nanoTime() - started) / 1e9);
                } catch (RunnerException | RuntimeException e) {
                    failures++;
                    System.out.printf("hotpath  %-45s %-6s FAILED: %s (see %s)%n", hotPath.name(), configuration.key(),
                            e.getMessage(), logDir);
                }
            }
        }
        writeMerged(jmhDir.resolve("results.json"), jsonFiles);
        System.exit(failures == 0 ? 0 : 1);
    }

    private static RunResult single(Collection<RunResult> results, HotPath hotPath) {
        if (results.size() != 1) {
            throw new IllegalStateException("expected one result for " + hotPath.name() + ", got " + results.size());
        }
        return results.iterator().next();
    }

    /** JMH's {@code gc.alloc.rate.norm}: bytes allocated per operation, on all threads of the fork. */
    private static double allocationPerOp(RunResult result) {
        for (Map.Entry<String, Result> secondary : result.getSecondaryResults().entrySet()) {
            if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
                return secondary.getValue().getScore();
            }
        }
        throw new IllegalStateException("the GC profiler gave no gc.alloc.rate.norm; secondary results: "
                + result.getSecondaryResults().keySet());
    }

    /** JMH writes one JSON array per run; the merged file keys them by configuration. */
    private static void writeMerged(Path merged, Map<Configuration, List<Path>> jsonFiles) throws IOException {
        StringBuilder json = new StringBuilder("{\n");
        boolean firstConfiguration = true;
        for (Map.Entry<Configuration, List<Path>> entry : jsonFiles.entrySet()) {
            json.append(firstConfiguration ? "" : ",\n").append("\"").append(entry.getKey().key()).append("\": [\n");
            firstConfiguration = false;
            boolean firstRun = true;
            for (Path file : entry.getValue()) {
                String array = Files.readString(file, StandardCharsets.UTF_8).strip();
                String elements = array.substring(1, array.length() - 1).strip();
                if (elements.isEmpty()) {
                    continue;
                }
                json.append(firstRun ? "" : ",\n").append(elements);
                firstRun = false;
            }
            json.append("\n]");
        }
        json.append("\n}\n");
        Files.createDirectories(merged.getParent());
        Files.writeString(merged, json.toString(), StandardCharsets.UTF_8);
    }
}
