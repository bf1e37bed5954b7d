package dev.vitals.agent.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.vitals.agent.MutableClock;
import dev.vitals.agent.alert.AlertRule.Condition;
import dev.vitals.agent.alert.AlertRule.Metric;
import dev.vitals.agent.alert.AlertRule.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltInRulesTest {

    private static final Instant T0 = Instant.parse("2026-01-31T10:00:00Z");

    @TempDir
    Path state;

    private final MutableClock clock = new MutableClock(T0);
    private final List<RuleStore> opened = new ArrayList<>();

    private Path dir() {
        return state.resolve("alerts");
    }

    private RuleStore open(long pid) throws IOException {
        RuleStore store = RuleStore.open(dir(), clock, pid);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(RuleStore::close);
    }

    @Test
    void theFirstStartCreatesTheSixRules() throws IOException {
        RuleStore store = open(101);

        assertThat(BuiltInRules.seedIfFirstStart(store, T0)).isTrue();

        assertThat(store.rules())
                .extracting(AlertRule::name, AlertRule::metric, AlertRule::condition, AlertRule::threshold,
                        AlertRule::severity)
                .containsExactly(
                        tuple("Performance score below 70", Metric.PERFORMANCE_SCORE, Condition.LESS_THAN, 70.0,
                                Severity.WARNING),
                        tuple("Performance score below 50", Metric.PERFORMANCE_SCORE, Condition.LESS_THAN, 50.0,
                                Severity.CRITICAL),
                        tuple("Cache hit rate below 60%", Metric.CACHE_HIT_RATE, Condition.LESS_THAN, 0.6,
                                Severity.WARNING),
                        tuple("Connection wait above 0.5 s", Metric.CONNECTION_WAIT_TIME, Condition.GREATER_THAN, 0.5,
                                Severity.WARNING),
                        tuple("System health degraded", Metric.SYSTEM_HEALTH, Condition.EQUALS, 0.5, Severity.WARNING),
                        tuple("System health critical", Metric.SYSTEM_HEALTH, Condition.EQUALS, 0.0, Severity.CRITICAL));
        assertThat(store.rules()).allSatisfy(rule -> {
            assertThat(rule.id()).matches("r-[0-9a-f]{12}");
            assertThat(rule.builtIn()).isTrue();
            assertThat(rule.enabled()).isTrue();
            assertThat(rule.webhookUrl()).isNull();
            assertThat(rule.webhookFormat()).isNull();
            assertThat(rule.resource()).isNull();
            assertThat(rule.forSeconds()).isZero();
            assertThat(rule.cooldownMinutes()).isEqualTo(30);
            assertThat(rule.description()).isNotBlank();
            assertThat(rule.createdAt()).isEqualTo("2026-01-31T10:00:00Z");
            assertThat(RuleValidator.problem(rule)).isNull();
        });
        assertThat(Files.exists(dir().resolve(BuiltInRules.MARKER))).isTrue();
    }

    @Test
    void degradedAndCriticalHealthFireOnlyForTheirOwnLevel() {
        List<AlertRule> rules = BuiltInRules.definitions(T0);
        AlertRule degraded = rules.get(4);
        AlertRule critical = rules.get(5);

        assertThat(degraded.condition().test(1, degraded.threshold())).isFalse();
        assertThat(degraded.condition().test(0.5, degraded.threshold())).isTrue();
        assertThat(degraded.condition().test(0, degraded.threshold())).isFalse();
        assertThat(critical.condition().test(0.5, critical.threshold())).isFalse();
        assertThat(critical.condition().test(0, critical.threshold())).isTrue();
    }

    @Test
    void theRulesAreSeededOnceNotOnEveryStart() throws IOException {
        RuleStore first = open(101);
        BuiltInRules.seedIfFirstStart(first, T0);
        List<AlertRule> seeded = first.rules();
        assertThat(BuiltInRules.seedIfFirstStart(first, T0)).isFalse();
        first.close();

        RuleStore second = open(102);
        assertThat(BuiltInRules.seedIfFirstStart(second, T0.plusSeconds(60))).isFalse();
        assertThat(second.rules()).isEqualTo(seeded);
    }

    @Test
    void aDeletedBuiltInRuleIsNotRecreatedOnRestart() throws IOException {
        RuleStore first = open(101);
        BuiltInRules.seedIfFirstStart(first, T0);
        AlertRule cache = first.rules().get(2);
        first.deleteRule(cache.id());
        first.close();

        RuleStore second = open(102);
        assertThat(BuiltInRules.seedIfFirstStart(second, T0)).isFalse();

        assertThat(second.rules()).hasSize(5).extracting(AlertRule::name).doesNotContain(cache.name());
    }

    @Test
    void deletingEveryRuleIsRespectedToo() throws IOException {
        RuleStore first = open(101);
        BuiltInRules.seedIfFirstStart(first, T0);
        for (AlertRule rule : first.rules()) {
            first.deleteRule(rule.id());
        }
        first.close();
        Files.delete(dir().resolve("rules.json")); // even with the rules file gone, the marker remembers

        RuleStore second = open(102);
        assertThat(BuiltInRules.seedIfFirstStart(second, T0)).isFalse();
        assertThat(second.rules()).isEmpty();
    }

    @Test
    void anExistingRulesFileWithoutTheMarkerIsNotSeededButMarked() throws IOException {
        RuleStore first = open(101);
        first.putRule(BuiltInRules.definitions(T0).get(0)); // a store from before the marker existed
        first.close();

        RuleStore second = open(102);
        assertThat(BuiltInRules.seedIfFirstStart(second, T0)).isFalse();
        assertThat(second.rules()).hasSize(1);
        assertThat(Files.exists(dir().resolve(BuiltInRules.MARKER))).isTrue();
    }

    @Test
    void twoJvmsStartingTogetherSeedOnce() throws IOException {
        RuleStore a = open(101);
        RuleStore b = open(102);

        boolean seededByA = BuiltInRules.seedIfFirstStart(a, T0);
        boolean seededByB = BuiltInRules.seedIfFirstStart(b, T0);

        assertThat(seededByA).isNotEqualTo(seededByB);
        assertThat(a.rules()).hasSize(6);
        assertThat(b.rules()).isEqualTo(a.rules());
    }
}
