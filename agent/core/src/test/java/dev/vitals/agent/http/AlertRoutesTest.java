package dev.vitals.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.agent.alert.AlertEngine;
import dev.vitals.agent.alert.Notifier;
import dev.vitals.agent.alert.RuleStore;
import dev.vitals.agent.sampling.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert routes before alerting is open: the agent opens the rule store on first need, at the
 * first sample after its start or at the first alert request.
 */
class AlertRoutesTest {

    static final String RULES = "/api/v1/alerts/rules";

    final AtomicReference<Sample> latest = new AtomicReference<>();
    final AlertRoutes routes = new AlertRoutes(latest::get, Duration.ofSeconds(10), Clock.systemUTC(), new Responses(),
            () -> { });
    TestServer server;
    RuleStore store;
    Notifier notifier;

    @TempDir
    Path state;

    @AfterEach
    void stop() {
        server.close();
        if (notifier != null) {
            notifier.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void aRequestBeforeAlertingIsOpenWaitsForIt() throws Exception {
        server = TestServer.start(routes);
        CompletableFuture<TestServer.Reply> early = CompletableFuture.supplyAsync(() -> {
            try {
                return server.get(RULES);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(early).as("answered before alerting was open").isNotDone();

        Clock clock = Clock.systemUTC();
        store = RuleStore.open(state.resolve("alerts"), clock);
        notifier = new Notifier("shop", "host-1", clock);
        routes.open(store, new AlertEngine(store, notifier, clock, "shop", "host-1", () -> null), notifier);

        TestServer.Reply reply = early.get(10, TimeUnit.SECONDS);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("total_rules").asInt()).isZero();
    }

    @Test
    void theFirstRequestOpensAlertingItself() throws Exception {
        Clock clock = Clock.systemUTC();
        AtomicReference<AlertRoutes> self = new AtomicReference<>();
        AlertRoutes onDemand = new AlertRoutes(latest::get, Duration.ofSeconds(10), clock, new Responses(), () -> {
            try {
                store = RuleStore.open(state.resolve("alerts"), clock);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            notifier = new Notifier("shop", "host-1", clock);
            self.get().open(store, new AlertEngine(store, notifier, clock, "shop", "host-1", () -> null), notifier);
        });
        self.set(onDemand);
        server = TestServer.start(onDemand);

        TestServer.Reply reply = server.get(RULES);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().get("total_rules").asInt()).isZero();
        assertThat(store).as("opened by the request").isNotNull();
    }

    @Test
    void whenAlertingCannotBeOpenedTheRoutesSayWhy() throws Exception {
        server = TestServer.start(routes);
        routes.failed("java.io.IOException: disk full");

        TestServer.Reply reply = server.get(RULES);

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.body().get("error").asText()).isEqualTo("alerts_unavailable");
        assertThat(reply.body().get("message").asText()).isEqualTo("alerting is off: java.io.IOException: disk full");
    }
}
