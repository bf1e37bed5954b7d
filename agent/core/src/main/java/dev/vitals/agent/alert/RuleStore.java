package dev.vitals.agent.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.agent.logging.AgentLog;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Alert rules and alert events on disk, under one directory ({@code <state.dir>/alerts}), kept in
 * memory and written through on every change.
 *
 * <h2>Files</h2>
 * <ul>
 *   <li>{@code rules.json} — {@code {"version": 1, "rules": [...]}}, every rule as the API shows
 *       it. Rewritten whole on every change: temp file in the same directory, fsync, atomic
 *       rename, fsync of the directory.</li>
 *   <li>{@code events-<owner>.jsonl} — this owner's event journal: one JSON line per event
 *       version, {@code {"ts": <epoch ms>, "event": {...}}}; a new event, a resolve, an
 *       acknowledgement or a delivery attempt appends the whole event again; an event the cap
 *       drops gets a tombstone, {@code {"ts": ..., "dropped": "e-17"}}, so it is not read back.
 *       Each append is one {@code write} and an fsync.</li>
 *   <li>{@code <owner>.owner} — the owner's claim, locked ({@link FileLock}) for the store's life.</li>
 *   <li>{@code alerts.lock} — locked around every read-modify-write of a shared file.</li>
 *   <li>{@code event-sequence} — the last event number handed out, shared by all owners.</li>
 *   <li>{@code builtins-seeded} — written once the built-in rules were created ({@link BuiltInRules}).</li>
 * </ul>
 * Files are created readable by the JVM's user only (webhook URLs and routing keys are secrets).
 *
 * <h2>Two JVMs on one directory</h2>
 * An owner is {@code <pid>-<open epoch ms>[-n]}, claimed by atomically creating its
 * {@code .owner} file, which it then holds locked. The OS releases the lock when the process dies,
 * {@code kill -9} included, so "the owner file exists and nobody holds its lock" means that owner
 * is dead. Then:
 * <ul>
 *   <li><b>Rules</b> are shared: a change is applied, under the {@code alerts.lock} lock, to the
 *       rules.json on disk (not to this store's copy), so concurrent changes from two JVMs both
 *       survive; the store then adopts the merged file. Reads notice (by file identity, time and
 *       size) that another JVM replaced rules.json and reload it.</li>
 *   <li><b>Events</b>: each owner appends only to its own journal. Opening reads every journal; an
 *       event in several journals is merged field by field (resolved beats firing, acknowledged
 *       beats not, deliveries are united, otherwise the later version wins), versions within one
 *       journal by "last line wins". A live owner's journal is only read; a dead owner's journal
 *       is adopted (its events go into this owner's journal) and deleted, with its claim and temp
 *       files (a claim without a journal once it is {@link #STALE_CLAIM_MILLIS} old: a younger
 *       one may be a store between creating and locking it). Events a running sibling records
 *       later are seen at the next open.</li>
 *   <li><b>Event ids</b> {@code e-<n>}: {@code n} is one more than the larger of the shared
 *       {@code event-sequence} file and every id this store has seen, taken and written back under
 *       the lock, so ids increase across restarts and are unique across owners. (Should the
 *       sequence file be lost, ids continue after the largest one stored.)</li>
 * </ul>
 * Locks are OS advisory locks (POSIX record locks on Linux). A file system without them (some
 * network mounts) still never gets a torn file — every shared file is replaced by an atomic
 * rename — but two JVMs may then lose each other's concurrent rule change, and dead owners'
 * journals are kept (and merged on every open) rather than adopted. POSIX drops all of a
 * process's locks on a file when any of its descriptors of that file is closed, so a store never
 * opens the claim file of an owner held in this JVM ({@link #HELD}).
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>kill -9</b> loses at most the journal line or rules.json replacement being written:
 *       every change is on disk before the method returns. A torn last line (or any line that
 *       is not a whole event) is skipped on load and counted ({@link #skippedLines()}).</li>
 *   <li><b>Compaction</b>: when this owner's journal holds more than twice as many lines as
 *       there are live events (and more than {@link #MIN_COMPACT_LINES}), and at every open, the
 *       live events are rewritten to the journal atomically (temp, fsync, rename).</li>
 *   <li><b>Cap</b>: at most {@link #MAX_EVENTS} events; past it the oldest resolved events
 *       (by {@code started_at}) are dropped first, then the oldest firing ones. A dropped event
 *       stays dropped after a restart (tombstone), unless a concurrently running sibling's journal
 *       still holds it: then it is read back and the cap applies again.</li>
 *   <li><b>Failures</b> after {@link #open} are counted ({@link #writeFailures()},
 *       {@link #lastFailure()}), never thrown: memory stays authoritative, a failed rules write
 *       is retried with the next change, a failed append makes the next write a full
 *       rewrite of the journal (which also removes a half-written line).</li>
 * </ul>
 *
 * <p>Threading: every method is synchronized; called from HTTP threads, the sampler (engine)
 * thread and notifier threads. Disk writes happen under the store's lock; none blocks for long
 * except waiting for {@code alerts.lock} held by another JVM (at most {@link #LOCK_WAIT_MILLIS}).
 */
public final class RuleStore implements Closeable {

    /** Most events kept, firing and resolved together. */
    public static final int MAX_EVENTS = 10_000;

    /** Journals shorter than this many lines are never compacted (except at open). */
    static final int MIN_COMPACT_LINES = 100;

    /** Longest wait for {@code alerts.lock} before writing without it (another JVM holds it, or it is stuck). */
    static final long LOCK_WAIT_MILLIS = 2_000;

    /** Pause between attempts to take {@code alerts.lock}. */
    private static final long LOCK_RETRY_MILLIS = 5;

    /** Temp files older than this are a crashed writer's leftovers and are deleted at open. */
    private static final long STALE_TEMP_MILLIS = 3_600_000L;

    /** An unlocked claim without a journal older than this is a crashed store's leftover, deleted at open. */
    private static final long STALE_CLAIM_MILLIS = 60_000L;

    static final String RULES_FILE = "rules.json";
    static final String LOCK_FILE = "alerts.lock";
    static final String SEQUENCE_FILE = "event-sequence";
    private static final String OWNER_SUFFIX = ".owner";
    private static final Pattern JOURNAL = Pattern.compile("events-([0-9A-Za-z-]+)\\.jsonl");
    private static final Pattern EVENT_ID = Pattern.compile("e-(\\d{1,18})");

    /**
     * Claim files whose lock this JVM holds. A process-wide fact (the OS lock belongs to the
     * process), hence static: see the class comment.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    /**
     * One journal line: an event version, or a tombstone naming an event the cap dropped (so that
     * it is not read back).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Line(long ts, AlertEvent event, String dropped) {
    }

    /** An event with what the store needs to order and merge it. */
    private record Stored(AlertEvent event, long ts, long startedMillis, long number) {
        static Stored of(AlertEvent event, long ts) {
            long started;
            try {
                started = event.startedAt() == null ? Long.MIN_VALUE : Instant.parse(event.startedAt()).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                started = Long.MIN_VALUE;
            }
            return new Stored(event, ts, started, eventNumber(event.id()));
        }

        boolean resolved() {
            return AlertEvent.RESOLVED.equals(event.status());
        }
    }

    /** A rule change not yet written to rules.json. */
    private record RuleChange(String id, AlertRule rule) {
        void applyTo(Map<String, AlertRule> rules) {
            if (rule == null) {
                rules.remove(id);
            } else {
                rules.put(id, rule);
            }
        }
    }

    /** rules.json exists but is not a rules file. */
    private static final class CorruptRules extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptRules(String message) {
            super(message, null, false, false);
        }
    }

    private interface LockedAction<T> {
        T run() throws IOException;
    }

    private final Path dir;
    private final Clock clock;
    private final int maxEvents;
    private final String owner;
    private final Path ownerFile;
    private final FileChannel ownerChannel;
    private final FileLock ownerLock;
    private final FileChannel lockChannel;
    private final Path rulesPath;
    private final Path journalPath;
    private final FileAttribute<?>[] privateFile;

    // Guarded by this.
    private LinkedHashMap<String, AlertRule> rules = new LinkedHashMap<>();
    private final List<RuleChange> pending = new ArrayList<>();
    private Object rulesStamp;
    private List<AlertRule> rulesView;
    private final Map<String, Stored> events = new HashMap<>();
    private List<AlertEvent> eventsView;
    private long maxEventNumber;
    private FileChannel journal;
    private long journalLines;
    private boolean journalNeedsRewrite;
    private long writeFailures;
    private String lastFailure;
    private long skippedLines;
    private long skippedRules;
    private boolean closed;

    private RuleStore(Path dir, Clock clock, long pid, int maxEvents) throws IOException {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be positive, was " + maxEvents);
        }
        this.dir = dir.toAbsolutePath().normalize();
        this.clock = clock;
        this.maxEvents = maxEvents;
        boolean posix = createDirectory(this.dir);
        this.privateFile = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        this.rulesPath = this.dir.resolve(RULES_FILE);

        String base = pid + "-" + clock.millis();
        String claimed = null;
        Path claim = null;
        for (int i = 0; claimed == null; i++) {
            String candidate = i == 0 ? base : base + "-" + i;
            try {
                claim = Files.createFile(this.dir.resolve(candidate + OWNER_SUFFIX), privateFile);
                claimed = candidate;
            } catch (FileAlreadyExistsException taken) {
                // another store (this JVM or one with the same pid and millisecond) has it
            }
        }
        this.owner = claimed;
        this.ownerFile = claim;
        this.journalPath = this.dir.resolve("events-" + owner + ".jsonl");
        FileChannel ownerCh = null;
        FileLock ownerLk = null;
        FileChannel lockCh = null;
        boolean done = false;
        try {
            ownerCh = FileChannel.open(ownerFile, StandardOpenOption.WRITE);
            try {
                ownerLk = ownerCh.tryLock();
            } catch (IOException noLocks) {
                ownerLk = null; // a file system without locks: see the class comment
            }
            HELD.add(ownerFile);
            lockCh = FileChannel.open(this.dir.resolve(LOCK_FILE), options(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE), privateFile);
            done = true;
        } finally {
            if (!done) {
                closeQuietly(lockCh);
                closeQuietly(ownerCh);
                HELD.remove(ownerFile);
                Files.deleteIfExists(ownerFile);
            }
        }
        this.ownerChannel = ownerCh;
        this.ownerLock = ownerLk;
        this.lockChannel = lockCh;
        try {
            deleteStaleTemps();
            loadRules();
            loadEvents();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Opens (creating it if needed) the store in {@code dir} for this process. */
    public static RuleStore open(Path dir, Clock clock) throws IOException {
        return open(dir, clock, ProcessHandle.current().pid(), MAX_EVENTS);
    }

    /** Opens the store as process {@code pid} (tests simulate two JVMs with two pids). */
    static RuleStore open(Path dir, Clock clock, long pid) throws IOException {
        return open(dir, clock, pid, MAX_EVENTS);
    }

    /** Opens the store as process {@code pid}, keeping at most {@code maxEvents} events. */
    static RuleStore open(Path dir, Clock clock, long pid, int maxEvents) throws IOException {
        return new RuleStore(Objects.requireNonNull(dir, "dir"), Objects.requireNonNull(clock, "clock"), pid, maxEvents);
    }

    // ---- rules ----

    /** Every rule, in creation order (as on disk). */
    public synchronized List<AlertRule> rules() {
        refreshRules();
        if (rulesView == null) {
            rulesView = List.copyOf(rules.values());
        }
        return rulesView;
    }

    /** The rule with this id. */
    public synchronized Optional<AlertRule> rule(String id) {
        refreshRules();
        return Optional.ofNullable(rules.get(id));
    }

    /** Creates or replaces the rule with {@code rule.id()}; written through to rules.json. */
    public synchronized void putRule(AlertRule rule) {
        change(new RuleChange(rule.id(), rule));
    }

    /** Deletes a rule; false when there was none with that id. */
    public synchronized boolean deleteRule(String id) {
        refreshRules();
        boolean existed = rules.containsKey(id);
        change(new RuleChange(id, null));
        return existed;
    }

    /**
     * Creates {@code seed} unless the directory was seeded before ({@code marker} exists) or
     * already has rules (rules.json exists: a store from before the marker), then writes the
     * marker; under the lock, so two JVMs starting together seed once. Returns whether it seeded.
     */
    synchronized boolean seedOnce(String marker, List<AlertRule> seed) {
        if (closed) {
            return false;
        }
        Path markerPath = dir.resolve(marker);
        boolean[] seeded = {false};
        try {
            withLock(() -> {
                if (Files.exists(markerPath)) {
                    return null;
                }
                if (!Files.exists(rulesPath) && rules.isEmpty()) {
                    for (AlertRule rule : seed) {
                        RuleChange c = new RuleChange(rule.id(), rule);
                        pending.add(c);
                        c.applyTo(rules);
                    }
                    rulesView = null;
                    seeded[0] = true;
                    writeRulesLocked();
                }
                try {
                    Files.createFile(markerPath, privateFile);
                } catch (FileAlreadyExistsException seededMeanwhile) {
                    // it says the same
                }
                syncDirectory();
                return null;
            });
        } catch (IOException | RuntimeException e) {
            // without the marker the next start seeds again, unless the rules reached the disk
            failure("seeding the built-in rules", e);
        }
        return seeded[0];
    }

    private void change(RuleChange c) {
        pending.add(c);
        c.applyTo(rules);
        rulesView = null;
        if (closed) {
            return;
        }
        try {
            withLock(() -> {
                writeRulesLocked();
                return null;
            });
        } catch (IOException | RuntimeException e) {
            failure("writing " + RULES_FILE, e);
        }
    }

    /** Applies the pending changes to rules.json as it is on disk now, writes it, and adopts it. Lock held. */
    private void writeRulesLocked() throws IOException {
        LinkedHashMap<String, AlertRule> base;
        try {
            base = readRules();
        } catch (CorruptRules e) {
            moveAside(e.getMessage());
            base = null;
        }
        if (base == null) {
            base = new LinkedHashMap<>(rules); // no file: this store's rules are all there is
        }
        for (RuleChange c : pending) {
            c.applyTo(base);
        }
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", 1);
        ArrayNode list = root.putArray("rules");
        for (AlertRule r : base.values()) {
            list.add(MAPPER.valueToTree(r));
        }
        writeAtomically(rulesPath, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        pending.clear();
        rules = base;
        rulesView = null;
        rulesStamp = stamp(rulesPath);
    }

    /** Reloads rules.json when another JVM replaced it since this store last read or wrote it. */
    private void refreshRules() {
        if (closed) {
            return;
        }
        Object stamp;
        try {
            stamp = stamp(rulesPath);
        } catch (IOException e) {
            return;
        }
        if (stamp == null || stamp.equals(rulesStamp)) {
            return;
        }
        try {
            LinkedHashMap<String, AlertRule> disk = readRules();
            if (disk != null) {
                for (RuleChange c : pending) {
                    c.applyTo(disk);
                }
                rules = disk;
                rulesView = null;
            }
            rulesStamp = stamp;
        } catch (CorruptRules e) {
            rulesStamp = stamp; // keep ours; the next change moves it aside and rewrites it
            AgentLog.warn("alert rules: " + e.getMessage() + "; keeping the rules in memory");
        } catch (IOException | RuntimeException e) {
            // keep the rules in memory; try again on the next read
        }
    }

    private void loadRules() throws IOException {
        LinkedHashMap<String, AlertRule> disk;
        try {
            disk = readRules();
        } catch (CorruptRules e) {
            moveAside(e.getMessage());
            disk = null;
        }
        rules = disk == null ? new LinkedHashMap<>() : disk;
        rulesView = null;
        rulesStamp = stamp(rulesPath);
    }

    /** The rules in rules.json, or null when there is no such file. Invalid rules are skipped and logged. */
    private LinkedHashMap<String, AlertRule> readRules() throws IOException, CorruptRules {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(rulesPath);
        } catch (NoSuchFileException none) {
            return null;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new CorruptRules(RULES_FILE + " is not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + ")");
        }
        if (root == null || !root.isObject() || !root.path("rules").isArray()) {
            throw new CorruptRules(RULES_FILE + " is not a rules file: expected {\"version\": 1, \"rules\": [...]}");
        }
        LinkedHashMap<String, AlertRule> read = new LinkedHashMap<>();
        int index = 0;
        for (JsonNode node : root.get("rules")) {
            String problem;
            AlertRule rule = null;
            try {
                rule = MAPPER.treeToValue(node, AlertRule.class);
                problem = rule == null ? "not a rule" : RuleValidator.problem(rule);
            } catch (IOException | RuntimeException e) {
                problem = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            }
            if (problem != null || read.containsKey(rule.id())) {
                skippedRules++;
                AgentLog.warn("alert rules: skipping rule #" + index + " of " + rulesPath + " ("
                        + node.path("id").asText("no id") + "): " + (problem != null ? problem : "duplicate id"));
            } else {
                read.put(rule.id(), rule);
            }
            index++;
        }
        return read;
    }

    private void moveAside(String why) throws IOException {
        Path aside = dir.resolve(RULES_FILE + ".corrupt-" + clock.millis());
        Files.move(rulesPath, aside, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
        AgentLog.warn("alert rules: " + why + "; moved it to " + aside + " and started without those rules");
    }

    // ---- events ----

    /** Every event, newest first (by {@code started_at}, then id). */
    public synchronized List<AlertEvent> events() {
        if (eventsView == null) {
            List<Stored> sorted = new ArrayList<>(events.values());
            sorted.sort(NEWEST_FIRST);
            List<AlertEvent> view = new ArrayList<>(sorted.size());
            for (Stored s : sorted) {
                view.add(s.event());
            }
            eventsView = Collections.unmodifiableList(view);
        }
        return eventsView;
    }

    /** The event with this id. */
    public synchronized Optional<AlertEvent> event(String id) {
        Stored s = events.get(id);
        return s == null ? Optional.empty() : Optional.of(s.event());
    }

    /**
     * Inserts or replaces (by id) an event and appends it to the journal; past
     * {@link #MAX_EVENTS} the oldest resolved events are dropped. Returns {@code event}.
     */
    public synchronized AlertEvent putEvent(AlertEvent event) {
        Objects.requireNonNull(event, "event");
        Stored s = Stored.of(event, clock.millis());
        boolean added = events.put(event.id(), s) == null;
        maxEventNumber = Math.max(maxEventNumber, s.number());
        eventsView = null;
        List<String> dropped = added ? trim() : List.of();
        if (closed) {
            return event;
        }
        try {
            if (journal == null || journalNeedsRewrite) {
                compact();
            } else {
                ByteArrayOutputStream lines = new ByteArrayOutputStream();
                lines.write(line(new Line(s.ts(), s.event(), null)));
                for (String id : dropped) {
                    lines.write(line(new Line(s.ts(), null, id)));
                }
                append(lines.toByteArray());
                journalLines += 1 + dropped.size();
                if (journalLines > MIN_COMPACT_LINES && journalLines > 2L * events.size()) {
                    compact();
                }
            }
        } catch (IOException | RuntimeException e) {
            failure("writing " + journalPath.getFileName(), e);
            journalNeedsRewrite = true;
            closeQuietly(journal);
            journal = null;
        }
        return event;
    }

    /**
     * A new event id, {@code e-<n>}: larger than every id this store has seen and than every id
     * any owner of the directory has handed out (the shared {@code event-sequence} file).
     */
    public synchronized String nextEventId() {
        long next = maxEventNumber + 1;
        if (!closed) {
            try {
                next = withLock(() -> {
                    long n = Math.max(readSequence(), maxEventNumber) + 1;
                    writeAtomically(dir.resolve(SEQUENCE_FILE), (n + "\n").getBytes(StandardCharsets.US_ASCII));
                    return n;
                });
            } catch (IOException | RuntimeException e) {
                failure("writing " + SEQUENCE_FILE, e);
            }
        }
        maxEventNumber = Math.max(maxEventNumber, next);
        return "e-" + next;
    }

    private long readSequence() throws IOException {
        try {
            String text = Files.readString(dir.resolve(SEQUENCE_FILE), StandardCharsets.US_ASCII).strip();
            return text.matches("\\d{1,18}") ? Long.parseLong(text) : 0;
        } catch (NoSuchFileException none) {
            return 0;
        }
    }

    /** Drops events past the cap, the oldest resolved first, then the oldest firing; returns their ids. */
    private List<String> trim() {
        int excess = events.size() - maxEvents;
        if (excess <= 0) {
            return List.of();
        }
        List<Stored> order = new ArrayList<>(events.values());
        order.sort(Comparator.comparing((Stored s) -> !s.resolved()).thenComparing(NEWEST_FIRST.reversed()));
        List<String> dropped = new ArrayList<>(excess);
        for (int i = 0; i < excess; i++) {
            String id = order.get(i).event().id();
            events.remove(id);
            dropped.add(id);
        }
        eventsView = null;
        return dropped;
    }

    private void loadEvents() throws IOException {
        Map<String, Stored> merged = new HashMap<>();
        Map<String, Long> droppedAt = new HashMap<>();
        List<String> deadOwners = new ArrayList<>();
        for (Path path : list("events-*.jsonl")) {
            Matcher m = JOURNAL.matcher(path.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            Map<String, Stored> one;
            try {
                one = readJournal(path, droppedAt);
            } catch (NoSuchFileException adoptedMeanwhile) {
                continue;
            }
            for (Stored s : one.values()) {
                merged.merge(s.event().id(), s, RuleStore::merge);
            }
            String other = m.group(1);
            if (!other.equals(owner) && isDead(other)) {
                deadOwners.add(other);
            }
        }
        // A tombstone in one journal drops the versions other journals wrote before it.
        droppedAt.forEach((id, ts) -> merged.computeIfPresent(id, (k, s) -> s.ts() <= ts ? null : s));
        events.clear();
        events.putAll(merged);
        for (Stored s : merged.values()) {
            maxEventNumber = Math.max(maxEventNumber, s.number());
        }
        trim();
        eventsView = null;
        compact(); // this owner's journal, with every live event: then the dead owners' journals can go
        deadOwners.addAll(staleClaims());
        for (String dead : deadOwners) {
            Files.deleteIfExists(dir.resolve("events-" + dead + ".jsonl"));
            Files.deleteIfExists(dir.resolve(dead + OWNER_SUFFIX));
            for (Path tmp : list("*." + dead + ".tmp")) {
                Files.deleteIfExists(tmp);
            }
        }
        if (!deadOwners.isEmpty()) {
            syncDirectory();
        }
    }

    /**
     * Owners that died before writing a journal: claims nobody holds, older than
     * {@link #STALE_CLAIM_MILLIS} (younger ones may belong to a store between creating and
     * locking its claim).
     */
    private List<String> staleClaims() throws IOException {
        List<String> stale = new ArrayList<>();
        for (Path claim : list("*" + OWNER_SUFFIX)) {
            String name = claim.getFileName().toString();
            String other = name.substring(0, name.length() - OWNER_SUFFIX.length());
            if (other.equals(owner) || Files.exists(dir.resolve("events-" + other + ".jsonl"))) {
                continue;
            }
            try {
                if (clock.millis() - Files.getLastModifiedTime(claim).toMillis() > STALE_CLAIM_MILLIS && isDead(other)) {
                    stale.add(other);
                }
            } catch (NoSuchFileException gone) {
                // its owner closed meanwhile
            }
        }
        return stale;
    }

    /**
     * The versions of a journal, last line per id winning; a tombstone removes its event and is
     * recorded in {@code droppedAt}; lines that are neither are skipped and counted.
     */
    private Map<String, Stored> readJournal(Path path, Map<String, Long> droppedAt) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        Map<String, Stored> read = new LinkedHashMap<>();
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            if (end > start) {
                Line line = parseLine(bytes, start, end - start);
                if (line == null) {
                    skippedLines++;
                } else if (line.event() != null) {
                    read.put(line.event().id(), Stored.of(line.event(), line.ts()));
                } else {
                    read.remove(line.dropped());
                    droppedAt.merge(line.dropped(), line.ts(), Math::max);
                }
            }
            start = end + 1;
        }
        return read;
    }

    /** A whole line: an event with a status, or a tombstone; null for anything else. */
    private static Line parseLine(byte[] bytes, int offset, int length) {
        try {
            Line line = MAPPER.readValue(bytes, offset, length, Line.class);
            if (line == null || (line.event() == null) == (line.dropped() == null)) {
                return null;
            }
            return line.event() == null || line.event().status() != null ? line : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether the owner of a journal is gone: no claim file, or one nobody holds locked. */
    private boolean isDead(String other) {
        Path claim = dir.resolve(other + OWNER_SUFFIX);
        if (HELD.contains(claim)) {
            return false; // held in this JVM: never open it (see the class comment)
        }
        if (!Files.exists(claim)) {
            return true;
        }
        try (FileChannel ch = FileChannel.open(claim, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (NoSuchFileException closedMeanwhile) {
            return true;
        } catch (IOException | OverlappingFileLockException cannotTell) {
            return false;
        }
    }

    /**
     * Two versions of one event from different journals, merged: resolved beats firing (its
     * value, message and time win), acknowledged beats not, deliveries are united; otherwise the
     * version written later wins.
     */
    private static Stored merge(Stored a, Stored b) {
        Stored base;
        if (a.resolved() != b.resolved()) {
            base = a.resolved() ? a : b;
        } else {
            base = a.ts() != b.ts() ? (a.ts() > b.ts() ? a : b)
                    : a.event().deliveries().size() >= b.event().deliveries().size() ? a : b;
        }
        Stored other = base == a ? b : a;
        AlertEvent e = base.event();
        AlertEvent o = other.event();
        boolean acknowledged = e.acknowledged() || o.acknowledged();
        String acknowledgedAt = earliest(e.acknowledgedAt(), o.acknowledgedAt());
        LinkedHashSet<AlertEvent.Delivery> deliveries = new LinkedHashSet<>(e.deliveries());
        deliveries.addAll(o.deliveries());
        List<AlertEvent.Delivery> ordered = new ArrayList<>(deliveries);
        ordered.sort(Comparator.comparingLong((AlertEvent.Delivery d) -> millis(d.at())));
        AlertEvent merged = new AlertEvent(e.id(), e.ruleId(), e.ruleName(), e.metric(), e.resource(),
                e.currentValue(), e.threshold(), e.severity(), e.message(), e.status(), e.startedAt(), e.resolvedAt(),
                acknowledged, acknowledged ? acknowledgedAt : null, ordered);
        return new Stored(merged, Math.max(a.ts(), b.ts()), base.startedMillis(), base.number());
    }

    private static String earliest(String x, String y) {
        if (x == null || y == null) {
            return x == null ? y : x;
        }
        return millis(x) <= millis(y) ? x : y;
    }

    private static long millis(String instant) {
        try {
            return instant == null ? Long.MAX_VALUE : Instant.parse(instant).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static final Comparator<Stored> NEWEST_FIRST = Comparator.comparingLong(Stored::startedMillis)
            .thenComparingLong(Stored::number)
            .thenComparing(s -> s.event().id())
            .reversed();

    private static long eventNumber(String id) {
        Matcher m = EVENT_ID.matcher(id);
        return m.matches() ? Long.parseLong(m.group(1)) : 0;
    }

    // ---- journal ----

    private static byte[] line(Line l) throws IOException {
        byte[] json = MAPPER.writeValueAsBytes(l);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    private void append(byte[] line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(line);
        while (b.hasRemaining()) {
            journal.write(b);
        }
        journal.force(false);
    }

    /** Rewrites this owner's journal with the live events, oldest first, and reopens it for appending. */
    private void compact() throws IOException {
        List<Stored> live = new ArrayList<>(events.values());
        live.sort(NEWEST_FIRST.reversed());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Stored s : live) {
            out.write(line(new Line(s.ts(), s.event(), null)));
        }
        closeQuietly(journal);
        journal = null;
        writeAtomically(journalPath, out.toByteArray());
        journal = FileChannel.open(journalPath, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        journalLines = live.size();
        journalNeedsRewrite = false;
    }

    // ---- files ----

    /** Runs {@code action} holding {@code alerts.lock}, or without it if it cannot be had in time. */
    private <T> T withLock(LockedAction<T> action) throws IOException {
        FileLock lock = acquire();
        try {
            return action.run();
        } finally {
            if (lock != null && lock.isValid()) {
                try {
                    lock.release();
                } catch (IOException ignored) {
                    // the channel stays open; the OS drops the lock at exit at the latest
                }
            }
        }
    }

    private FileLock acquire() {
        long deadline = System.nanoTime() + LOCK_WAIT_MILLIS * 1_000_000;
        while (true) {
            try {
                FileLock lock = lockChannel.tryLock();
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException heldByAnotherStoreInThisJvm) {
                // wait for it like for another process
            } catch (IOException noLocks) {
                return null; // see the class comment
            }
            if (System.nanoTime() - deadline > 0) {
                AgentLog.warn("alert rules: " + dir.resolve(LOCK_FILE) + " is still locked after " + LOCK_WAIT_MILLIS
                        + " ms; writing without the lock");
                return null;
            }
            try {
                Thread.sleep(LOCK_RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Temp file in the directory, fsync, atomic rename over {@code target}, fsync of the directory. */
    private void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = dir.resolve(target.getFileName() + "." + owner + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, options(StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), privateFile)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stale temp file is deleted at the next open
            }
            throw e;
        }
        syncDirectory();
    }

    /** Makes renames and deletions in the directory durable; not possible everywhere (Windows), then skipped. */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException unsupported) {
            // the rename itself is atomic; only its durability across a power loss is weaker
        }
    }

    private void deleteStaleTemps() throws IOException {
        for (Path tmp : list("*.tmp")) {
            try {
                if (clock.millis() - Files.getLastModifiedTime(tmp).toMillis() > STALE_TEMP_MILLIS) {
                    Files.deleteIfExists(tmp);
                }
            } catch (NoSuchFileException gone) {
                // another store cleaned it
            }
        }
    }

    private List<Path> list(String glob) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            for (Path p : stream) {
                paths.add(p);
            }
        }
        paths.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return paths;
    }

    /** What identifies one version of a file (identity, time, size), or null when it does not exist. */
    private static Object stamp(Path path) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.lastModifiedTime().toMillis(), a.size());
        } catch (NoSuchFileException none) {
            return null;
        }
    }

    /** Creates the directory (owner-only where POSIX permissions exist); returns whether they do. */
    private static boolean createDirectory(Path dir) throws IOException {
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        return posix;
    }

    private static Set<OpenOption> options(OpenOption... options) {
        return Set.of(options);
    }

    private void failure(String what, Exception e) {
        writeFailures++;
        lastFailure = what + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        if (writeFailures == 1 || Long.bitCount(writeFailures) == 1) {
            AgentLog.warn("alert store: " + lastFailure + " (failure " + writeFailures + "; the data is kept in memory)");
        }
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing more to do with a channel we are dropping
            }
        }
    }

    // ---- state ----

    /** Writes (rules.json, journal appends, event ids) that failed since open. */
    public synchronized long writeFailures() {
        return writeFailures;
    }

    /** What the last failed write was and why ({@code writing rules.json: No space left on device}), or null. */
    public synchronized String lastFailure() {
        return lastFailure;
    }

    /** Journal lines skipped since open because they were not whole events (a torn last line). */
    public synchronized long skippedLines() {
        return skippedLines;
    }

    /** Rules skipped since open because they did not pass validation (rules.json edited by hand). */
    public synchronized long skippedRules() {
        return skippedRules;
    }

    /** This store's owner id ({@code <pid>-<open millis>[-n]}), part of its journal's name. */
    public String owner() {
        return owner;
    }

    /** The directory of the files. */
    public Path directory() {
        return dir;
    }

    /**
     * Closes the journal and releases the owner claim (its journal stays, to be adopted by the
     * next store to open). Later changes are kept in memory only.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(journal);
        journal = null;
        closeQuietly(lockChannel);
        try {
            if (ownerLock != null && ownerLock.isValid()) {
                ownerLock.release();
            }
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(ownerChannel);
        HELD.remove(ownerFile);
        try {
            Files.deleteIfExists(ownerFile);
        } catch (IOException ignored) {
            // an unlocked leftover claim only marks its journal as adoptable
        }
    }
}
