package dev.vitals.it.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vitals.it.harness.Json;
import dev.vitals.it.harness.Requirements;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Prometheus text exposition format as a real parser reads it: the official Python client's
 * {@code prometheus_client.parser} (Debian package {@code python3-prometheus-client}, which
 * {@code .ci/run} installs), run in a child process. Text it cannot parse fails the test with the
 * parser's message; a missing parser skips the test, or fails it where {@code VITALS_REQUIRE_ALL=true}.
 */
final class PrometheusText {

    /** Interpreters tried in order: Debian's own first (a pyenv or venv python3 on PATH lacks the package). */
    private static final List<String> PYTHONS = List.of("/usr/bin/python3", "python3");

    /** Parses stdin, prints the families as JSON; refuses NaN and infinities (the agent never sends them). */
    private static final String PARSER = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            families = []
            for family in text_string_to_metric_families(sys.stdin.read()):
                families.append({"name": family.name, "type": family.type, "help": family.documentation,
                                 "samples": [{"name": s.name, "labels": s.labels, "value": s.value}
                                             for s in family.samples]})
            json.dump(families, sys.stdout, allow_nan=False)
            """;

    /** One sample line: its full name ({@code ..._total} for counters), labels and value. */
    record Sample(String family, String type, String name, Map<String, String> labels, double value) {
    }

    private static String python;

    private PrometheusText() {
    }

    /** Skips or fails the calling test (see {@link dev.vitals.it.harness.Requirements}) when no parser is installed. */
    static void requireParser() {
        python();
    }

    /** The samples of {@code text}, in order; fails the test if the parser rejects it. */
    static List<Sample> parse(String text) {
        String interpreter = python();
        JsonNode families = Json.parse(run(interpreter, List.of("-c", PARSER), text, "parse the /metrics text"));
        List<Sample> samples = new ArrayList<>();
        for (JsonNode family : families) {
            for (JsonNode sample : family.path("samples")) {
                Map<String, String> labels = new LinkedHashMap<>();
                sample.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                samples.add(new Sample(family.path("name").asText(), family.path("type").asText(),
                        sample.path("name").asText(), labels, sample.path("value").asDouble()));
            }
        }
        return samples;
    }

    /** A Python 3 that has {@code prometheus_client}, or skips / fails the calling test. */
    private static synchronized String python() {
        if (python == null) {
            for (String candidate : PYTHONS) {
                try {
                    run(candidate, List.of("-c", "import prometheus_client.parser"), "", "check");
                    python = candidate;
                    break;
                } catch (AssertionError | UncheckedIOException notThisOne) {
                    // Try the next interpreter.
                }
            }
        }
        Requirements.require("Python's prometheus_client", python != null,
                "no python3 among " + PYTHONS + " can import prometheus_client.parser; install the Debian package "
                        + "(apt-get install -y --no-install-recommends python3-prometheus-client)");
        return python;
    }

    private static String run(String interpreter, List<String> arguments, String stdin, String what) {
        List<String> command = new ArrayList<>();
        command.add(interpreter);
        command.addAll(arguments);
        try {
            Path out = Files.createTempFile("vitals-prometheus-", ".out");
            Path err = Files.createTempFile("vitals-prometheus-", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .start();
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(interpreter + " did not " + what + " within 30 s");
                }
                String output = Files.readString(out, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new AssertionError(interpreter + " could not " + what + " (exit " + process.exitValue()
                            + "): " + Files.readString(err, StandardCharsets.UTF_8) + "\n--- input:\n" + stdin);
                }
                return output;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
