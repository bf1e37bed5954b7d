package dev.vitals.agent.history;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Persists {@link History} under a state directory so it survives restarts: append-only binary
 * segment files, one writer per file, merged on read.
 *
 * <h2>Files</h2>
 * {@code <resolution>-<segment start, epoch seconds>-<owner>.vh}, e.g. {@code
 * minute-1795651200-4242-1795700000000.vh}. A segment covers {@link Resolution#segmentSpan()}
 * (raw: 1 hour, minute: 1 day, hour: 10 days, UTC-aligned). The owner is {@code
 * <pid>-<start epoch millis>}, claimed by atomically creating {@code <owner>.owner} (a suffix
 * {@code -1}, {@code -2}, … is added if the name is taken), so no two live stores ever write the
 * same file. The claim is deleted by {@link #close}; one left by a killed JVM is an empty file
 * that only keeps its exact name from being reused. All big-endian:
 * <pre>
 * header: int magic 'VTLH' | short version 1 | byte reserved 0 | short n
 *         | n × (short length, UTF-8 metric key) | int CRC32 of the header bytes before it
 * record: int payload length L | payload: long epoch millis, int samples, long presence mask,
 *         one double per set bit (metric i of the header = bit i) | int CRC32 of length + payload
 * </pre>
 * Metrics are named in each header, so a later version with more metrics still reads old files
 * (unknown names are skipped). A raw record with every metric is 4 + 20 + 17·8 + 4 = 164 bytes.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Atomic writes.</b> A segment is created by writing its header to a temp file, fsync,
 *       and an atomic rename, so a segment never exists without a whole header. Records are
 *       appended with one {@code write} each and {@code force}d; a record torn by a crash (or a
 *       flipped bit) fails its checksum and is skipped on read, the records before and after it
 *       (when its length is intact) are kept. A torn tail stops the read of that file only.</li>
 *   <li><b>kill -9</b> loses at most the sample being written (the last interval): every sample
 *       is on disk before {@link #accept} returns; an unclosed minute or hour rollup is rebuilt
 *       from the stored samples by {@link History#restore}.</li>
 *   <li><b>Two JVMs</b> of one application on one host write disjoint files (distinct owners)
 *       and never modify each other's; {@link #load} merges every owner's files, so a restarted
 *       JVM gets the history of its predecessor (and of a concurrent sibling, merged).
 *       Either JVM may delete the other's files for retention or the disk cap; on POSIX an
 *       open, unlinked file stays writable, so that loses data but corrupts nothing. A record
 *       the other JVM is appending at the moment of a {@link #load} may read as torn and is
 *       skipped. Merging is a union: two live JVMs each restore both histories.</li>
 *   <li><b>Disk cap.</b> When the segment files exceed {@code maxBytes} the oldest segments
 *       (by segment start) are deleted first, checked at open, on each new segment and after
 *       every {@code maxBytes / 16} bytes this store writes; this store's open segments are never
 *       deleted, so use stays under {@code maxBytes} plus this store's three open segments
 *       (at most ~0.6 MB raw at one-second sampling). Segments past their resolution's retention
 *       are deleted too.</li>
 * </ul>
 *
 * <p>Threading: {@link #accept} is called by the history's single writer; {@link #load} once at
 * start. Methods are synchronized; I/O failures are counted ({@link #writeFailures()}), never
 * thrown from {@link #accept}, so the sampler keeps running with a broken disk.
 */
public final class HistoryStore implements History.Sink, Closeable {

    /** Default disk cap for all segment files in the directory: 50 MB. */
    public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;

    /** Segment file magic, "VTLH". */
    static final int MAGIC = 0x56544C48;

    /** Format version written in every header. */
    static final short VERSION = 1;

    /** Smallest valid payload: time, samples, mask. */
    private static final int MIN_PAYLOAD = 8 + 4 + 8;

    /** Largest valid payload: all 64 mask bits set. */
    private static final int MAX_PAYLOAD = MIN_PAYLOAD + HistoryMetric.MAX_METRICS * 8;

    /** Temp files older than this are a crashed creator's leftovers and are deleted. */
    private static final long STALE_TEMP_MILLIS = 3_600_000L;

    private static final String SUFFIX = ".vh";

    private static final Pattern SEGMENT = Pattern.compile("(raw|minute|hour)-(\\d+)-([0-9A-Za-z-]+)\\.vh");

    private final Path dir;
    private final Clock clock;
    private final long maxBytes;
    private final String owner;
    private final Path ownerFile;
    private final Map<Resolution, Segment> open = new EnumMap<>(Resolution.class);
    private final byte[] header;
    private long writtenSinceCapCheck;
    private long writeFailures;
    private long skippedRecords;
    private IOException lastFailure;
    private boolean closed;

    private HistoryStore(Path dir, Clock clock, long maxBytes, long pid) throws IOException {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        this.dir = dir;
        this.clock = clock;
        this.maxBytes = maxBytes;
        Files.createDirectories(dir);
        String base = pid + "-" + clock.millis();
        String claimed = null;
        Path claim = null;
        for (int i = 0; claimed == null; i++) {
            String candidate = i == 0 ? base : base + "-" + i;
            try {
                claim = Files.createFile(dir.resolve(candidate + ".owner"));
                claimed = candidate;
            } catch (FileAlreadyExistsException taken) {
                // another store (this JVM or another with the same pid and start millisecond) has it
            }
        }
        this.owner = claimed;
        this.ownerFile = claim;
        this.header = headerBytes();
        prune();
    }

    /** Opens the store for this process ({@code ProcessHandle.current().pid()}). */
    public static HistoryStore open(Path dir, Clock clock, long maxBytes) throws IOException {
        return open(dir, clock, maxBytes, ProcessHandle.current().pid());
    }

    /** Opens the store for the process {@code pid} (tests simulate two JVMs with two pids). */
    public static HistoryStore open(Path dir, Clock clock, long maxBytes, long pid) throws IOException {
        return new HistoryStore(Objects.requireNonNull(dir, "dir"), Objects.requireNonNull(clock, "clock"), maxBytes, pid);
    }

    /** The points of every owner's segments within retention, per resolution, sorted by time. */
    public record Stored(List<HistoryPoint> raw, List<HistoryPoint> minutes, List<HistoryPoint> hours, long skippedRecords) {
        /** The points of one resolution. */
        public List<HistoryPoint> of(Resolution resolution) {
            return switch (resolution) {
                case RAW -> raw;
                case MINUTE -> minutes;
                case HOUR -> hours;
            };
        }
    }

    /** Reads every owner's segments; corrupt records and files are skipped and counted. */
    public synchronized Stored load() throws IOException {
        Map<Resolution, List<HistoryPoint>> points = new EnumMap<>(Resolution.class);
        for (Resolution r : Resolution.values()) {
            points.put(r, new ArrayList<>());
        }
        Instant now = clock.instant();
        long skipped = 0;
        for (SegmentFile f : segmentFiles()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f.path);
            } catch (NoSuchFileException gone) {
                continue; // deleted by another store meanwhile
            }
            List<HistoryPoint> read = new ArrayList<>();
            skipped += decode(bytes, f.resolution, read, null);
            for (HistoryPoint p : read) {
                if (f.resolution.retains(p.time(), now)) {
                    points.get(f.resolution).add(p);
                }
            }
        }
        for (List<HistoryPoint> list : points.values()) {
            list.sort(Comparator.comparing(HistoryPoint::time));
        }
        skippedRecords += skipped;
        return new Stored(points.get(Resolution.RAW), points.get(Resolution.MINUTE), points.get(Resolution.HOUR), skipped);
    }

    /** {@link #load()}s and {@link History#restore restores} into a fresh history that uses this store as its sink. */
    public void restoreInto(History history) throws IOException {
        Stored s = load();
        history.restore(s.raw(), s.minutes(), s.hours());
    }

    /** Appends one point to this owner's segment for its resolution and time; failures are counted. */
    @Override
    public synchronized void accept(Resolution resolution, HistoryPoint point) {
        if (closed) {
            return;
        }
        try {
            Segment seg = segmentFor(resolution, point.time());
            ByteBuffer record = encode(point);
            int n = record.remaining();
            while (record.hasRemaining()) {
                seg.channel.write(record);
            }
            seg.channel.force(false);
            writtenSinceCapCheck += n;
            if (writtenSinceCapCheck > maxBytes / 16) {
                enforceCap();
            }
        } catch (IOException | RuntimeException e) {
            writeFailures++;
            lastFailure = e instanceof IOException io ? io : new IOException(e);
            // Reopen next time: the reopen truncates a partly written record.
            closeQuietly(open.remove(resolution));
        }
    }

    /** This store's owner id ({@code <pid>-<start millis>[-n]}), part of its file names. */
    public String owner() {
        return owner;
    }

    /** Appends that failed since open. */
    public synchronized long writeFailures() {
        return writeFailures;
    }

    /** The last append failure, or null. */
    public synchronized IOException lastFailure() {
        return lastFailure;
    }

    /** Records skipped as corrupt or torn by {@link #load()} since open. */
    public synchronized long skippedRecords() {
        return skippedRecords;
    }

    /** The directory the segment files are in. */
    public Path directory() {
        return dir;
    }

    /** Bytes of all segment files in the directory, every owner. */
    public synchronized long diskBytes() throws IOException {
        long total = 0;
        for (SegmentFile f : segmentFiles()) {
            total += f.size;
        }
        return total;
    }

    /** Closes the open segments and releases the owner claim. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Segment s : open.values()) {
            closeQuietly(s);
        }
        open.clear();
        try {
            Files.deleteIfExists(ownerFile);
        } catch (IOException ignored) {
            // a leftover empty claim file is harmless
        }
    }

    // ---- segments ----

    private Segment segmentFor(Resolution r, Instant time) throws IOException {
        long start = Resolution.floor(time, r.segmentSpan()).getEpochSecond();
        Segment seg = open.get(r);
        if (seg != null && seg.start == start) {
            return seg;
        }
        closeQuietly(open.remove(r));
        Path path = dir.resolve(r.fileName() + "-" + start + "-" + owner + SUFFIX);
        if (Files.exists(path)) {
            truncateTornTail(path, r);
        } else {
            Path tmp = dir.resolve(path.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(header);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        }
        seg = new Segment(start, path, FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        open.put(r, seg);
        prune();
        return seg;
    }

    /** Cuts a record a failed append of ours left half written, so later appends stay readable. */
    private void truncateTornTail(Path path, Resolution r) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        long[] valid = new long[1];
        decode(bytes, r, new ArrayList<>(), valid);
        if (valid[0] < bytes.length) {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                ch.truncate(valid[0]);
                ch.force(true);
            }
        }
    }

    /** Deletes segments past retention, stale temp files, then enforces the cap. */
    private void prune() throws IOException {
        Instant now = clock.instant();
        for (SegmentFile f : segmentFiles()) {
            Instant end = Instant.ofEpochSecond(f.start).plus(f.resolution.segmentSpan());
            if (!f.resolution.retains(end, now) && !isOpen(f.path)) {
                Files.deleteIfExists(f.path);
            }
        }
        try (DirectoryStream<Path> tmps = Files.newDirectoryStream(dir, "*" + SUFFIX + ".tmp")) {
            for (Path t : tmps) {
                try {
                    if (clock.millis() - Files.getLastModifiedTime(t).toMillis() > STALE_TEMP_MILLIS) {
                        Files.deleteIfExists(t);
                    }
                } catch (NoSuchFileException gone) {
                    // another store cleaned it
                }
            }
        }
        enforceCap();
    }

    private void enforceCap() throws IOException {
        writtenSinceCapCheck = 0;
        List<SegmentFile> files = segmentFiles();
        long total = 0;
        for (SegmentFile f : files) {
            total += f.size;
        }
        files.sort(Comparator.comparingLong((SegmentFile f) -> f.start).thenComparing(f -> f.path.getFileName().toString()));
        for (SegmentFile f : files) {
            if (total <= maxBytes) {
                break;
            }
            if (!isOpen(f.path)) {
                Files.deleteIfExists(f.path);
                total -= f.size;
            }
        }
    }

    private boolean isOpen(Path path) {
        for (Segment s : open.values()) {
            if (s.path.equals(path)) {
                return true;
            }
        }
        return false;
    }

    private List<SegmentFile> segmentFiles() throws IOException {
        List<SegmentFile> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : stream) {
                Matcher m = SEGMENT.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long size;
                try {
                    size = Files.size(p);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                Resolution r = switch (m.group(1)) {
                    case "raw" -> Resolution.RAW;
                    case "minute" -> Resolution.MINUTE;
                    default -> Resolution.HOUR;
                };
                files.add(new SegmentFile(p, r, Long.parseLong(m.group(2)), size));
            }
        }
        return files;
    }

    private static void closeQuietly(Segment s) {
        if (s != null) {
            try {
                s.channel.close();
            } catch (IOException ignored) {
                // nothing more to do for a channel we are dropping
            }
        }
    }

    private record Segment(long start, Path path, FileChannel channel) { }

    private record SegmentFile(Path path, Resolution resolution, long start, long size) { }

    // ---- codec ----

    private static byte[] headerBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeShort(VERSION);
            out.writeByte(0); // reserved; the file name says the resolution
            out.writeShort(HistoryMetric.count());
            for (HistoryMetric m : HistoryMetric.values()) {
                byte[] key = m.key().getBytes(StandardCharsets.UTF_8);
                out.writeShort(key.length);
                out.write(key);
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
            return bytes.toByteArray();
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    static ByteBuffer encode(HistoryPoint p) {
        long mask = 0;
        int n = 0;
        for (int i = 0; i < HistoryMetric.count(); i++) {
            if (!Double.isNaN(p.valueAt(i))) {
                mask |= 1L << i;
                n++;
            }
        }
        int payload = MIN_PAYLOAD + 8 * n;
        ByteBuffer b = ByteBuffer.allocate(4 + payload + 4);
        b.putInt(payload).putLong(p.time().toEpochMilli()).putInt(p.samples()).putLong(mask);
        for (int i = 0; i < HistoryMetric.count(); i++) {
            if ((mask & (1L << i)) != 0) {
                b.putDouble(p.valueAt(i));
            }
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, 4 + payload);
        b.putInt((int) crc.getValue());
        return b.flip();
    }

    /**
     * Decodes a segment file into {@code out}; returns the records skipped (a bad header counts as
     * one). {@code validLength[0]}, if given, receives the length of the prefix that ends with the
     * last good record (0 for a bad header).
     */
    static long decode(byte[] bytes, Resolution resolution, List<HistoryPoint> out, long[] validLength) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        HistoryMetric[] columns;
        try {
            if (b.getInt() != MAGIC || b.getShort() != VERSION) {
                return 1;
            }
            b.get();
            int n = b.getShort();
            if (n < 0 || n > HistoryMetric.MAX_METRICS) {
                return 1;
            }
            columns = new HistoryMetric[n];
            for (int i = 0; i < n; i++) {
                byte[] key = new byte[b.getShort()];
                b.get(key);
                columns[i] = HistoryMetric.byKey(new String(key, StandardCharsets.UTF_8));
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, b.position());
            if (b.getInt() != (int) crc.getValue()) {
                return 1;
            }
        } catch (RuntimeException truncated) {
            return 1;
        }
        long skipped = 0;
        long valid = b.position();
        while (b.remaining() > 0) {
            int start = b.position();
            if (b.remaining() < 4) {
                skipped++;
                break; // torn tail
            }
            int len = b.getInt();
            if (len < MIN_PAYLOAD || len > MAX_PAYLOAD || b.remaining() < len + 4) {
                skipped++;
                break; // torn tail or a corrupt length: the framing is lost
            }
            CRC32 crc = new CRC32();
            crc.update(bytes, start, 4 + len);
            b.position(start + 4 + len);
            if (b.getInt() != (int) crc.getValue()) {
                skipped++;
                continue; // damaged record of intact length: skip it, keep the rest
            }
            HistoryPoint p = decodePayload(ByteBuffer.wrap(bytes, start + 4, len), len, columns);
            if (p == null) {
                skipped++;
                continue;
            }
            out.add(p);
            valid = b.position();
        }
        if (validLength != null) {
            validLength[0] = valid;
        }
        return skipped;
    }

    private static HistoryPoint decodePayload(ByteBuffer b, int len, HistoryMetric[] columns) {
        long millis = b.getLong();
        int samples = b.getInt();
        long mask = b.getLong();
        if (samples < 1 || Long.bitCount(mask) * 8 != len - MIN_PAYLOAD || (columns.length < 64 && (mask >>> columns.length) != 0)) {
            return null;
        }
        double[] values = new double[HistoryMetric.count()];
        Arrays.fill(values, Double.NaN);
        for (int i = 0; i < 64; i++) {
            if ((mask & (1L << i)) != 0) {
                double v = b.getDouble();
                if (columns[i] != null) {
                    values[columns[i].ordinal()] = v;
                }
            }
        }
        return new HistoryPoint(Instant.ofEpochMilli(millis), samples, values);
    }
}
