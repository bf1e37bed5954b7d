package dev.vitals.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar vitals-cli.jar}: loads the Vitals agent into running JVMs on this machine and
 * asks after it. The CLI never links against the agent: it carries the agent jar as a resource,
 * loads it through the attach API and learns the agent's URL from the target's system properties.
 *
 * <p>Exit status: {@value #EXIT_OK} success, {@value #EXIT_FAILURE} failure (the message on
 * stderr says why and what to do), {@value #EXIT_USAGE} usage error.
 */
@Command(name = "vitals-cli", mixinStandardHelpOptions = true, versionProvider = VitalsCli.Version.class,
        description = "Attach the Vitals agent to a running JVM and ask after it.",
        subcommands = {ListCommand.class, AttachCommand.class, StatusCommand.class, DetachCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Exit status: 0 ok, 1 failure, 2 usage error.",
            "Run `java -jar vitals-cli.jar <command> --help` for a command's options."})
public final class VitalsCli implements Callable<Integer> {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        CommandLine cli = commandLine();
        int exitCode = cli.execute(args);
        cli.getOut().flush();
        cli.getErr().flush();
        System.exit(exitCode);
    }

    /** The configured command line; tests call this and capture its out and err writers. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new VitalsCli());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CommandFailure failure) {
                commandLine.getErr().println(failure.getMessage());
                commandLine.getErr().flush();
                return failure.exitCode();
            }
            // A bug, not a situation we foresaw: keep the stack trace.
            commandLine.getErr().println("vitals-cli: unexpected error: " + ex);
            ex.printStackTrace(commandLine.getErr());
            commandLine.getErr().flush();
            return EXIT_FAILURE;
        });
        return cli;
    }

    /** Without a subcommand there is nothing to do: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (list, attach, status or detach)");
    }

    /** The version from the jar manifest ({@code Implementation-Version}). */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = VitalsCli.class.getPackage().getImplementationVersion();
            return new String[] {"vitals-cli " + (version == null ? "(development build)" : version),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")"};
        }
    }
}
