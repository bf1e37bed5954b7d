package dev.vitals.sample.truth;

import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Renders a {@link TruthSnapshot} as the truth file's JSON (one object, snake_case keys, no
 * whitespace). Hand-written because the app carries no JSON library; strings are escaped per
 * RFC 8259, so any SQL text is safe as a key.
 *
 * <p>Stateless; safe from any thread.
 */
public final class TruthJson {
    private TruthJson() {
    }

    /** The JSON text of {@code t}. */
    public static String render(TruthSnapshot t) {
        StringBuilder b = new StringBuilder(1024);
        b.append('{');
        field(b, "scenario").append(string(t.scenario())).append(',');
        field(b, "running").append(t.phase().running()).append(',');
        field(b, "finished").append(t.phase().finished()).append(',');
        field(b, "updated_at").append(string(DateTimeFormatter.ISO_INSTANT.format(t.updatedAt()))).append(',');
        field(b, "pid").append(t.pid()).append(',');
        field(b, "database").append(string(t.database())).append(',');

        field(b, "pools").append('{');
        String sep = "";
        for (TruthSnapshot.Named<TruthSnapshot.PoolCounts> p : t.pools()) {
            TruthSnapshot.PoolCounts c = p.value();
            b.append(sep);
            field(b, p.name()).append('{');
            field(b, "borrows").append(c.borrows()).append(',');
            field(b, "borrow_timeouts").append(c.borrowTimeouts()).append(',');
            field(b, "borrow_errors").append(c.borrowErrors()).append(',');
            field(b, "borrow_wait_nanos_total").append(c.borrowWaitNanosTotal()).append(',');
            field(b, "timeout_wait_nanos_total").append(c.timeoutWaitNanosTotal()).append(',');
            field(b, "max_pool_size").append(c.maxPoolSize());
            b.append('}');
            sep = ",";
        }
        b.append("},");

        TruthSnapshot.StatementCounts s = t.statements();
        field(b, "statements").append('{');
        field(b, "executed").append(s.executed()).append(',');
        field(b, "errors").append(s.errors()).append(',');
        field(b, "slow").append(s.slow()).append(',');
        field(b, "slow_threshold_millis").append(s.slowThresholdMillis()).append(',');
        field(b, "by_sql").append('{');
        sep = "";
        for (Map.Entry<String, Long> e : s.bySql().entrySet()) {
            b.append(sep);
            field(b, e.getKey()).append(e.getValue());
            sep = ",";
        }
        b.append("}},");

        field(b, "caches").append('{');
        sep = "";
        for (TruthSnapshot.Named<TruthSnapshot.CacheCounts> n : t.caches()) {
            TruthSnapshot.CacheCounts c = n.value();
            b.append(sep);
            field(b, n.name()).append('{');
            field(b, "gets").append(c.gets()).append(',');
            field(b, "hits").append(c.hits()).append(',');
            field(b, "misses").append(c.misses()).append(',');
            field(b, "loads").append(c.loads()).append(',');
            field(b, "load_failures").append(c.loadFailures()).append(',');
            field(b, "evictions").append(c.evictions()).append(',');
            field(b, "maximum_size").append(c.maximumSize()).append(',');
            field(b, "records_stats").append(c.recordsStats());
            b.append('}');
            sep = ",";
        }
        b.append("},");

        TruthSnapshot.WorkloadCounts w = t.workload();
        field(b, "workload").append('{');
        field(b, "threads").append(w.threads()).append(',');
        field(b, "operations").append(w.operations()).append(',');
        field(b, "failures").append(w.failures());
        b.append("}}");
        return b.toString();
    }

    private static StringBuilder field(StringBuilder b, String name) {
        return b.append(string(name)).append(':');
    }

    /** {@code s} as a JSON string literal, quotes included. */
    static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
