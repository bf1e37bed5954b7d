package dev.vitals.it.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Response;
import dev.vitals.it.harness.Vitals;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The persisted history across a restart of the application: a second JVM of the same
 * application ({@code app.name}) on the same {@code state.dir} serves, from its timeseries, the
 * points the first one recorded — after a clean exit, and after a {@code kill -9}.
 *
 * <p>How the two timeseries are compared. At {@code hours=1} the buckets are built from every raw
 * sample ({@code samples} counts them), and at {@code interval=1m} a bucket is one UTC minute.
 * <ul>
 *   <li><b>Closed buckets, exactly.</b> The sampler is one thread that adds its samples to the
 *       history in time order, so once a bucket is followed by another in the first JVM's
 *       timeseries, no later sample of that JVM (nor any of the second, which starts later) can
 *       land in it. Every bucket of the first JVM's answer but its last must therefore come back
 *       from the second JVM identical, field for field ({@code samples}, {@code queries_per_second},
 *       {@code cache_hit_rate}, score, …): the same stored doubles aggregated in the same order.
 *       The clean-exit test waits for the first JVM to cross a minute boundary so that there is
 *       at least one such bucket (up to a minute).</li>
 *   <li><b>The open bucket, by counting.</b> The last bucket may still gain samples: the first
 *       JVM's own until it stops, and the second JVM's if it starts within the same minute. So
 *       samples are counted instead: the second JVM's timeseries holds all persisted samples of
 *       the first plus its own, and its own count ({@code /api/v1/health} → {@code
 *       sampling.samples}) is read before and after the timeseries, so
 *       {@code total − own after ≤ persisted ≤ total − own before}. The first JVM's count is read
 *       just before it exits or is killed. A clean exit loses nothing: persisted ≥ that count. A
 *       {@code kill -9} loses at most the sample being written: persisted ≥ that count − 1. And
 *       nothing is counted twice: persisted ≤ that count plus the samples the first JVM can have
 *       taken between the read and its end (one per second elapsed, plus two for a sampler
 *       catching up after a stall).</li>
 * </ul>
 */
class HistoryRestartIT {

    private static final String TOKEN = "history-restart-it";
    private static final String APP = "history-restart-it";
    private static final String TIMESERIES = "/api/v1/performance/metrics/timeseries?hours=1&interval=1m";
    private static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);
    /** Samples the first JVM takes before it stops. */
    private static final int BEFORE_RESTART = 5;
    /** Start-up, five samples and, at worst, a minute boundary to cross, on a loaded machine. */
    private static final Duration FIRST_RUN = Duration.ofSeconds(120);
    /** Samples the second JVM takes before its timeseries is read again. */
    private static final int AFTER_RESTART = 3;
    /** A sampler catching up after a stall (fixed rate) may take this many samples back to back. */
    private static final int CATCH_UP_SAMPLES = 2;

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @Test
    void pointsRecordedBeforeACleanExitAreServedAfterTheRestart() {
        Path stateDir = jvms.newDir("state");
        JavaProcess first = sampleApp("first", stateDir);
        Vitals before = Vitals.awaitStartLine(first, JavaProcess.STARTUP);
        // At least one closed bucket: the history must span a minute boundary.
        JsonNode seriesBefore = awaitTimeseries(before, FIRST_RUN,
                series -> samples(series) >= BEFORE_RESTART && points(series).size() >= 2);
        long stopping = System.nanoTime();
        JsonNode healthBefore = sampling(before);
        long seen = healthBefore.path("samples").asLong();
        first.writeStdin("exit");
        assertThat(first.awaitExit(Duration.ofSeconds(60))).as("exit status of the first JVM").isZero();
        Duration stopTook = Duration.ofNanos(System.nanoTime() - stopping);

        JavaProcess second = sampleApp("second", stateDir);
        Vitals after = Vitals.awaitStartLine(second, JavaProcess.STARTUP);
        Restarted early = readRestarted(after);
        awaitOwnSamples(after, AFTER_RESTART);
        Restarted later = readRestarted(after);

        for (Restarted read : List.of(early, later)) {
            assertClosedBucketsIdentical(seriesBefore, read.series());
            assertOpenBucketKept(seriesBefore, read.series());
            assertThat(read.persistedAtLeast()).as("samples of the first JVM in the second's timeseries (%s); "
                    + "the first had taken %d before its exit", read, seen).isGreaterThanOrEqualTo(seen);
            assertThat(read.persistedAtMost()).as("samples of the first JVM, counted once (%s)", read)
                    .isLessThanOrEqualTo(seen + samplesWithin(stopTook));
        }
        assertHistoryPersisted(healthBefore, stateDir);
        assertHistoryPersisted(sampling(after), stateDir);
    }

    @Test
    void aKillMinus9LosesAtMostTheLastInterval() {
        Path stateDir = jvms.newDir("state");
        JavaProcess first = sampleApp("first", stateDir);
        Vitals before = Vitals.awaitStartLine(first, JavaProcess.STARTUP);
        JsonNode seriesBefore = awaitTimeseries(before, FIRST_RUN, series -> samples(series) >= BEFORE_RESTART);
        long killing = System.nanoTime();
        JsonNode healthBefore = sampling(before);
        assertThat(first.kill()).as("exit status of the first JVM: killed by SIGKILL").isEqualTo(137);
        Duration killTook = Duration.ofNanos(System.nanoTime() - killing);
        long seen = healthBefore.path("samples").asLong();
        Instant lastSeen = Instant.parse(healthBefore.path("last_sample_at").asText());

        JavaProcess second = sampleApp("second", stateDir);
        Vitals after = Vitals.awaitStartLine(second, JavaProcess.STARTUP);
        awaitOwnSamples(after, AFTER_RESTART);
        Restarted read = readRestarted(after);

        assertThat(read.persistedAtLeast()).as("samples of the killed JVM in the second's timeseries (%s); "
                + "it had taken %d before the kill", read, seen).isGreaterThanOrEqualTo(seen - 1);
        assertThat(read.persistedAtMost()).as("samples of the killed JVM, counted once (%s)", read)
                .isLessThanOrEqualTo(seen + samplesWithin(killTook));
        assertThat(points(read.series())).extracting(p -> p.path("timestamp").asText())
                .as("the minute of the last sample seen before the kill")
                .contains(lastSeen.truncatedTo(ChronoUnit.MINUTES).toString());
        assertClosedBucketsIdentical(seriesBefore, read.series());
        assertOpenBucketKept(seriesBefore, read.series());
        assertHistoryPersisted(healthBefore, stateDir);
        assertHistoryPersisted(sampling(after), stateDir);
    }

    /**
     * The second JVM's timeseries with its own sample count read just before and just after it.
     *
     * @param ownBefore {@code sampling.samples} before the timeseries was read
     * @param ownAfter {@code sampling.samples} after it
     */
    private record Restarted(JsonNode series, long ownBefore, long ownAfter) {

        /** Samples of the timeseries that are not the second JVM's: a lower bound of the first's. */
        long persistedAtLeast() {
            return samples(series) - ownAfter;
        }

        /** An upper bound of the first JVM's samples in the timeseries. */
        long persistedAtMost() {
            return samples(series) - ownBefore;
        }

        @Override
        public String toString() {
            return samples(series) + " samples in all, " + ownBefore + "–" + ownAfter + " of its own: "
                    + series.path("data_points");
        }
    }

    private static Restarted readRestarted(Vitals vitals) {
        long ownBefore = sampling(vitals).path("samples").asLong();
        JsonNode series = timeseries(vitals);
        long ownAfter = sampling(vitals).path("samples").asLong();
        return new Restarted(series, ownBefore, ownAfter);
    }

    /** Every bucket of {@code before} but the last (closed: see the class comment) is in {@code after}, unchanged. */
    private static void assertClosedBucketsIdentical(JsonNode before, JsonNode after) {
        List<JsonNode> closed = points(before);
        closed = closed.subList(0, closed.size() - 1);
        assertThat(points(after)).as("buckets after the restart").containsAll(closed);
    }

    /** The last bucket before the restart is still there, with at least the samples it had. */
    private static void assertOpenBucketKept(JsonNode before, JsonNode after) {
        List<JsonNode> points = points(before);
        JsonNode open = points.get(points.size() - 1);
        JsonNode same = points(after).stream()
                .filter(p -> p.path("timestamp").asText().equals(open.path("timestamp").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("bucket " + open + " lost; after the restart: " + after));
        assertThat(same.path("samples").asInt()).as("%s, before the restart %s", same, open)
                .isGreaterThanOrEqualTo(open.path("samples").asInt());
    }

    /** The history went to files under the state directory, and no write failed. */
    private static void assertHistoryPersisted(JsonNode sampling, Path stateDir) {
        assertThat(sampling.path("history_dir").isTextual()).as("%s", sampling).isTrue();
        assertThat(Path.of(sampling.path("history_dir").asText())).as("%s", sampling).startsWith(stateDir);
        assertThat(sampling.path("history_write_failures").asLong()).as("%s", sampling).isZero();
        assertThat(sampling.path("history_problem").isNull()).as("%s", sampling).isTrue();
    }

    /** Most samples a 1 s sampler can take in {@code elapsed}: one per interval begun, plus a catch-up burst. */
    private static long samplesWithin(Duration elapsed) {
        return elapsed.toMillis() / SAMPLE_INTERVAL.toMillis() + 1 + CATCH_UP_SAMPLES;
    }

    private static void awaitOwnSamples(Vitals vitals, int count) {
        Awaitility.await(vitals + " taking " + count + " samples").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> sampling(vitals).path("samples").asLong() >= count);
    }

    private static JsonNode awaitTimeseries(Vitals vitals, Duration timeout, Predicate<JsonNode> done) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            Awaitility.await("timeseries of " + vitals).atMost(timeout).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        last.set(timeseries(vitals));
                        return done.test(last.get());
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timeseries not as expected within " + timeout + "; last: " + last.get(), e);
        }
        return last.get();
    }

    private static JsonNode timeseries(Vitals vitals) {
        Response response = vitals.get(TIMESERIES);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json();
    }

    /** {@code /api/v1/health} → {@code sampling}. */
    private static JsonNode sampling(Vitals vitals) {
        Response response = vitals.health();
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.json().path("sampling");
    }

    private static List<JsonNode> points(JsonNode series) {
        List<JsonNode> points = new ArrayList<>();
        series.path("data_points").forEach(points::add);
        return points;
    }

    private static long samples(JsonNode series) {
        return points(series).stream().mapToLong(p -> p.path("samples").asLong()).sum();
    }

    /** The sample app's steady workload with the agent sampling every second into {@code stateDir}. */
    private static JavaProcess sampleApp(String name, Path stateDir) {
        AgentOptions options = AgentOptions.of("port", "0", "token", TOKEN, "app.name", APP,
                "state.dir", stateDir.toString(), "sample.interval", "1s", "score.window", "10s");
        return jvms.java(name).jar(Artifacts.sampleJar()).args("--scenario", "steady")
                .agent(Artifacts.agentJar(), options.toAgentArgument())
                .start();
    }
}
