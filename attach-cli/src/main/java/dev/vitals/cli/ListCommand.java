package dev.vitals.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code list}: the local JVMs, their Java version, user and Vitals URL. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the local JVMs: pid, main class or jar, Java version, user and Vitals URL.",
        footer = {"", "VITALS is '-' where the agent does not run and '?' where the JVM did not answer in time.",
            "This CLI's own JVM is not listed.", "", "Exit status: 0 (also when no JVM runs), 2 usage error."})
final class ListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long one JVM may take to answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<JvmInventory.JvmInfo> rows = JvmInventory.survey(JvmInventory.listed(), timeout);
        if (json) {
            out.println(JvmInventory.json(rows));
        } else if (rows.isEmpty()) {
            out.println("No other JVM is running as a user this CLI can see.");
        } else {
            out.print(JvmInventory.table(rows));
        }
        return VitalsCli.EXIT_OK;
    }
}
