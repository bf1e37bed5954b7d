package dev.vitals.agent.jdbc;

import dev.vitals.agent.bridge.StatementListener;
import dev.vitals.agent.histogram.LatencyHistogram;
import dev.vitals.agent.snapshot.QueryReport;
import dev.vitals.agent.snapshot.SlowQuerySnapshot;
import dev.vitals.agent.snapshot.StatementCounts;
import dev.vitals.agent.snapshot.StatementSnapshot;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Receives every JDBC statement creation and execution the advice reports, and keeps per-statement
 * statistics: calls, errors, a latency histogram and rows, per normalized SQL text and data
 * source; plus the slow-query log.
 *
 * <h2>How an execution finds its SQL</h2>
 * A {@code PreparedStatement}'s {@code execute()} carries no SQL: it was given to
 * {@code prepareStatement}. When the outermost {@code prepare*} or {@code createStatement} on a
 * thread returns, the statement it returned is remembered in that thread's ring of the last
 * {@link #RING} statements, with its statement key (and its data source); {@code close()} frees its
 * slot. The outermost {@code execute*} on the same statement finds it there by identity. When the
 * outermost returned one of HikariCP's statement proxies, which are not instrumented, the statement
 * remembered is the one it wraps (the driver's: the last statement returned inside it on the
 * driver's own connection), whose executions and close are the ones reported. A
 * statement pushed out of a full ring (the thread holds more than {@link #RING} open statements)
 * moves to a shared table of {@link #EVICTED_SLOTS} weakly held statements. A statement found in
 * neither — prepared before Vitals attached, or prepared on one thread and executed on another
 * that never saw it — is counted under its data source's {@code unknown} key (plain statements
 * still bring their SQL text); {@link #unattributed()} counts those executions.
 *
 * <h2>The data-source label</h2>
 * Decided once per physical connection, when a statement is first created on it: the innermost
 * {@code prepare*} call runs on the driver's own connection, which pools keep for its whole life,
 * so a small identity table ({@link #CONNECTION_SLOTS}) from physical connection to label answers
 * every later statement at the cost of a lookup. On a miss, if a HikariCP proxy was on the way,
 * the label is the pool's {@code poolName}; otherwise the connection's JDBC URL, scrubbed
 * ({@link JdbcLabels}), provisionally: a pool may create a statement on a connection itself (pgjdbc
 * validates with one) before lending it, and the first statement through the pool's proxy then
 * renames the connection after the pool.
 *
 * <h2>Bounds</h2>
 * Raw SQL texts map to their normalized key through a cache of at most {@link #RAW_CACHE_ENTRIES}
 * texts and {@link #RAW_CACHE_CHARS} characters (emptied when full, so a flood of one-off texts
 * cannot crowd out the hot ones for long); at most {@code sql.max_statements} normalized keys are
 * tracked over all data sources, and executions of any further key fold into that data source's
 * {@code other} key; at most {@link #MAX_DATA_SOURCES} labels.
 *
 * <pre>
 * Concurrency: the listener methods run on application threads. The per-thread state is an
 *   Object[] in a ThreadLocal, holding JDK types and the application's own objects only (never
 *   ours, which would pin the agent's class loader in application threads after a detach):
 *   a long[] (call depth, ring cursor, the ring's statement keys) and the ring's statements.
 *   Records live in an array indexed by id; the maps are concurrent; a new key or label takes
 *   one lock, once. Snapshots run on agent threads.
 *
 * Accuracy: calls and errors are exact for every outermost execute* on a transformed class,
 *   from the moment the recorder is installed; nested calls (wrapper to driver) are not
 *   counted again. Times are System.nanoTime() around the outermost call; last_seen is derived
 *   from the end reading ({@link LastSeen}), not a wall-clock read. Rows add the update
 *   counts returned (executeUpdate, executeLargeUpdate, batches; negative counts such as
 *   SUCCESS_NO_INFO add nothing; execute() and queries add nothing).
 *
 * Overhead: after warm-up, nothing is allocated per prepare or execute: a ThreadLocal read, two
 *   nanoTime calls, a scan of at most 16 references, two hash lookups per prepare (cache hits),
 *   one histogram update and two adder updates per execute. Allocation happens on first sight of
 *   a thread (the ring, about 250 bytes), of an SQL text (its normalized key), of a physical
 *   connection (its label), and for executions over the slow threshold (a stack walk and one log
 *   entry).
 * </pre>
 */
public final class StatementRecorder implements StatementListener {

    /** Statements each thread remembers between creation and execution; a power of two. */
    static final int RING = 16;

    /** Data-source labels kept; the last one collects every later data source. */
    static final int MAX_DATA_SOURCES = 32;

    /** Raw SQL texts cached with their normalized key; the cache is emptied when it holds this many. */
    static final int RAW_CACHE_ENTRIES = 10_000;

    /** Characters of raw SQL the cache may hold (about 4 to 8 MB); emptied past this. */
    static final long RAW_CACHE_CHARS = 4_000_000;

    /** Longer raw SQL is never cached: normalized again at each prepare, as it is O(length) anyway. */
    static final int MAX_CACHED_SQL_CHARS = 16_384;

    /** Statements evicted from a thread's ring, held weakly; a power of two. */
    static final int EVICTED_SLOTS = 4_096;

    /** Physical connections whose label is known, held weakly; a power of two. */
    static final int CONNECTION_SLOTS = 1_024;

    /** SQL text of the {@code other} bucket of a data source. */
    static final String OTHER_SQL = "(other statements)";

    /** SQL text of the {@code unknown} bucket of a data source. */
    static final String UNKNOWN_SQL = "(unknown statement)";

    /** Label of every data source past {@link #MAX_DATA_SOURCES}. */
    static final String OTHER_DATA_SOURCES = "(other data sources)";

    /** Label when even the statement's connection cannot be asked. */
    static final String UNKNOWN_DATA_SOURCE = "(unknown)";

    private static final double NANOS_PER_SECOND = 1e9;

    // Per-thread state: Object[] slots ...
    private static final int NUMBERS = 0;
    private static final int INNER_CONNECTION = 1;
    private static final int POOL_CONNECTION = 2;
    private static final int INNER_STATEMENT = 3;
    private static final int STATEMENTS = 4;
    // ... and long[] NUMBERS slots.
    private static final int DEPTH = 0;
    private static final int RING_NEXT = 1;
    private static final int CREATE_LABEL = 2;
    private static final int KEYS = 3;

    /** A statement key in a long: label id in the high half; plain flag and record id + 1 in the low. */
    private static final long PLAIN = 1L << 31;
    private static final long RECORD_MASK = PLAIN - 1;
    private static final long MISSING = Long.MIN_VALUE;
    /** In the connection table: the label came from the URL, and a pool's name may still replace it. */
    private static final long PROVISIONAL = 1L << 32;

    /** One data source's keys. */
    private static final class Label {
        final int id;
        final String name;
        final Map<String, StatementRecord> byKey = new ConcurrentHashMap<>();
        volatile StatementRecord other;
        volatile StatementRecord unknown;

        Label(int id, String name) {
            this.id = id;
            this.name = name;
        }
    }

    private final int maxStatements;
    private final long slowNanos;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final ThreadLocal<Object[]> threads = ThreadLocal.withInitial(StatementRecorder::newThreadState);

    private final Map<String, String> rawCache = new ConcurrentHashMap<>();
    private final AtomicLong rawCacheChars = new AtomicLong();
    private final LongAdder rawCacheResets = new LongAdder();

    private final AtomicReferenceArray<Label> labels = new AtomicReferenceArray<>(MAX_DATA_SOURCES);
    private final Map<String, Label> labelsByName = new ConcurrentHashMap<>();
    private final WeakIdentityTable connections = new WeakIdentityTable(CONNECTION_SLOTS);

    private final AtomicReferenceArray<StatementRecord> records;
    private final AtomicInteger nextRecord = new AtomicInteger();
    private final AtomicInteger statementKeys = new AtomicInteger();

    private final WeakIdentityTable evicted = new WeakIdentityTable(EVICTED_SLOTS);
    private final LongAdder evictions = new LongAdder();
    private final LongAdder unattributed = new LongAdder();
    private final SlowQueryLog slow = new SlowQueryLog();
    private volatile String lastProblem;

    /**
     * @param maxStatements normalized SQL keys tracked over all data sources ({@code sql.max_statements})
     * @param slowThreshold executions at least this long go to the slow-query log ({@code sql.slow_threshold})
     * @param clock wall clock for {@code last_seen} and slow-query times
     */
    public StatementRecorder(int maxStatements, Duration slowThreshold, Clock clock) {
        this(maxStatements, slowThreshold, clock, System::nanoTime);
    }

    /** As above, with the monotonic clock executions are timed with ({@link System#nanoTime()} outside tests). */
    StatementRecorder(int maxStatements, Duration slowThreshold, Clock clock, LongSupplier nanoTime) {
        if (maxStatements < 1 || slowThreshold.isNegative() || slowThreshold.isZero()) {
            throw new IllegalArgumentException("maxStatements " + maxStatements + ", slowThreshold " + slowThreshold);
        }
        this.maxStatements = maxStatements;
        this.slowNanos = slowThreshold.toNanos();
        this.clock = clock;
        this.nanoTime = nanoTime;
        // Every key, plus each data source's other and unknown buckets.
        this.records = new AtomicReferenceArray<>(maxStatements + 2 * MAX_DATA_SOURCES);
    }

    private static Object[] newThreadState() {
        Object[] state = new Object[STATEMENTS + RING];
        long[] numbers = new long[KEYS + RING];
        numbers[CREATE_LABEL] = -1;
        state[NUMBERS] = numbers;
        return state;
    }

    // ---- application threads: creation ----

    @Override
    public boolean creating() {
        long[] numbers = (long[]) threads.get()[NUMBERS];
        return ++numbers[DEPTH] == 1;
    }

    @Override
    public void created(Object connection, Object statement, String sql, boolean outermost, Throwable thrown) {
        Object[] state = threads.get();
        long[] numbers = (long[]) state[NUMBERS];
        CallDepth.leave(numbers, DEPTH);
        // Calls return innermost first: the first to get here ran on the driver's own connection.
        if (state[INNER_CONNECTION] == null) {
            state[INNER_CONNECTION] = connection;
            numbers[CREATE_LABEL] = connections.get(connection, -1);
        } else if ((numbers[CREATE_LABEL] < 0 || (numbers[CREATE_LABEL] & PROVISIONAL) != 0)
                && state[POOL_CONNECTION] == null && JdbcLabels.isHikariProxy(connection)) {
            state[POOL_CONNECTION] = connection; // only looked at while the label may still change
        }
        if (!outermost) {
            // The last statement returned on the driver's own connection is the one the wrappers
            // around it wrap: the driver's internal ones, nested deeper, return before it, and
            // HikariCP's (ProxyConnection's, inside HikariProxyConnection's) is made on the proxy.
            if (connection == state[INNER_CONNECTION]) {
                state[INNER_STATEMENT] = statement;
            }
            return;
        }
        Object inner = state[INNER_CONNECTION];
        Object pooled = state[POOL_CONNECTION];
        Object innerStatement = state[INNER_STATEMENT];
        long known = numbers[CREATE_LABEL];
        endOfOutermost(state, numbers);
        if (statement == null || thrown != null) {
            return;
        }
        int label;
        if (known >= 0 && ((known & PROVISIONAL) == 0 || pooled == null)) {
            label = (int) known;
        } else {
            label = learnLabel(inner, pooled);
        }
        long key = ((long) label << 32) | (sql == null ? PLAIN : record(label, sql).id + 1L);
        Object executed = statement;
        if (JdbcLabels.isHikariProxy(statement)) {
            // HikariCP's statement proxies are not instrumented (StatementInstrumentation): their
            // executions are seen on the driver's statement inside, so that is the one to remember.
            // Without one (the driver's classes were not transformed, so the innermost call was
            // HikariCP's own) nothing will be reported, and the proxy, held in the ring, would
            // keep its pool reachable.
            if (innerStatement == null || innerStatement == statement) {
                return;
            }
            executed = innerStatement;
        }
        remember(state, numbers, executed, key);
    }

    /**
     * Slow path, once per physical connection: names it and remembers the name. A name taken from
     * the URL is provisional: a pool validates its connections (pgjdbc's {@code isValid} creates a
     * statement) before lending them out, and the first statement through a pool's proxy renames
     * the connection after the pool.
     */
    private int learnLabel(Object inner, Object pooled) {
        try {
            if (pooled == null && JdbcLabels.isHikariProxy(inner)) {
                pooled = inner; // the driver's class was not transformed: HikariCP's proxy is innermost
            }
            String name = pooled == null ? null : JdbcLabels.poolName(pooled);
            int label = labelId(name != null ? name : JdbcLabels.forConnection(inner));
            connections.put(inner, name != null ? label : label | PROVISIONAL);
            return label;
        } catch (RuntimeException | LinkageError e) {
            problem("cannot name the data source of " + inner.getClass().getName() + ": " + e);
            return labelId(UNKNOWN_DATA_SOURCE);
        }
    }

    private void remember(Object[] state, long[] numbers, Object statement, long key) {
        int next = (int) numbers[RING_NEXT];
        int slot = -1;
        for (int i = 0; i < RING; i++) {
            int index = (next + i) & (RING - 1);
            Object held = state[STATEMENTS + index];
            if (held == null || held == statement) {
                slot = index;
                break;
            }
        }
        if (slot < 0) {
            // The thread holds more than RING open statements: the oldest slot moves to the shared table.
            slot = next;
            evicted.put(state[STATEMENTS + slot], numbers[KEYS + slot]);
            evictions.increment();
        }
        state[STATEMENTS + slot] = statement;
        numbers[KEYS + slot] = key;
        numbers[RING_NEXT] = (slot + 1) & (RING - 1);
    }

    @Override
    public void batchAdded(Object statement, String sql) {
        if (sql == null) {
            return;
        }
        Object[] state = threads.get();
        long[] numbers = (long[]) state[NUMBERS];
        int slot = find(state, statement);
        // A plain statement's batch is named after its first SQL text.
        if (slot >= 0 && (numbers[KEYS + slot] & (PLAIN | RECORD_MASK)) == PLAIN) {
            long key = numbers[KEYS + slot];
            numbers[KEYS + slot] = key | (record((int) (key >> 32), sql).id + 1L);
        }
    }

    @Override
    public void closed(Object statement) {
        Object[] state = threads.get();
        int slot = find(state, statement);
        if (slot >= 0) {
            state[STATEMENTS + slot] = null;
        }
    }

    /** The ring slot holding {@code statement}, most recent first, or -1. */
    private static int find(Object[] state, Object statement) {
        int newest = (int) ((long[]) state[NUMBERS])[RING_NEXT] - 1;
        for (int i = 0; i < RING; i++) {
            int index = (newest - i) & (RING - 1);
            if (state[STATEMENTS + index] == statement) {
                return index;
            }
        }
        return -1;
    }

    // ---- application threads: execution ----

    @Override
    public long executing() {
        return CallDepth.enter((long[]) threads.get()[NUMBERS], DEPTH, nanoTime);
    }

    @Override
    public void executed(Object statement, String sql, long start, Throwable thrown, long rows) {
        long end = start == 0L ? 0L : nanoTime.getAsLong();
        Object[] state = threads.get();
        long[] numbers = (long[]) state[NUMBERS];
        CallDepth.leave(numbers, DEPTH);
        if (start == 0L) {
            return;
        }
        endOfOutermost(state, numbers);
        int slot = find(state, statement);
        long key = slot >= 0 ? numbers[KEYS + slot] : evicted.get(statement, MISSING);
        finish(recordFor(statement, key, sql), end - start, end, thrown, rows);
    }

    @Override
    public void executedBatch(Object statement, long start, Throwable thrown, Object updateCounts) {
        long end = start == 0L ? 0L : nanoTime.getAsLong();
        Object[] state = threads.get();
        long[] numbers = (long[]) state[NUMBERS];
        CallDepth.leave(numbers, DEPTH);
        if (start == 0L) {
            return;
        }
        endOfOutermost(state, numbers);
        int slot = find(state, statement);
        long key = slot >= 0 ? numbers[KEYS + slot] : evicted.get(statement, MISSING);
        if (slot >= 0 && (key & PLAIN) != 0) {
            numbers[KEYS + slot] = key & ~RECORD_MASK; // the next batch is named after its own first SQL
        }
        finish(recordFor(statement, key, null), end - start, end, thrown, sum(updateCounts));
    }

    /**
     * An outermost call ended: forget what statement creations nested inside it (a driver
     * preparing internally) left behind, so it neither pins their connection nor misleads the
     * next creation.
     */
    private static void endOfOutermost(Object[] state, long[] numbers) {
        state[INNER_CONNECTION] = null;
        state[POOL_CONNECTION] = null;
        state[INNER_STATEMENT] = null;
        numbers[CREATE_LABEL] = -1;
    }

    private static long sum(Object updateCounts) {
        long rows = 0;
        if (updateCounts instanceof int[]) {
            for (int count : (int[]) updateCounts) {
                rows += Math.max(count, 0);
            }
        } else if (updateCounts instanceof long[]) {
            for (long count : (long[]) updateCounts) {
                rows += Math.max(count, 0L);
            }
        } else {
            return -1;
        }
        return rows;
    }

    private StatementRecord recordFor(Object statement, long key, String sql) {
        int label;
        if (key == MISSING) {
            unattributed.increment();
            label = labelOfUnseen(statement);
        } else {
            label = (int) (key >> 32);
        }
        if (sql != null) {
            return record(label, sql);
        }
        long recordId = (key == MISSING ? 0 : key & RECORD_MASK) - 1;
        return recordId >= 0 ? records.get((int) recordId) : unknown(labels.get(label));
    }

    /** Slow path for a statement created before we were installed, or on a thread that did not see it. */
    private int labelOfUnseen(Object statement) {
        try {
            Connection connection = ((Statement) statement).getConnection();
            Object physical = connection;
            if (JdbcLabels.isHikariProxy(connection)) {
                physical = connection.unwrap(Connection.class); // HikariCP answers with the driver's connection
            }
            long known = connections.get(physical, -1);
            if (known >= 0 && ((known & PROVISIONAL) == 0 || physical == connection)) {
                return (int) known;
            }
            return learnLabel(physical, physical == connection ? null : connection);
        } catch (Exception | LinkageError e) {
            return labelId(UNKNOWN_DATA_SOURCE);
        }
    }

    private void finish(StatementRecord record, long elapsedNanos, long endNanos, Throwable thrown, long rows) {
        record.record(elapsedNanos, thrown != null, rows, endNanos);
        if (elapsedNanos >= slowNanos) {
            logSlow(record, elapsedNanos, thrown != null, clock.millis());
        }
    }

    /** Slow path: the execution already took longer than the threshold, so a stack walk is affordable. */
    private void logSlow(StatementRecord record, long elapsedNanos, boolean failed, long nowMillis) {
        try {
            slow.add(new SlowQuerySnapshot(Instant.ofEpochMilli(nowMillis).toString(), elapsedNanos / NANOS_PER_SECOND,
                    record.sql, record.dataSource, Thread.currentThread().getName(), ApplicationFrames.first(), failed));
        } catch (RuntimeException | LinkageError e) {
            problem("cannot log a slow query: " + e);
        }
    }

    // ---- keys and labels ----

    /** The record of {@code sql} on data source {@code label}: cached, normalized on a miss, folded past the bound. */
    private StatementRecord record(int labelId, String sql) {
        Label label = labels.get(labelId);
        String key = rawCache.get(sql);
        if (key == null) {
            key = SqlNormalizer.normalize(sql);
            cacheKey(sql, key);
        }
        StatementRecord record = label.byKey.get(key);
        return record != null ? record : newRecord(label, key);
    }

    private void cacheKey(String sql, String key) {
        if (sql.length() > MAX_CACHED_SQL_CHARS) {
            return;
        }
        if (rawCache.size() >= RAW_CACHE_ENTRIES || rawCacheChars.get() + sql.length() > RAW_CACHE_CHARS) {
            rawCache.clear();
            rawCacheChars.set(0);
            rawCacheResets.increment();
        }
        if (rawCache.putIfAbsent(sql, key) == null) {
            rawCacheChars.addAndGet(sql.length());
        }
    }

    private StatementRecord newRecord(Label label, String key) {
        if (statementKeys.get() >= maxStatements) {
            return other(label);
        }
        synchronized (label) {
            StatementRecord record = label.byKey.get(key);
            if (record != null) {
                return record;
            }
            if (statementKeys.getAndIncrement() >= maxStatements) {
                statementKeys.decrementAndGet();
                return other(label);
            }
            record = allocate(label, key, StatementRecord.Kind.STATEMENT);
            label.byKey.put(key, record);
            return record;
        }
    }

    private StatementRecord other(Label label) {
        StatementRecord other = label.other;
        return other != null ? other : special(label, StatementRecord.Kind.OTHER);
    }

    private StatementRecord unknown(Label label) {
        StatementRecord unknown = label.unknown;
        return unknown != null ? unknown : special(label, StatementRecord.Kind.UNKNOWN);
    }

    /** Makes the label's {@code other} or {@code unknown} entry, once. */
    private StatementRecord special(Label label, StatementRecord.Kind kind) {
        synchronized (label) {
            if (kind == StatementRecord.Kind.OTHER) {
                if (label.other == null) {
                    label.other = allocate(label, OTHER_SQL, kind);
                }
                return label.other;
            }
            if (label.unknown == null) {
                label.unknown = allocate(label, UNKNOWN_SQL, kind);
            }
            return label.unknown;
        }
    }

    private StatementRecord allocate(Label label, String sql, StatementRecord.Kind kind) {
        int id = nextRecord.getAndIncrement();
        StatementRecord record = new StatementRecord(id, label.name, sql, kind);
        records.set(id, record);
        return record;
    }

    /** The id of the label {@code name}, made on first sight; past the bound, the shared one. */
    private int labelId(String name) {
        Label label = labelsByName.get(name);
        if (label != null) {
            return label.id;
        }
        synchronized (labelsByName) {
            label = labelsByName.get(name);
            if (label == null) {
                int count = labelsByName.size();
                if (count >= MAX_DATA_SOURCES - 1 && !name.equals(OTHER_DATA_SOURCES)) {
                    return labelId(OTHER_DATA_SOURCES);
                }
                label = new Label(count, name);
                labels.set(count, label);
                labelsByName.put(name, label);
            }
            return label.id;
        }
    }

    private void problem(String message) {
        lastProblem = message;
    }

    // ---- agent threads ----

    /**
     * The statements, sorted by {@code sort}, at most {@code limit} of them, with totals over all.
     * Copies every histogram (about 5 KB each).
     */
    public QueryReport queries(QuerySort sort, int limit) {
        List<StatementSnapshot> all = snapshot();
        long calls = 0;
        long other = 0;
        for (StatementSnapshot entry : all) {
            calls += entry.calls();
            if (entry.kind().equals(StatementRecord.Kind.OTHER.apiName)) {
                other += entry.calls();
            }
        }
        all.sort(sort.order());
        return new QueryReport(List.copyOf(all.subList(0, Math.min(limit, all.size()))), all.size(), calls, other);
    }

    /** Every statement key with at least one execution, in no particular order. */
    public List<StatementSnapshot> snapshot() {
        int count = Math.min(nextRecord.get(), records.length());
        List<StatementSnapshot> result = new ArrayList<>(count);
        Instant wallNow = clock.instant();
        long nanosNow = nanoTime.getAsLong();
        for (int i = 0; i < count; i++) {
            StatementRecord record = records.get(i);
            if (record == null) {
                continue;
            }
            LatencyHistogram.Snapshot times = record.nanos.snapshot();
            if (times.count() == 0) {
                continue; // created for a prepare that was never executed
            }
            result.add(new StatementSnapshot(record.sql, record.dataSource, record.kind.apiName, times.count(),
                    record.errors.sum(), times.sumNanos() / NANOS_PER_SECOND, times.meanNanos() / NANOS_PER_SECOND,
                    times.percentileNanos(50) / NANOS_PER_SECOND, times.percentileNanos(95) / NANOS_PER_SECOND,
                    times.percentileNanos(99) / NANOS_PER_SECOND, times.maxNanos() / NANOS_PER_SECOND,
                    record.rows.sum(), record.lastSeen.asInstant(wallNow, nanosNow)));
        }
        return result;
    }

    /**
     * For the sampler: every key with executions, in key order, and every key's histogram added
     * into {@code all} (so {@code all} ends up holding all SQL, whatever the key). Reads each
     * histogram once and copies none.
     */
    public List<StatementCounts> counts(LatencyHistogram.Accumulator all) {
        int count = Math.min(nextRecord.get(), records.length());
        List<StatementCounts> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StatementRecord record = records.get(i);
            if (record == null) {
                continue;
            }
            long calls = record.nanos.addTo(all);
            if (calls > 0) {
                result.add(new StatementCounts(record.id, record.dataSource, record.sql, record.kind.apiName, calls,
                        record.errors.sum(), record.nanos.sumNanos()));
            }
        }
        return result;
    }

    /** Up to {@code limit} slow executions, newest first. */
    public List<SlowQuerySnapshot> slowQueries(int limit) {
        return slow.newest(limit);
    }

    /** The slow-query threshold, seconds. */
    public double slowThresholdSeconds() {
        return slowNanos / NANOS_PER_SECOND;
    }

    /** Slow executions since the start, including those the log no longer holds. */
    public long slowTotal() {
        return slow.total();
    }

    /** Executions whose statement had not been seen created (counted under {@code unknown} keys, or by their own SQL). */
    public long unattributed() {
        return unattributed.sum();
    }

    /** Statements pushed out of a thread's ring into the shared table. */
    public long evictions() {
        return evictions.sum();
    }

    /** Normalized keys tracked (at most {@code sql.max_statements}). */
    int statementKeys() {
        return statementKeys.get();
    }

    /** Records allocated: keys plus {@code other} and {@code unknown} buckets. */
    int records() {
        return nextRecord.get();
    }

    /** Raw SQL texts cached now. */
    int rawCacheSize() {
        return rawCache.size();
    }

    /** Characters of raw SQL cached now. */
    long rawCacheChars() {
        return rawCacheChars.get();
    }

    /** Times the raw cache was emptied for being full. */
    long rawCacheResets() {
        return rawCacheResets.sum();
    }

    /** The last problem met, for the health report; null if none. */
    public String lastProblem() {
        return lastProblem;
    }
}
