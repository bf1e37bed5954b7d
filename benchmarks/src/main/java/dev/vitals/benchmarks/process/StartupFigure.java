package dev.vitals.benchmarks.process;

import dev.vitals.benchmarks.Configuration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up cost: {@link TinyApp} from launch to exit, wall time and peak resident set, for each
 * configuration, alternating, the median of the repetitions. Peak RSS comes from GNU
 * {@code /usr/bin/time} when it is installed (the whole process, exit included), else from the
 * application's own {@code VmHWM} just before it exits.
 */
final class StartupFigure {

    static final String WALL = "Start-up of a tiny app (pool, cache, 1 query, exit): wall";
    static final String RSS = "Start-up of a tiny app: peak RSS";

    private static final Path GNU_TIME = Path.of("/usr/bin/time");

    private static final Pattern NUMBER = Pattern.compile("(\\d+)");

    /** Longest a tiny app may take before the run counts as hung. */
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private StartupFigure() {
    }

    static void run(ProcessRun run) throws IOException, InterruptedException {
        boolean gnuTime = Files.isExecutable(GNU_TIME);
        Map<Configuration, List<Double>> walls = new EnumMap<>(Configuration.class);
        Map<Configuration, List<Double>> rss = new EnumMap<>(Configuration.class);
        for (int rep = 0; rep < run.repetitions(); rep++) {
            for (Configuration configuration : run.order(rep)) {
                Path work = run.work("startup", configuration);
                Path timeFile = work.resolve("time-" + rep + ".txt");
                List<String> command = new ArrayList<>();
                if (gnuTime) {
                    command.addAll(List.of(GNU_TIME.toString(), "-o", timeFile.toString(), "-f", "%M"));
                }
                command.addAll(run.javaWith(configuration, work));
                command.addAll(List.of("-cp", run.benchmarksJar().toString(), TinyApp.class.getName()));
                AppProcess.Finished finished = AppProcess.runToEnd(command, run.logs("startup"),
                        configuration.key() + "-" + rep, TIMEOUT);
                String line = finished.expectLine("the tiny app under " + configuration.key(), "tiny-app ok");
                double seconds = finished.wallNanos() / 1e9;
                double peakKb = gnuTime ? lastNumber(Files.readString(timeFile)) : lastNumber(line);
                double peakMib = peakKb / 1024;
                walls.computeIfAbsent(configuration, c -> new ArrayList<>()).add(seconds);
                rss.computeIfAbsent(configuration, c -> new ArrayList<>()).add(peakMib);
                run.raw(WALL, configuration, rep, seconds);
                run.raw(RSS, configuration, rep, peakMib);
            }
        }
        for (Configuration configuration : run.configurations()) {
            run.figure(WALL, "s", configuration, Samples.median(walls.get(configuration)), "≤ +0.25 s");
        }
        for (Configuration configuration : run.configurations()) {
            run.figure(RSS + (gnuTime ? " (/usr/bin/time)" : " (VmHWM)"), "MiB", configuration,
                    Samples.median(rss.get(configuration)), "≤ +30 MiB");
        }
        System.out.println("startup  wall s " + describe(walls) + "  peak RSS MiB " + describe(rss));
    }

    /** The last whole number in {@code text} (GNU time may print a warning line before its figure). */
    private static double lastNumber(String text) throws IOException {
        Matcher matcher = NUMBER.matcher(text);
        String last = null;
        while (matcher.find()) {
            last = matcher.group(1);
        }
        if (last == null) {
            throw new IOException("no number in: " + text.strip());
        }
        return Double.parseDouble(last);
    }

    static String describe(Map<Configuration, List<Double>> values) {
        StringBuilder text = new StringBuilder();
        values.forEach((configuration, list) -> text.append(configuration.key()).append('=')
                .append(Samples.describe(list)).append(' '));
        return text.toString().strip();
    }
}
