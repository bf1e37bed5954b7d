package dev.vitals.benchmarks.report;

import dev.vitals.benchmarks.Configuration;

/**
 * One number of the results table: a figure under one configuration.
 *
 * @param name the row, e.g. {@code Hikari borrow + release}
 * @param unit e.g. {@code ns/op}, {@code B/op}, {@code s}, {@code MiB}, {@code ms}
 * @param configuration the column
 * @param value the median (process figures) or JMH's score
 * @param target what Vitals aims for on this row (issue 8), or empty
 */
public record Figure(String name, String unit, Configuration configuration, double value, String target) {

    /** One line of a figures file: tab-separated, in the order of the components. */
    String toLine() {
        return String.join("\t", clean(name), clean(unit), configuration.key(), Double.toString(value), clean(target));
    }

    static Figure parse(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 5) {
            throw new IllegalArgumentException("a figure line has 5 tab-separated fields; got: " + line);
        }
        return new Figure(fields[0], fields[1], Configuration.of(fields[2]), Double.parseDouble(fields[3]), fields[4]);
    }

    private static String clean(String text) {
        return text == null ? "" : text.replace('\t', ' ').replace('\n', ' ');
    }
}
