package dev.vitals.agent.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.agent.history.HistoryPoint;
import dev.vitals.agent.sampling.Sample;
import dev.vitals.agent.sampling.SqlTotals;
import dev.vitals.agent.score.Recommendations;
import dev.vitals.agent.score.ScoreInput;
import dev.vitals.agent.score.ScoreModel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertEngineTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final WebhookReceiver receiver = WebhookReceiver.start();
    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    private final Notifier notifier = new Notifier("shop", "host-1", clock,
            new Notifier.Settings(Duration.ofSeconds(2), Duration.ofMillis(10), 100, 1));
    private RuleStore store;
    private long sequence;

    @AfterEach
    void close() throws Exception {
        notifier.close();
        receiver.close();
        if (store != null) {
            store.close();
        }
    }

    private AlertEngine engine() throws Exception {
        if (store == null) {
            store = RuleStore.open(dir, clock);
        }
        return new AlertEngine(store, notifier, clock, "shop", "host-1", () -> "http://127.0.0.1:9797/");
    }

    private AlertRule rule(String json) throws Exception {
        AlertRule rule = RuleValidator.create(JSON.readTree(json), RuleValidator.newId(), T0);
        store.putRule(rule);
        return rule;
    }

    /** A sample at T0 + seconds whose window has these pools (name, timeouts in the window). */
    private Sample sample(long seconds, Object... poolsAndTimeouts) {
        List<ScoreInput.Pool> pools = new java.util.ArrayList<>();
        for (int i = 0; i < poolsAndTimeouts.length; i += 2) {
            long timeouts = ((Number) poolsAndTimeouts[i + 1]).longValue();
            pools.add(new ScoreInput.Pool((String) poolsAndTimeouts[i], 4, timeouts > 0 ? 4 : 1, 0, 0, 100,
                    timeouts, 0.001, 0.002, 0.01, 4, 0));
        }
        ScoreInput window = new ScoreInput(60, pools, List.of(), null, null);
        Instant time = T0.plusSeconds(seconds);
        return new Sample(time, ++sequence, 10, List.of(), List.of(), SqlTotals.NONE, window,
                ScoreModel.score(window), Recommendations.evaluate(window), HistoryPoint.at(time).build(), 1000);
    }

    private static JsonNode body(WebhookReceiver.Request request) throws Exception {
        return JSON.readTree(request.body());
    }

    @Test
    void firesNotifiesAndResolvesWithTheNumbers() throws Exception {
        AlertEngine engine = engine();
        AlertRule rule = rule("{\"name\":\"Orders starving\",\"metric\":\"pool_exhausted_count\",\"resource\":\"orders\","
                + "\"condition\":\"greater_than\",\"threshold\":0,\"severity\":\"critical\",\"webhook_url\":\""
                + receiver.url() + "\"}");

        engine.accept(sample(0, "orders", 0));
        assertThat(store.events()).isEmpty();

        engine.accept(sample(10, "orders", 14));
        AlertEvent firing = store.events().get(0);
        assertThat(firing.status()).isEqualTo(AlertEvent.FIRING);
        assertThat(firing.resource()).isEqualTo("orders");
        assertThat(firing.currentValue()).isEqualTo(14.0);
        assertThat(firing.message()).isEqualTo("Orders starving: pool_exhausted_count of orders is 14 (greater_than 0)");
        JsonNode sent = body(receiver.take());
        assertThat(sent.get("status").asText()).isEqualTo("firing");
        assertThat(sent.get("rule_id").asText()).isEqualTo(rule.id());
        assertThat(sent.get("current_value").asDouble()).isEqualTo(14.0);
        assertThat(engine.firing()).singleElement().satisfies(a -> {
            assertThat(a.resource()).isEqualTo("pool:orders");
            assertThat(a.ruleId()).isEqualTo(rule.id());
            assertThat(a.severity()).isEqualTo("critical");
        });

        engine.accept(sample(20, "orders", 0));
        AlertEvent resolved = store.event(firing.id()).orElseThrow();
        assertThat(resolved.status()).isEqualTo(AlertEvent.RESOLVED);
        assertThat(resolved.resolvedAt()).isEqualTo(T0.plusSeconds(20).toString());
        assertThat(body(receiver.take()).get("status").asText()).isEqualTo("resolved");
        assertThat(engine.firing()).isEmpty();
        awaitDeliveries(firing.id(), 2);
        assertThat(store.event(firing.id()).orElseThrow().deliveries())
                .extracting(AlertEvent.Delivery::notification, AlertEvent.Delivery::delivered,
                        AlertEvent.Delivery::statusCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("firing", true, 200),
                        org.assertj.core.groups.Tuple.tuple("resolved", true, 200));
    }

    @Test
    void forSecondsHoldsTheRulePendingUntilTheConditionHasLastedThatLong() throws Exception {
        AlertEngine engine = engine();
        rule("{\"name\":\"r\",\"metric\":\"pool_exhausted_count\",\"resource\":\"orders\","
                + "\"condition\":\"greater_than\",\"threshold\":0,\"for_seconds\":20}");
        engine.accept(sample(0, "orders", 1));
        assertThat(engine.lastEvaluations()).extracting(AlertEngine.Evaluation::state).containsExactly("pending");
        engine.accept(sample(10, "orders", 1));
        assertThat(engine.lastEvaluations()).extracting(AlertEngine.Evaluation::state).containsExactly("pending");
        // A dip resets the clock.
        engine.accept(sample(20, "orders", 0));
        assertThat(engine.lastEvaluations()).extracting(AlertEngine.Evaluation::state).containsExactly("ok");
        engine.accept(sample(30, "orders", 1));
        engine.accept(sample(40, "orders", 1));
        assertThat(store.events()).isEmpty();
        engine.accept(sample(50, "orders", 1));
        assertThat(engine.lastEvaluations()).extracting(AlertEngine.Evaluation::state).containsExactly("firing");
        assertThat(store.events()).hasSize(1);
    }

    @Test
    void theCooldownSuppressesARepeatAndItsResolve() throws Exception {
        AlertEngine engine = engine();
        rule("{\"name\":\"r\",\"metric\":\"pool_exhausted_count\",\"resource\":\"orders\","
                + "\"condition\":\"greater_than\",\"threshold\":0,\"cooldown_minutes\":5,\"webhook_url\":\""
                + receiver.url() + "\"}");
        engine.accept(sample(0, "orders", 1));
        engine.accept(sample(10, "orders", 0));
        engine.accept(sample(20, "orders", 1)); // 20 s after the first notification: within 5 min
        engine.accept(sample(30, "orders", 0));
        engine.accept(sample(400, "orders", 1)); // past the cooldown: notified again

        List<AlertEvent> events = store.events(); // newest first
        assertThat(events).hasSize(3);
        AlertEvent repeat = events.get(1);
        assertThat(repeat.deliveries()).singleElement().satisfies(d -> {
            assertThat(d.suppressed()).isTrue();
            assertThat(d.delivered()).isFalse();
            assertThat(d.error()).contains("cooldown");
        });
        awaitCount(3); // firing + resolved of the first, firing of the third
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(receiver.count()).isEqualTo(3);
    }

    @Test
    void theCooldownSurvivesARestart() throws Exception {
        AlertEngine engine = engine();
        rule("{\"name\":\"r\",\"metric\":\"pool_exhausted_count\",\"resource\":\"orders\","
                + "\"condition\":\"greater_than\",\"threshold\":0,\"cooldown_minutes\":5,\"webhook_url\":\""
                + receiver.url() + "\"}");
        engine.accept(sample(0, "orders", 1));
        engine.accept(sample(10, "orders", 0));
        awaitCount(2);
        store.close();
        store = null;

        AlertEngine restarted = engine();
        restarted.accept(sample(20, "orders", 1)); // within 5 min of the first notification
        assertThat(store.events().get(0).deliveries()).singleElement()
                .satisfies(d -> assertThat(d.suppressed()).isTrue());
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(receiver.count()).isEqualTo(2);
    }

    @Test
    void aGlobGivesEachMatchingPoolItsOwnState() throws Exception {
        AlertEngine engine = engine();
        rule("{\"name\":\"r\",\"metric\":\"pool_exhausted_count\",\"resource\":\"orders-*\","
                + "\"condition\":\"greater_than\",\"threshold\":0}");
        engine.accept(sample(0, "orders-a", 1, "orders-b", 0, "reports", 5));
        assertThat(engine.lastEvaluations()).extracting(AlertEngine.Evaluation::resource, AlertEngine.Evaluation::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("orders-a", "firing"),
                        org.assertj.core.groups.Tuple.tuple("orders-b", "ok"));
        // orders-a is gone: its alert resolves.
        engine.accept(sample(10, "orders-b", 0));
        assertThat(store.events()).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo("resolved"));
    }

    @Test
    void anAggregateRuleSumsThePools() throws Exception {
        AlertEngine engine = engine();
        rule("{\"name\":\"r\",\"metric\":\"pool_exhausted_count\",\"condition\":\"greater_or_equal\",\"threshold\":3}");
        engine.accept(sample(0, "a", 1, "b", 2));
        assertThat(engine.lastEvaluations()).singleElement().satisfies(e -> {
            assertThat(e.resource()).isNull();
            assertThat(e.value()).isEqualTo(3.0);
            assertThat(e.state()).isEqualTo("firing");
        });
    }

    @Test
    void firingStateSurvivesARestartAndResolvesAfterIt() throws Exception {
        AlertEngine engine = engine();
        rule("{\"name\":\"r\",\"metric\":\"pool_exhausted_count\",\"resource\":\"orders\","
                + "\"condition\":\"greater_than\",\"threshold\":0}");
        engine.accept(sample(0, "orders", 1));
        String id = store.events().get(0).id();
        store.close();
        store = null;

        AlertEngine restarted = engine();
        assertThat(restarted.firing()).hasSize(1);
        restarted.accept(sample(10, "orders", 1));
        assertThat(store.events()).hasSize(1); // still the same event, not a second one
        restarted.accept(sample(20, "orders", 0));
        assertThat(store.event(id).orElseThrow().status()).isEqualTo("resolved");
    }

    @Test
    void checkingTheSameSampleAgainChangesNothingAndAcknowledgeAndWithdrawWork() throws Exception {
        AlertEngine engine = engine();
        AlertRule rule = rule("{\"name\":\"r\",\"metric\":\"pool_exhausted_count\",\"resource\":\"orders\","
                + "\"condition\":\"greater_than\",\"threshold\":0}");
        Sample sample = sample(0, "orders", 2);
        engine.accept(sample);
        List<AlertEngine.Evaluation> again = engine.check(sample);
        assertThat(again).singleElement().satisfies(e -> {
            assertThat(e.conditionMet()).isTrue();
            assertThat(e.state()).isEqualTo("firing");
            assertThat(e.notified()).isFalse();
        });
        assertThat(store.events()).hasSize(1);

        String id = store.events().get(0).id();
        assertThat(engine.acknowledge(id).acknowledged()).isTrue();
        assertThat(engine.acknowledge("e-nope")).isNull();

        engine.ruleWithdrawn(rule.id(), "rule deleted");
        AlertEvent withdrawn = store.event(id).orElseThrow();
        assertThat(withdrawn.status()).isEqualTo("resolved");
        assertThat(withdrawn.message()).endsWith("(resolved: rule deleted)");
        assertThat(withdrawn.acknowledged()).isTrue();
    }

    @Test
    void aValueWithoutDataMeetsNoCondition() throws Exception {
        AlertEngine engine = engine();
        rule("{\"name\":\"r\",\"metric\":\"cache_hit_rate\",\"condition\":\"less_than\",\"threshold\":0.6}");
        engine.accept(sample(0));
        assertThat(engine.lastEvaluations()).singleElement().satisfies(e -> {
            assertThat(e.value()).isNull();
            assertThat(e.conditionMet()).isFalse();
        });
    }

    private void awaitDeliveries(String eventId, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.event(eventId).orElseThrow().deliveries().size() < n && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private void awaitCount(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (receiver.count() < n && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(receiver.count()).isEqualTo(n);
    }
}
