package dev.vitals.agent.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.agent.MutableClock;
import dev.vitals.agent.alert.AlertEvent.Delivery;
import dev.vitals.agent.alert.AlertRule.Condition;
import dev.vitals.agent.alert.AlertRule.Metric;
import dev.vitals.agent.alert.AlertRule.Severity;
import dev.vitals.agent.alert.AlertRule.WebhookFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleStoreTest {

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

    private RuleStore open(long pid, int maxEvents) throws IOException {
        RuleStore store = RuleStore.open(dir(), clock, pid, maxEvents);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(RuleStore::close);
    }

    private static AlertRule rule(String id, String name) {
        return new AlertRule(id, name, Metric.CONNECTION_WAIT_TIME, "orders-*", Condition.GREATER_THAN, 0.5, 30,
                Severity.CRITICAL, 5, "https://hooks.slack.com/services/T/B/X", WebhookFormat.SLACK, null, true,
                "pool wait", false, "2026-01-31T10:00:00Z", "2026-01-31T10:00:00Z");
    }

    private static AlertEvent event(String id, String status, Instant started) {
        return new AlertEvent(id, "r-000000000001", "Pool wait", "connection_wait_time", "orders-pool", 0.8, 0.5,
                "critical", "connection_wait_time of orders-pool is 0.8 (greater_than 0.5)", status, started.toString(),
                status.equals(AlertEvent.RESOLVED) ? started.plusSeconds(60).toString() : null, false, null, List.of());
    }

    private static AlertEvent resolved(AlertEvent e, Instant at) {
        return new AlertEvent(e.id(), e.ruleId(), e.ruleName(), e.metric(), e.resource(), 0.1, e.threshold(),
                e.severity(), "resolved", AlertEvent.RESOLVED, e.startedAt(), at.toString(), e.acknowledged(),
                e.acknowledgedAt(), e.deliveries());
    }

    private static AlertEvent acknowledged(AlertEvent e, Instant at) {
        return new AlertEvent(e.id(), e.ruleId(), e.ruleName(), e.metric(), e.resource(), e.currentValue(),
                e.threshold(), e.severity(), e.message(), e.status(), e.startedAt(), e.resolvedAt(), true, at.toString(),
                e.deliveries());
    }

    private static AlertEvent delivered(AlertEvent e, Delivery d) {
        List<Delivery> all = new ArrayList<>(e.deliveries());
        all.add(d);
        return new AlertEvent(e.id(), e.ruleId(), e.ruleName(), e.metric(), e.resource(), e.currentValue(),
                e.threshold(), e.severity(), e.message(), e.status(), e.startedAt(), e.resolvedAt(), e.acknowledged(),
                e.acknowledgedAt(), all);
    }

    private static Delivery attempt(int n, Instant at, Integer status) {
        boolean ok = status != null && status / 100 == 2;
        return new Delivery(AlertEvent.FIRING, n, at.toString(), "slack", ok, status, ok ? null : "HTTP " + status, 12,
                false);
    }

    private List<Path> files(String glob) throws IOException {
        List<Path> found = new ArrayList<>();
        try (var stream = Files.newDirectoryStream(dir(), glob)) {
            stream.forEach(found::add);
        }
        found.sort(Comparator.naturalOrder());
        return found;
    }

    private Path journalOf(RuleStore store) {
        return dir().resolve("events-" + store.owner() + ".jsonl");
    }

    // ---- persistence ----

    @Test
    void rulesAndEventsSurviveARestart() throws IOException {
        RuleStore store = open(101);
        AlertRule a = rule("r-00000000000a", "first");
        AlertRule b = rule("r-00000000000b", "second");
        store.putRule(a);
        store.putRule(b);
        store.putRule(rule("r-00000000000a", "first, renamed"));
        AlertEvent e1 = store.putEvent(event(store.nextEventId(), AlertEvent.FIRING, T0));
        AlertEvent e2 = store.putEvent(event(store.nextEventId(), AlertEvent.FIRING, T0.plusSeconds(10)));
        e1 = store.putEvent(delivered(e1, attempt(1, T0.plusSeconds(1), 500)));
        e1 = store.putEvent(delivered(e1, attempt(2, T0.plusSeconds(3), 200)));
        e1 = store.putEvent(resolved(e1, T0.plusSeconds(120)));
        e2 = store.putEvent(acknowledged(e2, T0.plusSeconds(30)));
        List<AlertRule> rulesBefore = store.rules();
        List<AlertEvent> eventsBefore = store.events();
        store.close();

        RuleStore reopened = open(102);

        assertThat(reopened.rules()).isEqualTo(rulesBefore)
                .extracting(AlertRule::name).containsExactly("first, renamed", "second");
        assertThat(reopened.events()).isEqualTo(eventsBefore).containsExactly(e2, e1);
        assertThat(reopened.event(e1.id())).contains(e1);
        assertThat(reopened.rule("r-00000000000b")).contains(b);
        assertThat(reopened.rule("r-ffffffffffff")).isEmpty();
        assertThat(reopened.skippedLines()).isZero();
        assertThat(reopened.writeFailures()).isZero();
    }

    @Test
    void deletedRulesStayDeleted() throws IOException {
        RuleStore store = open(101);
        store.putRule(rule("r-00000000000a", "a"));
        store.putRule(rule("r-00000000000b", "b"));

        assertThat(store.deleteRule("r-00000000000a")).isTrue();
        assertThat(store.deleteRule("r-00000000000a")).isFalse();
        store.close();

        assertThat(open(102).rules()).extracting(AlertRule::id).containsExactly("r-00000000000b");
    }

    @Test
    void rulesJsonIsReplacedWholeLeavingNoTempFilesAndReadableOnlyByTheUser() throws IOException {
        RuleStore store = open(101);
        for (int i = 0; i < 20; i++) {
            store.putRule(rule(String.format("r-%012x", i), "rule " + i));
            store.putEvent(event(store.nextEventId(), AlertEvent.FIRING, T0.plusSeconds(i)));
        }
        store.deleteRule("r-000000000003");

        assertThat(files("*.tmp")).isEmpty();
        String json = Files.readString(dir().resolve("rules.json"));
        assertThat(json).startsWith("{").contains("\"version\" : 1", "\"rule 19\"", "\"for_seconds\" : 30",
                "\"webhook_format\" : \"slack\"", "\"built_in\" : false").doesNotContain("\"rule 3\"");
        if (dir().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir().resolve("rules.json"))))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journalOf(store))))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir()))).isEqualTo("rwx------");
        }
    }

    @Test
    void aTornLastLineIsSkippedAndCountedAndTheRestKept() throws IOException {
        RuleStore store = open(101);
        AlertEvent a = store.putEvent(event(store.nextEventId(), AlertEvent.FIRING, T0));
        AlertEvent b = store.putEvent(event(store.nextEventId(), AlertEvent.FIRING, T0.plusSeconds(1)));
        Path journal = journalOf(store);
        store.close();
        // kill -9 in the middle of an append: a line without its end
        String whole = Files.readAllLines(journal).get(0);
        Files.writeString(journal, whole.substring(0, whole.length() / 2), StandardOpenOption.APPEND);

        RuleStore reopened = open(102);

        assertThat(reopened.events()).containsExactly(b, a);
        assertThat(reopened.skippedLines()).isEqualTo(1);
        assertThat(files("events-*.jsonl")).containsExactly(journalOf(reopened));
        assertThat(Files.readAllLines(journalOf(reopened))).hasSize(2);
    }

    @Test
    void aDamagedLineInTheMiddleCostsOnlyThatLine() throws IOException {
        RuleStore store = open(101);
        AlertEvent a = store.putEvent(event(store.nextEventId(), AlertEvent.FIRING, T0));
        Path journal = journalOf(store);
        store.close();
        Files.writeString(journal, "{\"ts\": 1, \"event\": {\"id\": \"e-9\"\n not json at all\n\n",
                StandardOpenOption.APPEND);
        Files.writeString(journal, Files.readAllLines(journal).get(0).replace("\"firing\"", "\"resolved\"") + "\n",
                StandardOpenOption.APPEND);

        RuleStore reopened = open(102);

        assertThat(reopened.events()).extracting(AlertEvent::id, AlertEvent::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(a.id(), AlertEvent.RESOLVED));
        assertThat(reopened.skippedLines()).isEqualTo(2);
    }

    @Test
    void anUnclosedStoresJournalIsReadAsItWasAtTheCrash() throws IOException {
        // A store that is never closed stands for a JVM killed with kill -9: every putEvent is already on disk.
        RuleStore crashed = open(101);
        AlertEvent a = crashed.putEvent(event(crashed.nextEventId(), AlertEvent.FIRING, T0));
        a = crashed.putEvent(delivered(a, attempt(1, T0.plusSeconds(1), 200)));
        crashed.putRule(rule("r-00000000000a", "a"));
        byte[] journal = Files.readAllBytes(journalOf(crashed));
        byte[] rules = Files.readAllBytes(dir().resolve("rules.json"));
        Path copy = state.resolve("copy");
        Files.createDirectories(copy);
        Files.write(copy.resolve("events-101-1.jsonl"), journal);
        Files.write(copy.resolve("rules.json"), rules);
        Files.writeString(copy.resolve("101-1.owner"), ""); // the claim a killed JVM leaves, unlocked
        Files.writeString(copy.resolve("event-sequence.101-1.tmp"), "4"); // killed while writing
        Files.writeString(copy.resolve("99-1.owner"), ""); // killed before it wrote its journal, a while ago
        Files.setLastModifiedTime(copy.resolve("99-1.owner"), FileTime.from(clock.instant().minusSeconds(120)));
        Files.writeString(copy.resolve("98-1.owner"), ""); // just created by a store that has yet to lock it
        Files.setLastModifiedTime(copy.resolve("98-1.owner"), FileTime.from(clock.instant().minusSeconds(1)));

        RuleStore restarted = RuleStore.open(copy, clock, 102);
        opened.add(restarted);

        assertThat(restarted.events()).containsExactly(a);
        assertThat(restarted.rules()).extracting(AlertRule::id).containsExactly("r-00000000000a");
        try (var names = Files.list(copy)) {
            assertThat(names.map(p -> p.getFileName().toString()))
                    .as("the dead owners' journal, claims and temp files are gone, a young claim is kept")
                    .containsExactlyInAnyOrder("events-" + restarted.owner() + ".jsonl", restarted.owner() + ".owner",
                            "98-1.owner", "rules.json", "alerts.lock");
        }
    }

    // ---- cap and compaction ----

    @Test
    void pastTheCapTheOldestResolvedEventsGoFirstThenTheOldestFiring() throws IOException {
        RuleStore store = open(101, 5);
        AlertEvent r1 = store.putEvent(event("e-1", AlertEvent.RESOLVED, T0.plusSeconds(1)));
        AlertEvent f2 = store.putEvent(event("e-2", AlertEvent.FIRING, T0.plusSeconds(2)));
        AlertEvent r3 = store.putEvent(event("e-3", AlertEvent.RESOLVED, T0.plusSeconds(3)));
        AlertEvent f4 = store.putEvent(event("e-4", AlertEvent.FIRING, T0.plusSeconds(4)));
        AlertEvent r5 = store.putEvent(event("e-5", AlertEvent.RESOLVED, T0.plusSeconds(5)));

        AlertEvent f6 = store.putEvent(event("e-6", AlertEvent.FIRING, T0.plusSeconds(6)));
        assertThat(store.events()).containsExactly(f6, r5, f4, r3, f2);

        AlertEvent f7 = store.putEvent(event("e-7", AlertEvent.FIRING, T0.plusSeconds(7)));
        AlertEvent f8 = store.putEvent(event("e-8", AlertEvent.FIRING, T0.plusSeconds(8)));
        assertThat(store.events()).as("resolved ones first").containsExactly(f8, f7, f6, f4, f2);

        AlertEvent f9 = store.putEvent(event("e-9", AlertEvent.FIRING, T0.plusSeconds(9)));
        assertThat(store.events()).as("then the oldest firing").containsExactly(f9, f8, f7, f6, f4);
        assertThat(store.event(r1.id())).isEmpty();

        // replacing an event never drops one
        store.putEvent(resolved(f9, T0.plusSeconds(100)));
        assertThat(store.events()).hasSize(5);
        store.close();

        RuleStore reopened = open(102, 5);
        assertThat(reopened.events()).extracting(AlertEvent::id).containsExactly("e-9", "e-8", "e-7", "e-6", "e-4");
    }

    @Test
    void theJournalIsCompactedWhenItHoldsMoreThanTwiceTheLiveEvents() throws IOException {
        RuleStore store = open(101);
        List<AlertEvent> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.add(store.putEvent(event(store.nextEventId(), AlertEvent.FIRING, T0.plusSeconds(i))));
        }
        int appends = 10;
        for (int round = 1; round <= 15; round++) {
            for (int i = 0; i < events.size(); i++) {
                events.set(i, store.putEvent(delivered(events.get(i), attempt(round, T0.plusSeconds(100 + round), 500))));
                appends++;
            }
        }
        List<String> lines = Files.readAllLines(journalOf(store));

        assertThat(appends).isEqualTo(160);
        assertThat(lines).as("compacted at 101 lines to 10, then 59 appends").hasSize(69);
        assertThat(files("*.tmp")).isEmpty();
        List<AlertEvent> before = store.events();
        store.close();

        RuleStore reopened = open(102);
        assertThat(reopened.events()).isEqualTo(before);
        assertThat(reopened.events().get(0).deliveries()).hasSize(15);
        assertThat(Files.readAllLines(journalOf(reopened))).as("compacted at open").hasSize(10);
    }

    // ---- two JVMs ----

    @Test
    void twoLiveStoresOnOneDirectoryShareRulesAndKeepTheirOwnJournals() throws IOException {
        RuleStore a = open(201);
        AlertEvent early = a.putEvent(event(a.nextEventId(), AlertEvent.FIRING, T0));
        RuleStore b = open(202);
        assertThat(b.events()).as("b read a's journal at open").containsExactly(early);

        a.putRule(rule("r-00000000000a", "from a"));
        b.putRule(rule("r-00000000000b", "from b"));
        assertThat(a.rules()).extracting(AlertRule::id).containsExactly("r-00000000000a", "r-00000000000b");
        assertThat(b.rules()).extracting(AlertRule::id).containsExactly("r-00000000000a", "r-00000000000b");

        assertThat(a.deleteRule("r-00000000000b")).isTrue();
        assertThat(b.rule("r-00000000000b")).as("b saw a's deletion").isEmpty();

        Set<String> ids = new HashSet<>();
        List<AlertEvent> fromA = new ArrayList<>();
        List<AlertEvent> fromB = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AlertEvent ea = event(a.nextEventId(), AlertEvent.FIRING, T0.plusSeconds(10 + i));
            AlertEvent eb = event(b.nextEventId(), AlertEvent.FIRING, T0.plusSeconds(20 + i));
            fromA.add(a.putEvent(ea));
            fromB.add(b.putEvent(eb));
            ids.add(ea.id());
            ids.add(eb.id());
        }
        assertThat(ids).as("unique across owners").hasSize(10);
        assertThat(Files.readString(journalOf(a))).doesNotContain(fromB.get(0).id() + "\"");
        assertThat(files("events-*.jsonl")).containsExactlyInAnyOrder(journalOf(a), journalOf(b));
        a.close();
        b.close();

        RuleStore c = open(203);
        List<AlertEvent> union = new ArrayList<>(fromA);
        union.addAll(fromB);
        union.add(early);
        assertThat(c.events()).containsExactlyInAnyOrderElementsOf(union);
        assertThat(c.rules()).extracting(AlertRule::id).containsExactly("r-00000000000a");
        assertThat(files("events-*.jsonl")).containsExactly(journalOf(c));
        assertThat(files("*.owner")).containsExactly(dir().resolve(c.owner() + ".owner"));
        assertThat(c.skippedLines()).isZero();
    }

    @Test
    void versionsOfOneEventFromTwoOwnersAreMergedNotLost() throws IOException {
        RuleStore a = open(201);
        AlertEvent e = a.putEvent(event(a.nextEventId(), AlertEvent.FIRING, T0));
        RuleStore b = open(202);
        clock.advance(Duration.ofSeconds(5));
        b.putEvent(acknowledged(b.event(e.id()).orElseThrow(), clock.instant())); // acknowledged through b's API
        clock.advance(Duration.ofSeconds(5));
        AlertEvent inA = a.putEvent(delivered(e, attempt(1, clock.instant(), 200)));
        clock.advance(Duration.ofSeconds(5));
        a.putEvent(resolved(inA, clock.instant())); // resolved by a's engine, which never saw the ack
        a.close();
        b.close();

        AlertEvent merged = open(203).event(e.id()).orElseThrow();

        assertThat(merged.status()).isEqualTo(AlertEvent.RESOLVED);
        assertThat(merged.resolvedAt()).isEqualTo(T0.plusSeconds(15).toString());
        assertThat(merged.acknowledged()).isTrue();
        assertThat(merged.acknowledgedAt()).isEqualTo(T0.plusSeconds(5).toString());
        assertThat(merged.deliveries()).hasSize(1);
    }

    @Test
    void eventIdsIncreaseAcrossRestartsEvenWithoutTheSequenceFile() throws IOException {
        RuleStore first = open(101);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = first.nextEventId();
            ids.add(id);
            first.putEvent(event(id, AlertEvent.FIRING, T0.plusSeconds(i)));
        }
        String unused = first.nextEventId(); // handed out, never stored
        first.close();
        assertThat(ids).containsExactly("e-1", "e-2", "e-3");

        RuleStore second = open(102);
        assertThat(second.nextEventId()).isEqualTo("e-5");
        second.close();

        Files.delete(dir().resolve("event-sequence"));
        RuleStore third = open(103);
        assertThat(third.nextEventId()).as("the journal's largest id still counts").isEqualTo("e-4");
        assertThat(unused).isEqualTo("e-4");
    }

    // ---- damaged files and failures ----

    @Test
    void invalidRulesInAHandEditedFileAreSkipped() throws IOException {
        RuleStore store = open(101);
        store.putRule(rule("r-00000000000a", "good"));
        store.putRule(rule("r-00000000000b", "bad"));
        store.close();
        Path file = dir().resolve("rules.json");
        Files.writeString(file, Files.readString(file)
                .replace("\"name\" : \"bad\"", "\"name\" : \"bad\", \"extra\" : 1")
                .replaceFirst("(?s)(\"name\" : \"bad\".*?\"webhook_url\" : )\"[^\"]*\"", "$1\"http://169.254.169.254/\""));

        RuleStore reopened = open(102);

        assertThat(reopened.rules()).extracting(AlertRule::id).containsExactly("r-00000000000a");
        assertThat(reopened.skippedRules()).isEqualTo(1);
    }

    @Test
    void aCorruptRulesFileIsMovedAsideNotOverwritten() throws IOException {
        Files.createDirectories(dir());
        Files.writeString(dir().resolve("rules.json"), "{\"rules\": [ oops");

        RuleStore store = open(101);

        assertThat(store.rules()).isEmpty();
        assertThat(files("rules.json.corrupt-*")).hasSize(1);
        store.putRule(rule("r-00000000000a", "a"));
        assertThat(Files.readString(dir().resolve("rules.json"))).contains("r-00000000000a");
    }

    @Test
    void writeFailuresAreCountedNotThrownAndRetriedWithTheNextChange() throws IOException {
        RuleStore store = open(101);
        store.putRule(rule("r-00000000000a", "a"));
        deleteTree(dir());

        store.putRule(rule("r-00000000000b", "b"));
        String id = store.nextEventId();

        assertThat(store.writeFailures()).isEqualTo(2);
        assertThat(store.lastFailure()).startsWith("writing event-sequence: ");
        assertThat(store.rules()).extracting(AlertRule::id).containsExactly("r-00000000000a", "r-00000000000b");
        assertThat(id).isEqualTo("e-1");

        Files.createDirectories(dir());
        store.putRule(rule("r-00000000000c", "c"));
        assertThat(store.writeFailures()).isEqualTo(2);
        String json = Files.readString(dir().resolve("rules.json"));
        assertThat(json).contains("r-00000000000a", "r-00000000000b", "r-00000000000c");
    }

    @Test
    void openCreatesTheDirectoryAndReportsWhatItCannotCreate() throws IOException {
        RuleStore store = open(101);
        assertThat(Files.isDirectory(dir())).isTrue();
        assertThat(store.directory()).isEqualTo(dir().toAbsolutePath());

        Path file = state.resolve("a-file");
        Files.writeString(file, "x");
        assertThatThrownBy(() -> RuleStore.open(file.resolve("alerts"), clock)).isInstanceOf(IOException.class);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
