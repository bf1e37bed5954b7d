package dev.vitals.benchmarks.report;

import dev.vitals.benchmarks.Arguments;
import dev.vitals.benchmarks.Configuration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one table of a run: each figure for none / Vitals / OpenTelemetry, each agent's ratio to
 * none (and the difference, in the figure's unit), and Vitals' target; then the machine it ran
 * on. Printed, and written as Markdown to {@code --out}.
 *
 * <pre>
 * java -cp vitals-benchmarks.jar dev.vitals.benchmarks.report.ResultsTable --figures FILE --out results.md
 *     [--mode quick|full] [--elapsed SECONDS]
 * </pre>
 */
public final class ResultsTable {

    /** Names of the two cache rows whose difference without an agent is Caffeine's own {@code recordStats()} cost. */
    private static final String HIT_WITHOUT_STATS = "Caffeine getIfPresent hit, no recordStats()";
    private static final String HIT_APP_STATS = "Caffeine getIfPresent hit, app's recordStats()";
    /** Likewise for HikariCP's own metrics tracker. */
    private static final String BORROW = "Hikari borrow + release";
    private static final String BORROW_APP_TRACKER = "Hikari borrow + release, app's metrics tracker";

    private ResultsTable() {
    }

    public static void main(String[] args) throws IOException {
        Arguments arguments = Arguments.parse(args);
        List<Figure> figures = new FigureFile(arguments.path("figures")).read();
        String mode = arguments.string("mode", "full");
        String elapsed = arguments.string("elapsed", null);

        StringBuilder text = new StringBuilder();
        text.append("# Vitals benchmarks: ").append(mode).append(" run, ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("\n\n");
        if (mode.equals("quick")) {
            text.append("A --quick run proves the benchmarks work; its numbers are noise, not results.\n\n");
        }
        text.append(table(figures));
        text.append(notes(figures));
        text.append("\nMachine: ").append(Machine.describe()).append('\n');
        if (elapsed != null) {
            text.append("Run time: ").append(elapsed).append(" s (build included).\n");
        }
        System.out.print(text);
        Path out = arguments.path("out");
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, text.toString(), StandardCharsets.UTF_8);
    }

    static String table(List<Figure> figures) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Figure figure : figures) {
            Row row = rows.computeIfAbsent(figure.name(), name -> new Row(name, figure.unit()));
            row.values.put(figure.configuration(), figure.value());
            if (row.target.isEmpty()) {
                row.target = figure.target();
            }
        }
        StringBuilder table = new StringBuilder(
                "| figure | unit | none | Vitals | Vitals vs none | OpenTelemetry | OTel vs none | Vitals target |\n"
                        + "|---|---|---:|---:|---:|---:|---:|---|\n");
        for (Row row : rows.values()) {
            Double none = row.values.get(Configuration.NONE);
            Double vitals = row.values.get(Configuration.VITALS);
            Double otel = row.values.get(Configuration.OTEL);
            table.append("| ").append(row.name).append(" | ").append(row.unit)
                    .append(" | ").append(value(none))
                    .append(" | ").append(value(vitals))
                    .append(" | ").append(ratio(vitals, none))
                    .append(" | ").append(value(otel))
                    .append(" | ").append(ratio(otel, none))
                    .append(" | ").append(row.target.isEmpty() ? "—" : row.target)
                    .append(" |\n");
        }
        return table.toString();
    }

    /**
     * What the paired rows mean together: without an agent, a library's own metrics cost the
     * difference between its two rows; Vitals, which switches them on when the application did
     * not, aims to cost no more than that.
     */
    static String notes(List<Figure> figures) {
        StringBuilder notes = new StringBuilder();
        pairNote(figures, HIT_WITHOUT_STATS, HIT_APP_STATS, "Caffeine's own recordStats() on a hit",
                "on a cache without recordStats()", notes);
        pairNote(figures, BORROW, BORROW_APP_TRACKER, "HikariCP's own metrics tracker on a borrow + release",
                "on a pool without a tracker", notes);
        return notes.toString();
    }

    private static void pairNote(List<Figure> figures, String withoutName, String withName, String libraryCost,
            String vitalsCase, StringBuilder notes) {
        Map<Configuration, Double> without = new EnumMap<>(Configuration.class);
        Map<Configuration, Double> with = new EnumMap<>(Configuration.class);
        for (Figure figure : figures) {
            if (figure.name().equals(withoutName)) {
                without.put(figure.configuration(), figure.value());
            } else if (figure.name().equals(withName)) {
                with.put(figure.configuration(), figure.value());
            }
        }
        Double noneWithout = without.get(Configuration.NONE);
        Double noneWith = with.get(Configuration.NONE);
        if (noneWithout == null || noneWith == null) {
            return;
        }
        notes.append(notes.length() == 0 ? "\n" : "").append(libraryCost).append(", no agent: ")
                .append(signed(noneWith - noneWithout)).append(" ns/op");
        Double vitalsWithout = without.get(Configuration.VITALS);
        if (vitalsWithout != null) {
            notes.append("; Vitals ").append(vitalsCase).append(": ").append(signed(vitalsWithout - noneWithout))
                    .append(" ns/op (target: no more than that)");
        }
        notes.append(".\n");
    }

    /** "—" when missing; else three significant-ish digits. */
    static String value(Double value) {
        if (value == null) {
            return "—";
        }
        double magnitude = Math.abs(value);
        String format = magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, format, value);
    }

    /** {@code 1.23× (+4.5)}; just the difference when none is (about) zero, as allocation often is. */
    static String ratio(Double value, Double none) {
        if (value == null || none == null) {
            return "—";
        }
        String difference = "(" + signed(value - none) + ")";
        if (Math.abs(none) < 0.5) {
            return difference;
        }
        return String.format(Locale.ROOT, "%.2f× %s", value / none, difference);
    }

    private static String signed(double difference) {
        String text = value(difference);
        return difference >= 0 ? "+" + text : text;
    }

    /** One figure across the configurations. */
    private static final class Row {
        final String name;
        final String unit;
        final Map<Configuration, Double> values = new EnumMap<>(Configuration.class);
        String target = "";

        Row(String name, String unit) {
            this.name = name;
            this.unit = unit;
        }
    }
}
