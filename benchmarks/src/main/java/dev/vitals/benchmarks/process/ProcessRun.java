package dev.vitals.benchmarks.process;

import dev.vitals.benchmarks.AgentJars;
import dev.vitals.benchmarks.Configuration;
import dev.vitals.benchmarks.report.Figure;
import dev.vitals.benchmarks.report.FigureFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What every whole-process figure needs: the JVM to launch, the jars, where to write, how many
 * repetitions, and the configurations to compare.
 *
 * @param java the {@code java} launcher (this JVM's)
 * @param benchmarksJar this module's jar: the class path of {@link TinyApp} and {@link RetainedHeapApp}
 * @param agents the agent jars
 * @param cliJar {@code attach-cli/target/vitals-cli.jar}
 * @param sampleJar {@code sample-app/target/vitals-sample-app.jar}
 * @param out the output folder ({@code benchmarks/target})
 * @param figures where the medians go
 * @param repetitions runs of each configuration per figure (alternating configurations)
 * @param quick whether this is the {@code --quick} run (smaller scenarios, shorter phases)
 * @param configurations the configurations compared
 */
record ProcessRun(Path java, Path benchmarksJar, AgentJars agents, Path cliJar, Path sampleJar, Path out,
        FigureFile figures, int repetitions, boolean quick, List<Configuration> configurations) {

    /** A fresh-per-figure folder for one configuration's agent state and log. */
    Path work(String figure, Configuration configuration) throws IOException {
        Path work = out.resolve("work").resolve(figure).resolve(configuration.key());
        Files.createDirectories(work);
        return work;
    }

    Path logs(String figure) {
        return out.resolve("logs").resolve(figure);
    }

    /** {@code java} and the options that load {@code configuration}'s agent. */
    List<String> javaWith(Configuration configuration, Path work, String... vitalsSettings) {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(configuration.jvmArgs(agents, work, vitalsSettings));
        return command;
    }

    /** The configurations in the order for repetition {@code rep}: rotated, so none always runs first. */
    List<Configuration> order(int rep) {
        List<Configuration> rotated = new ArrayList<>(configurations);
        Collections.rotate(rotated, -(rep % Math.max(1, rotated.size())));
        return rotated;
    }

    void figure(String name, String unit, Configuration configuration, double value, String target) {
        figures.append(new Figure(name, unit, configuration, value, target));
    }

    /** One raw measurement, to {@code <out>/process-samples.tsv}: figure, configuration, repetition, value. */
    void raw(String figure, Configuration configuration, int rep, double value) throws IOException {
        Files.writeString(out.resolve("process-samples.tsv"),
                figure + "\t" + configuration.key() + "\t" + rep + "\t" + value + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
