package dev.vitals.agent.history;

import static dev.vitals.agent.history.HistoryMetric.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.agent.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryStoreTest {

    private static final Instant T0 = Instant.parse("2026-01-31T10:00:00Z");
    private static final long PID = 4242;

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);

    private static HistoryPoint sample(Instant t, double hits) {
        return HistoryPoint.at(t).set(CACHE_HITS, hits).set(CACHE_REQUESTS, 10).set(PERFORMANCE_SCORE, 90)
                .set(HEALTH, 1).set(QUERIES, 3).set(QUERY_P99_TIME, 0.25).set(INTERVAL_SECONDS, 10).build();
    }

    /** Runs a history with a store from {@code from} for {@code seconds}, one sample every 10 s; closes nothing. */
    private History run(HistoryStore store, History history, Instant from, long seconds) {
        for (long s = 0; s < seconds; s += 10) {
            Instant t = from.plusSeconds(s);
            clock.set(t);
            history.add(sample(t, s % 7));
        }
        return history;
    }

    @Test
    void roundTripRestoresEveryResolutionAndQueriesAgreeAfterARestart() throws IOException {
        HistoryStore store = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID);
        History before = run(store, new History(clock, store), T0, 3 * 3_600 + 45);
        store.close();

        HistoryStore reopened = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID + 1);
        History after = new History(clock, reopened);
        reopened.restoreInto(after);

        for (Resolution r : Resolution.values()) {
            assertThat(after.points(r)).as(r.name()).isEqualTo(before.points(r)).isNotEmpty();
        }
        Instant now = clock.instant();
        for (Duration back : List.of(Duration.ofMinutes(30), Duration.ofHours(6), Duration.ofDays(7))) {
            assertThat(after.query(now.minus(back), now, Duration.ofMinutes(15)))
                    .as(back.toString()).isEqualTo(before.query(now.minus(back), now, Duration.ofMinutes(15)));
        }
        assertThat(reopened.skippedRecords()).isZero();
        reopened.close();
    }

    @Test
    void killMinusNineLosesNothingWrittenAndTheOpenMinuteAndHourAreRebuilt() throws IOException {
        HistoryStore crashed = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID);
        History before = run(crashed, new History(clock, crashed), T0, 3_600 + 35); // ends at 11:00:30, mid-minute
        // no close(): the process is killed

        clock.set(T0.plusSeconds(3_600 + 600)); // restarted ten minutes later
        HistoryStore store = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID + 1);
        History after = new History(clock, store);
        store.restoreInto(after);
        Instant hourAgo = clock.instant().minus(Duration.ofHours(1));
        assertThat(after.points(Resolution.RAW)).isNotEmpty()
                .isEqualTo(before.points(Resolution.RAW).stream().filter(p -> !p.time().isBefore(hourAgo)).toList());

        Instant next = clock.instant();
        after.add(sample(next, 1));
        // minute 11:00 (four samples, 11:00:00–11:00:30) was never closed by the crashed JVM
        List<HistoryPoint> minutes = after.points(Resolution.MINUTE);
        HistoryPoint rebuilt = minutes.get(minutes.size() - 1);
        assertThat(rebuilt.time()).isEqualTo(T0.plusSeconds(3_600));
        assertThat(rebuilt.samples()).isEqualTo(4);
        // ... which also closed hour 10:00 (360 samples)
        assertThat(after.points(Resolution.HOUR)).singleElement().satisfies(h -> {
            assertThat(h.time()).isEqualTo(T0);
            assertThat(h.samples()).isEqualTo(360);
        });
        assertThat(after.query(T0, next, Duration.ofHours(1))).extracting(HistoryPoint::samples).containsExactly(360, 5);
        store.close();

        // and the rebuilt rollups were persisted by the new owner
        HistoryStore third = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID + 2);
        assertThat(third.load().minutes()).contains(rebuilt);
        assertThat(third.load().hours()).hasSize(1);
        third.close();
    }

    @Test
    void aTornTailRecordIsSkippedAndTheRestKept() throws IOException {
        HistoryStore store = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID);
        for (int i = 0; i < 5; i++) {
            store.accept(Resolution.RAW, sample(T0.plusSeconds(i), i));
        }
        Path file = onlyFile("raw-");
        byte[] full = HistoryStore.encode(sample(T0.plusSeconds(5), 5)).array();
        Files.write(file, java.util.Arrays.copyOf(full, full.length - 3), StandardOpenOption.APPEND); // torn write

        HistoryStore.Stored s = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID + 1).load();
        assertThat(s.raw()).extracting(p -> p.get(CACHE_HITS)).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0);
        assertThat(s.skippedRecords()).isEqualTo(1);

        // the owner's next append (after a failure it reopens its segment) cuts the torn bytes first
        store.close();
    }

    @Test
    void aCorruptRecordInTheMiddleIsSkippedAndTheRecordsAfterItKept() throws IOException {
        HistoryStore store = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID);
        for (int i = 0; i < 5; i++) {
            store.accept(Resolution.RAW, sample(T0.plusSeconds(i), i));
        }
        store.close();
        Path file = onlyFile("raw-");
        byte[] bytes = Files.readAllBytes(file);
        int record = HistoryStore.encode(sample(T0, 0)).remaining();
        int thirdRecordPayload = bytes.length - 3 * record + 10;
        bytes[thirdRecordPayload] ^= 0x40; // flip one bit in record 2's time
        Files.write(file, bytes);

        HistoryStore.Stored s = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID + 1).load();
        assertThat(s.raw()).extracting(p -> p.get(CACHE_HITS)).containsExactly(0.0, 1.0, 3.0, 4.0);
        assertThat(s.skippedRecords()).isEqualTo(1);
    }

    @Test
    void aFileWithABadHeaderIsSkippedWhole() throws IOException {
        HistoryStore store = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID);
        store.accept(Resolution.RAW, sample(T0, 1));
        store.close();
        Path file = onlyFile("raw-");
        byte[] bytes = Files.readAllBytes(file);
        bytes[5] ^= 1; // version
        Files.write(file, bytes);
        HistoryStore.Stored s = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID + 1).load();
        assertThat(s.raw()).isEmpty();
        assertThat(s.skippedRecords()).isEqualTo(1);
    }

    @Test
    void anOwnerReopeningItsSegmentCutsATornRecordBeforeAppending() throws IOException {
        HistoryStore store = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID);
        store.accept(Resolution.RAW, sample(T0, 1));
        store.accept(Resolution.RAW, sample(T0.plusSeconds(1), 2));
        Path file = onlyFile("raw-");
        store.close(); // released its claim
        Files.write(file, new byte[] {0, 0, 0, 40, 1, 2}, StandardOpenOption.APPEND); // torn record

        // same pid and start millisecond (pid reuse): the same owner, so the same segment file
        HistoryStore again = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID);
        assertThat(again.owner()).isEqualTo(store.owner());
        again.accept(Resolution.RAW, sample(T0.plusSeconds(2), 3));
        again.close();
        assertThat(onlyFile("raw-")).isEqualTo(file);

        HistoryStore.Stored s = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID + 1).load();
        assertThat(s.raw()).extracting(p -> p.get(CACHE_HITS)).containsExactly(1.0, 2.0, 3.0);
        assertThat(s.skippedRecords()).isZero();
    }

    @Test
    void theDiskCapDeletesTheOldestSegmentsFirst() throws IOException {
        HistoryStore writer = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID);
        Instant[] times = {T0.minus(Duration.ofDays(25)), T0.minus(Duration.ofDays(15)), T0.minus(Duration.ofDays(5))};
        for (Instant t : times) {
            for (int i = 0; i < 10; i++) { // 10 hours: within one 10-day segment
                writer.accept(Resolution.HOUR, sample(t.plusSeconds(3_600L * i), i));
            }
        }
        writer.close();
        List<Path> files = segmentFiles();
        assertThat(files).hasSize(3);
        long oldestSize = Files.size(files.get(0));
        long total = writer.diskBytes();

        HistoryStore capped = HistoryStore.open(dir, clock, total - oldestSize, PID + 1);
        assertThat(segmentFiles()).containsExactlyElementsOf(files.subList(1, 3));
        assertThat(capped.diskBytes()).isEqualTo(total - oldestSize);
        HistoryStore.Stored s = capped.load();
        assertThat(s.hours()).hasSize(20);
        assertThat(s.hours().get(0).time()).isEqualTo(times[1]);

        HistoryStore tighter = HistoryStore.open(dir, clock, 1, PID + 2);
        assertThat(segmentFiles()).isEmpty();
        capped.close();
        tighter.close();
    }

    @Test
    void theCapNeverDeletesTheStoresOwnOpenSegmentsAndIsCheckedWhileWriting() throws IOException {
        HistoryStore other = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID);
        for (int i = 0; i < 10; i++) {
            other.accept(Resolution.HOUR, sample(T0.minus(Duration.ofDays(20)).plusSeconds(3_600L * i), i));
        }
        other.close();
        HistoryStore store = HistoryStore.open(dir, clock, 2_000, PID + 1);
        assertThat(segmentFiles()).hasSize(1); // 10 records + header fit under 2,000 bytes
        for (int i = 0; i < 20; i++) {
            store.accept(Resolution.RAW, sample(T0.plusSeconds(i), i)); // 20 × 92 bytes + header: over the cap
        }
        assertThat(segmentFiles()).singleElement().satisfies(f -> assertThat(f.getFileName().toString()).startsWith("raw-"));
        assertThat(store.load().raw()).hasSize(20);
        assertThat(store.writeFailures()).isZero();
        store.close();
    }

    @Test
    void segmentsPastRetentionAreDeleted() throws IOException {
        HistoryStore store = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID);
        store.accept(Resolution.RAW, sample(T0, 1));                    // segment 10:00–11:00
        store.accept(Resolution.MINUTE, sample(T0, 1));                 // segment Jan 31
        store.close();
        clock.set(T0.plus(Duration.ofHours(2)));                        // raw segment ended 1 h ago: kept
        HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID + 1).close();
        assertThat(segmentFiles()).hasSize(2);
        clock.set(T0.plus(Duration.ofHours(2)).plusSeconds(1));         // ended more than 1 h ago: gone
        HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID + 2).close();
        assertThat(segmentFiles()).singleElement().satisfies(f -> assertThat(f.getFileName().toString()).startsWith("minute-"));
    }

    @Test
    void twoJvmsOnOneDirectoryWriteTheirOwnFilesAndAreMergedOnRead() throws IOException {
        // same pid and same start millisecond: the worst case for owner names
        HistoryStore a = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID);
        HistoryStore b = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID);
        HistoryStore c = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID + 1);
        assertThat(List.of(a.owner(), b.owner(), c.owner())).doesNotHaveDuplicates();
        assertThat(b.owner()).isEqualTo(a.owner() + "-1");

        History ha = new History(clock, a);
        History hb = new History(clock, b);
        History hc = new History(clock, c);
        for (int i = 0; i < 200; i++) {
            Instant t = T0.plusSeconds(10L * i);
            clock.set(t);
            ha.add(sample(t, 1));
            hb.add(sample(t.plusMillis(1), 2));
            hc.add(sample(t.plusMillis(2), 4));
        }
        assertThat(segmentFiles()).hasSize(3 * 2); // raw + minute per owner
        for (HistoryStore s : List.of(a, b, c)) {
            assertThat(s.writeFailures()).isZero();
        }

        HistoryStore reader = HistoryStore.open(dir, clock, HistoryStore.DEFAULT_MAX_BYTES, PID + 2);
        HistoryStore.Stored s = reader.load();
        assertThat(s.skippedRecords()).isZero();
        assertThat(s.raw()).hasSize(600);
        assertThat(s.raw().stream().mapToDouble(p -> p.get(CACHE_HITS)).sum()).isEqualTo(200 * 7);
        for (Resolution r : List.of(Resolution.RAW, Resolution.MINUTE)) {
            List<HistoryPoint> merged = new ArrayList<>();
            for (History h : List.of(ha, hb, hc)) {
                merged.addAll(h.points(r));
            }
            assertThat(s.of(r)).containsExactlyInAnyOrderElementsOf(merged);
        }
        a.close();
        b.close();
        c.close();
        reader.close();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.filter(p -> p.toString().endsWith(".owner") || p.toString().endsWith(".tmp"))).isEmpty();
        }
    }

    private Path onlyFile(String prefix) throws IOException {
        List<Path> files = segmentFiles();
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).startsWith(prefix);
        return files.get(0);
    }

    private static String ownerOf(Path file) {
        String name = file.getFileName().toString();
        String[] parts = name.substring(0, name.length() - 3).split("-", 3);
        return parts[2];
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".vh")).sorted((x, y) -> {
                long sx = Long.parseLong(x.getFileName().toString().split("-")[1]);
                long sy = Long.parseLong(y.getFileName().toString().split("-")[1]);
                return sx != sy ? Long.compare(sx, sy) : x.compareTo(y);
            }).toList();
        }
    }
}
