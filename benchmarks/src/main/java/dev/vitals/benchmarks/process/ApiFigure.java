package dev.vitals.benchmarks.process;

import dev.vitals.benchmarks.Configuration;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's own costs while an application runs: the sample app ({@code steady} scenario) with
 * Vitals sampling every second.
 *
 * <ul>
 *   <li><b>Sampler:</b> {@code /api/v1/health} is read every {@link #HEALTH_POLL} for each new
 *       sample's {@code sampling.last_sample_cpu_ms} (CPU time on the sampler thread) and
 *       {@code last_sample_duration_ms} (its wall time, history fsync included); the first samples
 *       (JIT warm-up) are left out; median and p99 are reported.</li>
 *   <li><b>API latency:</b> {@code GET /api/v1/performance/metrics/overview}, then {@code /metrics},
 *       each {@link #RATE_PER_SECOND} requests/s over {@link #CONNECTIONS} keep-alive connections,
 *       open loop ({@link OpenLoopLoad}): a warm-up phase, then the measured one; p50 and p99 from
 *       each request's intended start.</li>
 * </ul>
 *
 * The load generator runs on the same machine and its own time is in the latencies.
 */
final class ApiFigure {

    static final String OVERVIEW = "/api/v1/performance/metrics/overview";
    static final String METRICS = "/metrics";

    /** The load of issue 8. */
    private static final int CONNECTIONS = 8;
    private static final double RATE_PER_SECOND = 200;

    /** Measured and warm-up phases per endpoint (full run; {@code --quick} uses the short ones). */
    private static final Duration MEASURE = Duration.ofSeconds(30);
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration QUICK_MEASURE = Duration.ofSeconds(2);
    private static final Duration QUICK_WARM_UP = Duration.ofSeconds(1);

    /** Samples read for the sampler figure, and those skipped first (full run / quick). */
    private static final int SAMPLES = 60;
    private static final int SKIPPED_SAMPLES = 5;
    private static final int QUICK_SAMPLES = 3;

    /** Well under {@code sample.interval=1s}, so no sample is missed. */
    private static final Duration HEALTH_POLL = Duration.ofMillis(200);

    private static final Pattern BANNER = Pattern.compile("listening on (http://\\S+/) ");
    private static final Pattern LAST_SAMPLE_AT = Pattern.compile("\"last_sample_at\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CPU_MS = Pattern.compile("\"last_sample_cpu_ms\"\\s*:\\s*([-0-9.eE]+)");
    private static final Pattern DURATION_MS = Pattern.compile("\"last_sample_duration_ms\"\\s*:\\s*([-0-9.eE]+)");

    private ApiFigure() {
    }

    static void run(ProcessRun run) throws IOException, InterruptedException {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String token = "bench-" + HexFormat.of().formatHex(secret);
        List<String> command = run.javaWith(Configuration.VITALS, run.work("api", Configuration.VITALS),
                "token=" + token, "sample.interval=1s");
        command.addAll(List.of("-jar", run.sampleJar().toString(), "--scenario", "steady"));
        try (AppProcess app = AppProcess.start(command, run.logs("api"), "sample-app")) {
            app.awaitStdout("sample-app ready", Duration.ofSeconds(90));
            URI base = URI.create(app.awaitStderr(BANNER, Duration.ofSeconds(60)));
            awaitFirstSample(base, token);

            sampler(run, base);
            for (String path : List.of(OVERVIEW, METRICS)) {
                latency(run, base, token, path);
            }
            app.send("exit");
            app.awaitExit(Duration.ofSeconds(30));
        }
    }

    private static void awaitFirstSample(URI base, String token) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KeepAliveConnection http = new KeepAliveConnection(base, token)) {
            while (true) {
                KeepAliveConnection.Response response = http.get(OVERVIEW);
                if (response.status() == 200) {
                    return;
                }
                if (response.status() != 503 || System.nanoTime() > deadline) {
                    throw new IOException(OVERVIEW + " answered " + response.status() + ": " + response.body());
                }
                Thread.sleep(HEALTH_POLL.toMillis());
            }
        }
    }

    private static void sampler(ProcessRun run, URI base) throws IOException, InterruptedException {
        int wanted = run.quick() ? QUICK_SAMPLES : SAMPLES;
        int skip = run.quick() ? 0 : SKIPPED_SAMPLES;
        List<Double> cpu = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        String last = null;
        int seen = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(3L * (wanted + skip) + 30).toNanos();
        try (KeepAliveConnection http = new KeepAliveConnection(base, null)) {
            while (cpu.size() < wanted) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("only " + cpu.size() + " of " + wanted + " samples seen on /api/v1/health");
                }
                String body = http.get("/api/v1/health").body();
                String at = group(LAST_SAMPLE_AT, body);
                if (at != null && !at.equals(last)) {
                    last = at;
                    String cpuMs = group(CPU_MS, body);
                    String wallMs = group(DURATION_MS, body);
                    if (seen++ >= skip && cpuMs != null && wallMs != null) {
                        cpu.add(Double.parseDouble(cpuMs));
                        wall.add(Double.parseDouble(wallMs));
                        run.raw("sampler cpu ms", Configuration.VITALS, cpu.size(), cpu.get(cpu.size() - 1));
                        run.raw("sampler wall ms", Configuration.VITALS, wall.size(), wall.get(wall.size() - 1));
                    }
                }
                Thread.sleep(HEALTH_POLL.toMillis());
            }
        }
        if (cpu.isEmpty()) {
            throw new IOException("/api/v1/health gave no sampling.last_sample_cpu_ms");
        }
        String figure = "Sampler CPU per sample (sample app, sample.interval=1s)";
        run.figure(figure + ": median", "ms", Configuration.VITALS, Samples.median(cpu), "");
        run.figure(figure + ": p99", "ms", Configuration.VITALS, Samples.percentile(cpu, 0.99), "");
        run.figure("Sampler wall per sample (fsync included): median", "ms", Configuration.VITALS,
                Samples.median(wall), "");
        System.out.println("sampler  cpu ms " + Samples.describe(cpu) + "  wall ms " + Samples.describe(wall));
    }

    private static void latency(ProcessRun run, URI base, String token, String path)
            throws IOException, InterruptedException {
        Duration warmUp = run.quick() ? QUICK_WARM_UP : WARM_UP;
        Duration measure = run.quick() ? QUICK_MEASURE : MEASURE;
        OpenLoopLoad.run(base, path, token, CONNECTIONS, RATE_PER_SECOND, warmUp);
        OpenLoopLoad.Result result = OpenLoopLoad.run(base, path, token, CONNECTIONS, RATE_PER_SECOND, measure);
        if (result.failures() > 0) {
            throw new IOException(path + ": " + result.failures() + " of " + result.sortedNanos().length
                    + " responses were not 200");
        }
        String figure = "API GET " + path + " at " + (int) RATE_PER_SECOND + " req/s, " + CONNECTIONS + " connections";
        run.figure(figure + ": p50", "ms", Configuration.VITALS, result.percentileMillis(0.50), "");
        run.figure(figure + ": p99", "ms", Configuration.VITALS, result.percentileMillis(0.99),
                path.equals(OVERVIEW) ? "≤ 2 ms" : "");
        System.out.printf("api      %s  requests=%d p50=%.2f ms p99=%.2f ms max=%.2f ms%n", path,
                result.sortedNanos().length, result.percentileMillis(0.50), result.percentileMillis(0.99),
                result.percentileMillis(1.0));
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : null;
    }
}
