package dev.vitals.it.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.AgentOptions;
import dev.vitals.it.harness.Artifacts;
import dev.vitals.it.harness.JavaProcess;
import dev.vitals.it.harness.Jvms;
import dev.vitals.it.harness.Requirements;
import dev.vitals.it.harness.SampleTruth;
import dev.vitals.it.harness.Vitals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HikariCP pools as Vitals reports them, against what the sample app counted itself: borrows and
 * borrow timeouts exactly, wait times within what separates HikariCP's clock from the app's.
 */
class PoolAccuracyIT {

    private static final String TOKEN = "pool-accuracy-it";
    private static final String POOL = "orders-pool";
    private static final Duration FINISH = Duration.ofSeconds(60);

    @RegisterExtension
    static final Jvms jvms = new Jvms();

    @Test
    void premainCountsEveryBorrowAndTimeoutOfAStarvingPool() {
        Path truthFile = jvms.newDir("truth").resolve("truth.json");
        JavaProcess app = sampleApp("starving-premain", truthFile, List.of("--scenario", "pool-starvation",
                "--duration", "4s"), true).start();
        Vitals vitals = Vitals.awaitStartLine(app, JavaProcess.STARTUP);
        JsonNode truth = new SampleTruth(truthFile).awaitFinished(FINISH).path("pools").path(POOL);
        JsonNode pool = pool(vitals, POOL);

        assertThat(truth.path("borrow_timeouts").asLong()).as("the scenario must really starve the pool").isPositive();
        assertThat(pool.path("borrows").asLong()).as("%s", pool).isEqualTo(truth.path("borrows").asLong());
        assertThat(pool.path("pool_exhausted_count").asLong()).as("%s", pool)
                .isEqualTo(truth.path("borrow_timeouts").asLong());
        assertThat(pool.path("since_attach").asBoolean()).as("created after the agent: %s", pool).isFalse();
        assertThat(pool.path("max_pool_size").asInt()).isEqualTo(truth.path("max_pool_size").asInt());
        assertThat(pool.path("state").asText()).isEqualTo("active");
        assertWaitTimesAgree(pool, truth);
        double attempts = truth.path("borrows").asLong() + truth.path("borrow_timeouts").asLong();
        assertThat(pool.path("hit_rate").asDouble())
                .isCloseTo(truth.path("borrows").asLong() / attempts, within(1e-9));
        assertThat(pool.path("connection_timeout").asDouble()).isEqualTo(0.25);
    }

    @Test
    void attachFindsAPoolCreatedBeforeItAndCountsFromThen() {
        Path truthFile = jvms.newDir("truth").resolve("truth.json");
        JavaProcess app = sampleApp("starving-attach", truthFile, List.of("--scenario", "pool-starvation",
                "--start-paused"), false).start();
        app.awaitStdout("sample-app ready .* paused", JavaProcess.STARTUP);
        SampleTruth truth = new SampleTruth(truthFile);
        JsonNode before = truth.read().path("pools").path(POOL);
        assertThat(before.path("borrows").asLong()).as("set-up borrowed before the attach").isPositive();

        Vitals vitals = jvms.cli().attach(app.pid(), AgentOptions.of("port", "0", "token", TOKEN,
                "state.dir", jvms.newDir("state").toString()));
        app.writeStdin("start");
        // Let the pool starve for a while, then quiesce.
        app.awaitOutput("orders-pool - Connection is not available", Duration.ofSeconds(30));
        app.writeStdin("stop");
        JsonNode after = truth.awaitFinished(FINISH).path("pools").path(POOL);
        JsonNode pool = pool(vitals, POOL);

        assertThat(pool.path("since_attach").asBoolean()).as("%s", pool).isTrue();
        // Connections lent before the attach carry no borrow time; their release must not show up
        // as an hours-long usage. The scenario holds connections for at most half a second.
        assertThat(pool.path("max_wait_time").asDouble()).as("%s", pool).isLessThan(1.0);
        assertThat(pool.path("p99_usage_time").asDouble()).as("%s", pool).isLessThan(1.0);
        assertThat(pool.path("borrows").asLong()).as("%s", pool)
                .isEqualTo(after.path("borrows").asLong() - before.path("borrows").asLong());
        assertThat(pool.path("pool_exhausted_count").asLong()).as("%s", pool)
                .isEqualTo(after.path("borrow_timeouts").asLong() - before.path("borrow_timeouts").asLong())
                .isPositive();
    }

    @Test
    void postgresqlPoolIsCountedExactlyAndItsPasswordNeverShown() {
        String url = Requirements.postgres();
        String password = "pw-" + TOKEN;
        Path truthFile = jvms.newDir("truth").resolve("truth.json");
        List<String> args = new ArrayList<>(List.of("--scenario", "steady", "--duration", "3s",
                "--jdbc-url", url + "?ApplicationName=vitals-it&password=" + password, "--user", "postgres",
                "--password", password));
        JavaProcess app = sampleApp("steady-postgres", truthFile, args, true).start();
        Vitals vitals = Vitals.awaitStartLine(app, JavaProcess.STARTUP);
        JsonNode truth = new SampleTruth(truthFile).awaitFinished(FINISH).path("pools").path(POOL);
        JsonNode pool = pool(vitals, POOL);
        String body = vitals.get("/api/v1/performance/pools").body();

        assertThat(pool.path("borrows").asLong()).as("%s", pool).isEqualTo(truth.path("borrows").asLong()).isPositive();
        assertThat(pool.path("pool_exhausted_count").asLong()).isEqualTo(truth.path("borrow_timeouts").asLong());
        assertThat(pool.path("jdbc_url").asText()).isEqualTo(url + "?ApplicationName=vitals-it");
        assertThat(body).doesNotContain(password);
        assertWaitTimesAgree(pool, truth);
    }

    /**
     * HikariCP times a borrow inside getConnection, the app around it. When the pool makes threads
     * wait (starvation: hundreds of milliseconds) the two averages agree within 10 %. When it
     * barely does, the app's figure is dominated by what happens outside HikariCP's timing (the
     * first calls load and transform the proxy classes, then every call builds a proxy), so
     * HikariCP's average can only be the smaller one.
     */
    private static void assertWaitTimesAgree(JsonNode pool, JsonNode truth) {
        long attempts = truth.path("borrows").asLong() + truth.path("borrow_timeouts").asLong();
        double appAverage = (truth.path("borrow_wait_nanos_total").asLong()
                + truth.path("timeout_wait_nanos_total").asLong()) / 1e9 / attempts;
        double reported = pool.path("avg_wait_time").asDouble();
        if (appAverage > 0.020) {
            assertThat(reported).as("avg_wait_time vs the app's own average over %d attempts", attempts)
                    .isCloseTo(appAverage, within(appAverage * 0.10));
        } else {
            assertThat(reported).as("avg_wait_time vs the app's own average over %d attempts", attempts)
                    .isPositive().isLessThanOrEqualTo(appAverage + 0.001);
        }
        assertThat(pool.path("max_wait_time").asDouble()).isGreaterThanOrEqualTo(pool.path("p99_wait_time").asDouble());
        assertThat(pool.path("p99_wait_time").asDouble()).isGreaterThanOrEqualTo(pool.path("p50_wait_time").asDouble());
    }

    private static JsonNode pool(Vitals vitals, String name) {
        JsonNode pools = vitals.get("/api/v1/performance/pools").json().path("pools");
        for (JsonNode pool : pools) {
            if (pool.path("pool_name").asText().equals(name)) {
                return pool;
            }
        }
        throw new AssertionError("no pool " + name + " in " + pools);
    }

    private static JavaProcess.Builder sampleApp(String name, Path truthFile, List<String> scenario, boolean premain) {
        List<String> args = new ArrayList<>(scenario);
        args.addAll(List.of("--truth-file", truthFile.toString(), "--truth-interval", "200ms"));
        JavaProcess.Builder builder = jvms.java(name).jar(Artifacts.sampleJar()).args(args);
        if (premain) {
            builder.agent(Artifacts.agentJar(), AgentOptions.of("port", "0", "token", TOKEN,
                    "state.dir", jvms.newDir("state").toString()).toAgentArgument());
        }
        return builder;
    }
}
