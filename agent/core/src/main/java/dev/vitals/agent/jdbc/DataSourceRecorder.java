package dev.vitals.agent.jdbc;

import dev.vitals.agent.bridge.DataSourceListener;
import dev.vitals.agent.histogram.LatencyHistogram;
import dev.vitals.agent.snapshot.DataSourceSnapshot;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Times {@code javax.sql.DataSource.getConnection()} for the data sources HikariCP's hook does not
 * cover: DBCP2, Tomcat JDBC, c3p0, a driver's unpooled data source, the application's own.
 *
 * <p>Wrappers: only the outermost {@code getConnection} on a thread is timed, and it is attributed
 * to the innermost data source called inside it (the one that really hands out connections), so a
 * routing or lazy proxy around a pool counts each borrow once, under the pool. When a HikariCP data
 * source is inside (a proxy around a Hikari pool), the call is not counted at all: the pool's own
 * hook has it. Connections HikariCP opens for its pool (through its {@code DriverDataSource}, or
 * an application-configured data source) are inside HikariCP's connection set-up and are not
 * counted either: they show as the pool's {@code connections_created}.
 *
 * <pre>
 * Concurrency: listener methods run on application threads; per-thread state is an Object[] in a
 *   ThreadLocal holding JDK types and the application's objects only (a long[] with the depth and
 *   a flag, and the innermost data source of the call in progress). Records are found through a
 *   weak identity table, and made once per label under a lock. Snapshots run on agent threads.
 *
 * Accuracy: counts are exact for every outermost getConnection() on a transformed class from the
 *   moment the recorder is installed. Times are System.nanoTime() around the outermost call;
 *   last_seen is derived from the end reading ({@link LastSeen}).
 *
 * Overhead: per call, a ThreadLocal read, two nanoTime calls (no wall-clock read), an
 *   identity-table probe, a histogram update; nothing allocated after a data source's first call
 *   (its label, by reflection, on the calling thread). A borrow from a HikariCP data source costs
 *   one volatile read while no other data source has been used (the usual case: an application
 *   with Hikari pools only), else a mark as above.
 * </pre>
 */
public final class DataSourceRecorder implements DataSourceListener {

    /** Labels kept; every later data source shares the last. */
    static final int MAX_DATA_SOURCES = 64;

    /** Data source objects whose record is known, held weakly; a power of two. */
    static final int DATA_SOURCE_SLOTS = 256;

    /** Label of every data source past {@link #MAX_DATA_SOURCES}. */
    static final String OTHER_DATA_SOURCES = "(other data sources)";

    private static final double NANOS_PER_SECOND = 1e9;

    private static final int NUMBERS = 0;
    private static final int INNERMOST = 1;
    private static final int DEPTH = 0;
    private static final int POOL_INSIDE = 1;

    private final Clock clock;
    private final LongSupplier nanoTime;
    private final ThreadLocal<Object[]> threads = ThreadLocal.withInitial(() -> new Object[] {new long[2], null});
    private final WeakIdentityTable known = new WeakIdentityTable(DATA_SOURCE_SLOTS);
    private final AtomicReferenceArray<DataSourceRecord> records = new AtomicReferenceArray<>(MAX_DATA_SOURCES);
    private final Map<String, DataSourceRecord> byLabel = new ConcurrentHashMap<>();
    /**
     * Whether any data source other than HikariCP's has been asked for a connection (an outermost
     * call) since the recorder was installed. Until then a HikariCP data source's call cannot be
     * inside one, so it need not mark its thread ({@link #poolBorrowing()}): applications whose only
     * data sources are Hikari pools never pay for the mark. Written once, so calls of other data
     * sources share no counter; a thread's own outermost call sets it before it calls inwards, so
     * that thread always sees it.
     */
    private volatile boolean otherDataSourcesUsed;
    private volatile String lastProblem;

    public DataSourceRecorder(Clock clock) {
        this(clock, System::nanoTime);
    }

    /** As above, with the monotonic clock calls are timed with ({@link System#nanoTime()} outside tests). */
    DataSourceRecorder(Clock clock, LongSupplier nanoTime) {
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    // ---- application threads ----

    @Override
    public long connecting() {
        long start = CallDepth.enter((long[]) threads.get()[NUMBERS], DEPTH, nanoTime);
        if (start != 0L && !otherDataSourcesUsed) {
            otherDataSourcesUsed = true;
        }
        return start;
    }

    @Override
    public void connected(Object dataSource, long start, Throwable thrown) {
        long end = start == 0L ? 0L : nanoTime.getAsLong();
        Object[] state = threads.get();
        long[] numbers = (long[]) state[NUMBERS];
        CallDepth.leave(numbers, DEPTH);
        // Calls return innermost first.
        if (state[INNERMOST] == null) {
            state[INNERMOST] = dataSource;
        }
        if (start == 0L) {
            return;
        }
        Object innermost = state[INNERMOST];
        boolean pooled = numbers[POOL_INSIDE] != 0;
        state[INNERMOST] = null;
        numbers[POOL_INSIDE] = 0;
        if (pooled) {
            return; // a HikariCP pool was inside: its own hook counted this borrow
        }
        long id = known.get(innermost, -1);
        DataSourceRecord record = id >= 0 ? records.get((int) id) : learn(innermost);
        record.record(end - start, thrown != null, end);
    }

    @Override
    public void delegating() {
        ((long[]) threads.get()[NUMBERS])[DEPTH]++;
    }

    @Override
    public void delegated() {
        Object[] state = threads.get();
        long[] numbers = (long[]) state[NUMBERS];
        CallDepth.leave(numbers, DEPTH);
        if (numbers[DEPTH] == 0) {
            // HikariCP's own call was outermost (a pool filling itself): nothing to count, nothing to keep.
            state[INNERMOST] = null;
            numbers[POOL_INSIDE] = 0;
        } else {
            numbers[POOL_INSIDE] = 1;
        }
    }

    @Override
    public boolean poolBorrowing() {
        if (!otherDataSourcesUsed) {
            return false;
        }
        delegating();
        return true;
    }

    @Override
    public void poolBorrowed() {
        delegated();
    }

    /** Slow path, once per data source object: names it and finds or makes the record of that name. */
    private DataSourceRecord learn(Object dataSource) {
        String label;
        try {
            label = JdbcLabels.forDataSource(dataSource);
        } catch (RuntimeException | LinkageError e) {
            lastProblem = "cannot name data source " + dataSource.getClass().getName() + ": " + e;
            label = dataSource.getClass().getSimpleName();
        }
        DataSourceRecord record = recordFor(label, dataSource.getClass().getName());
        known.put(dataSource, record.id);
        return record;
    }

    private DataSourceRecord recordFor(String label, String type) {
        DataSourceRecord record = byLabel.get(label);
        if (record != null) {
            return record;
        }
        synchronized (byLabel) {
            record = byLabel.get(label);
            if (record == null) {
                int count = byLabel.size();
                if (count >= MAX_DATA_SOURCES - 1 && !label.equals(OTHER_DATA_SOURCES)) {
                    return recordFor(OTHER_DATA_SOURCES, "(various)");
                }
                record = new DataSourceRecord(count, label, type, clock.instant());
                records.set(count, record);
                byLabel.put(label, record);
            }
            return record;
        }
    }

    // ---- agent threads ----

    /** Every data source with at least one call, in the order first seen. */
    public List<DataSourceSnapshot> snapshot() {
        List<DataSourceSnapshot> result = new ArrayList<>();
        Instant wallNow = clock.instant();
        long nanosNow = nanoTime.getAsLong();
        for (int i = 0; i < records.length(); i++) {
            DataSourceRecord record = records.get(i);
            if (record == null) {
                continue;
            }
            LatencyHistogram.Snapshot times = record.nanos.snapshot();
            if (times.count() == 0) {
                continue;
            }
            result.add(new DataSourceSnapshot(record.label, record.type, times.count(), record.errors.sum(),
                    times.meanNanos() / NANOS_PER_SECOND, times.percentileNanos(50) / NANOS_PER_SECOND,
                    times.percentileNanos(95) / NANOS_PER_SECOND, times.percentileNanos(99) / NANOS_PER_SECOND,
                    times.maxNanos() / NANOS_PER_SECOND, record.firstSeen.toString(),
                    record.lastSeen.asInstant(wallNow, nanosNow)));
        }
        return result;
    }

    /** The last problem met, for the health report; null if none. */
    public String lastProblem() {
        return lastProblem;
    }
}
