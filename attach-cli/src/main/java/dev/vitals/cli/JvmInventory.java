package dev.vitals.cli;

import com.sun.tools.attach.VirtualMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The local JVMs (other than this CLI) and, for {@code list}, what each says about itself.
 *
 * <p>Concurrency: {@link #survey} attaches to the JVMs in parallel on daemon threads, at most
 * {@link #MAX_PARALLEL} at a time, and stops waiting at a deadline; a JVM that has not answered
 * by then is shown with {@code ?}, and the thread stuck on it cannot keep the CLI alive.
 */
final class JvmInventory {

    /** Bounds the attach connections open at once (each one starts a listener thread in its target). */
    private static final int MAX_PARALLEL = 16;

    /** One row of {@code list}; {@code javaVersion} is {@code "?"} and {@code known} false if the JVM did not answer. */
    record JvmInfo(long pid, String main, String javaVersion, String user, String vitalsUrl, boolean known) {
    }

    private JvmInventory() {
    }

    /** The JVMs the attach API lists, by pid, without this CLI's own. */
    static List<JvmDescriptor> listed() {
        TargetJvm.requireAttachApi();
        long self = LocalProcess.selfPid();
        return VirtualMachine.list().stream()
                .map(JvmDescriptor::of)
                .filter(Objects::nonNull)
                .filter(jvm -> jvm.pid() != self)
                .sorted(Comparator.comparingLong(JvmDescriptor::pid))
                .toList();
    }

    /**
     * Attaches to each JVM to read {@code java.version} and {@code vitals.url}.
     *
     * @param perTarget how long one JVM may take; the whole survey takes at most this times
     *     the number of rounds of {@link #MAX_PARALLEL}
     */
    static List<JvmInfo> survey(List<JvmDescriptor> jvms, Duration perTarget) {
        if (jvms.isEmpty()) {
            return List.of();
        }
        int threads = Math.min(MAX_PARALLEL, jvms.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "vitals-cli-list");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<Optional<Properties>>> answers = new ArrayList<>();
            for (JvmDescriptor jvm : jvms) {
                answers.add(CompletableFuture.supplyAsync(
                        () -> TargetJvm.peekSystemProperties(jvm.pid(), perTarget), pool));
            }
            int rounds = (jvms.size() + threads - 1) / threads;
            Deadline deadline = Deadline.in(perTarget.multipliedBy(rounds).plusMillis(500));
            List<JvmInfo> rows = new ArrayList<>();
            for (int i = 0; i < jvms.size(); i++) {
                JvmDescriptor jvm = jvms.get(i);
                Optional<Properties> props;
                try {
                    props = answers.get(i).get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    props = Optional.empty();
                }
                rows.add(row(jvm, props));
            }
            return rows;
        } finally {
            pool.shutdownNow();
        }
    }

    private static JvmInfo row(JvmDescriptor jvm, Optional<Properties> props) {
        String user = LocalProcess.of(jvm.pid()).ownerName();
        if (props.isEmpty()) {
            return new JvmInfo(jvm.pid(), jvm.main(), "?", user, null, false);
        }
        Properties p = props.get();
        return new JvmInfo(jvm.pid(), jvm.main(), p.getProperty("java.version", "?"), user,
                AgentState.of(p).url(), true);
    }

    /**
     * The rows as a table aligned in columns:
     * <pre>
     * PID    MAIN                  JAVA     USER  VITALS
     * 4242   com.example.Main      17.0.15  app   http://127.0.0.1:9797/
     * </pre>
     * {@code VITALS} is {@code -} when the agent is not running and {@code ?} when the JVM did not answer.
     */
    static String table(List<JvmInfo> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"PID", "MAIN", "JAVA", "USER", "VITALS"});
        for (JvmInfo r : rows) {
            String vitals = r.vitalsUrl() != null ? r.vitalsUrl() : r.known() ? "-" : "?";
            cells.add(new String[] {Long.toString(r.pid()), r.main(), r.javaVersion(), r.user(), vitals});
        }
        int columns = cells.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : cells) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : cells) {
            for (int c = 0; c < columns; c++) {
                if (c == columns - 1) {
                    sb.append(row[c]);
                } else {
                    sb.append(row[c]).append(" ".repeat(widths[c] - row[c].length() + 2));
                }
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    /** The rows as the JSON array of {@code list --json}. */
    static String json(List<JvmInfo> rows) {
        List<String> elements = new ArrayList<>();
        for (JvmInfo r : rows) {
            elements.add(Json.object()
                    .put("pid", r.pid())
                    .put("main", r.main())
                    .put("java_version", r.javaVersion())
                    .put("user", r.user())
                    .put("vitals_url", r.vitalsUrl())
                    .toString());
        }
        return Json.array(elements);
    }
}
