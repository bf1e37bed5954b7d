package dev.vitals.agent;

import dev.vitals.agent.http.CacheRoutes;
import dev.vitals.agent.http.ConfigRoutes;
import dev.vitals.agent.http.HealthRoutes;
import dev.vitals.agent.http.Responses;
import dev.vitals.agent.http.Routes;
import dev.vitals.agent.http.Server;
import dev.vitals.agent.http.TokenFile;
import dev.vitals.agent.instrument.BridgeInstaller;
import dev.vitals.agent.http.PoolRoutes;
import dev.vitals.agent.http.QueryRoutes;
import dev.vitals.agent.http.DataSourceRoutes;
import dev.vitals.agent.instrument.Probes;
import dev.vitals.agent.logging.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The composition root: reads the configuration, then builds and starts everything the agent
 * runs, passing each part what it needs through its constructor; {@link #close()} undoes it all
 * in reverse order (detach).
 *
 * <p>The entry class calls {@link #start} reflectively from the private class loader, with JDK
 * types only, and keeps the result as an {@link AutoCloseable}.
 *
 * <p>Concurrency: {@link #start} runs on the {@code vitals-start} thread and {@link #close} on
 * the thread that detaches (or the JVM's shutdown); the entry class orders the two.
 */
public final class VitalsRuntime implements AutoCloseable {

    /** System properties the agent publishes in the JVM for the CLI and other tools. */
    static final String URL_PROPERTY = "vitals.url";
    static final String TOKEN_FILE_PROPERTY = "vitals.token.file";
    static final String VERSION_PROPERTY = "vitals.version";
    static final String ATTACHED_VIA_PROPERTY = "vitals.attached.via";
    static final String ERROR_PROPERTY = "vitals.error";

    private final List<AutoCloseable> started = new ArrayList<>();
    private Thread shutdownHook;

    private VitalsRuntime() {
    }

    /**
     * Starts the agent. Never throws for a problem of configuration or environment: those are
     * logged, published as {@code vitals.error}, and the parts that can run do.
     *
     * @param inst the JVM's instrumentation
     * @param arguments the agent argument string
     * @param attachedVia {@code premain} or {@code attach}
     * @param agentJar the agent jar's path (it holds the bridge)
     * @param gate the entry's class gate: takes the transformer to put behind it
     */
    public static AutoCloseable start(Instrumentation inst, String arguments, String attachedVia, String agentJar,
            Consumer<ClassFileTransformer> gate) {
        VitalsRuntime runtime = new VitalsRuntime();
        try {
            runtime.startAll(inst, arguments, attachedVia, Path.of(agentJar), gate);
        } catch (RuntimeException | Error e) {
            AgentLog.error("start failed: " + e, e);
            System.setProperty(ERROR_PROPERTY, "start failed: " + e);
        }
        return runtime;
    }

    private void startAll(Instrumentation inst, String arguments, String attachedVia, Path agentJar,
            Consumer<ClassFileTransformer> gate) {
        long startedNanos = System.nanoTime();
        AgentConfig config = AgentConfig.fromJvm(arguments);
        AgentLog.configure(config.logLevel(), config.logFile());
        started.add(AgentLog::closeFile);
        config.warnings().forEach(AgentLog::warn);

        try {
            String how = BridgeInstaller.install(inst, agentJar);
            AgentLog.debug("bridge " + how);
        } catch (IOException | IllegalStateException e) {
            AgentLog.error("cannot install the bridge: " + e.getMessage() + "; instrumentation is off");
            System.setProperty(ERROR_PROPERTY, "cannot install the bridge: " + e.getMessage());
            return;
        }

        String version = version();
        AgentInfo info = new AgentInfo(version, attachedVia, config.appName(), ProcessHandle.current().pid(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"), startedNanos, System::nanoTime);

        Clock clock = Clock.systemUTC();
        Probes probes;
        try {
            probes = new Probes(inst, gate, config, clock);
        } catch (ReflectiveOperationException | RuntimeException e) {
            AgentLog.error("cannot install instrumentation: " + e + "; instrumentation is off");
            System.setProperty(ERROR_PROPERTY, "cannot install instrumentation: " + e);
            return;
        }
        started.add(probes);
        AgentLog.debug("instrumentation installed " + (System.nanoTime() - startedNanos) / 1_000_000 + " ms after start");

        Responses responses = new Responses();
        List<Routes> routes = List.of(
                new HealthRoutes(info, probes::statuses, probes::problems, responses),
                new ConfigRoutes(config, responses),
                new PoolRoutes(probes.hikari(), clock, responses),
                new QueryRoutes(probes.statements(), clock, responses),
                new DataSourceRoutes(probes.dataSources(), clock, responses),
                new CacheRoutes(probes.caches(), clock, responses));

        String token = config.token() != null ? config.token() : TokenFile.generate();
        Server server;
        try {
            server = Server.start(config.bind(), config.port(), token, config.token() != null, routes, responses);
        } catch (Server.RefusedException e) {
            AgentLog.error("HTTP server not started: " + e.getMessage() + " (the application runs on)");
            System.setProperty(ERROR_PROPERTY, e.getMessage());
            return;
        }
        started.add(server);

        TokenFile tokenFile;
        try {
            tokenFile = TokenFile.write(token, config.stateDir(), info.pid());
        } catch (IOException e) {
            AgentLog.error("cannot write the token file: " + e + "; stopping the HTTP server");
            System.setProperty(ERROR_PROPERTY, "cannot write the token file: " + e);
            server.close();
            started.remove(server);
            return;
        }
        started.add(tokenFile);
        shutdownHook = new Thread(tokenFile::close, "vitals-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);

        System.clearProperty(ERROR_PROPERTY);
        System.setProperty(VERSION_PROPERTY, version);
        System.setProperty(ATTACHED_VIA_PROPERTY, attachedVia);
        System.setProperty(TOKEN_FILE_PROPERTY, tokenFile.path().toString());
        // Published last: the CLI treats vitals.url as "the agent is ready".
        System.setProperty(URL_PROPERTY, server.url());
        AgentLog.debug("server up " + (System.nanoTime() - startedNanos) / 1_000_000 + " ms after start");
        AgentLog.banner("vitals " + version + " listening on " + server.url() + " (token file: " + tokenFile.path() + ")");
    }

    /** Detach: stops everything started, newest first, and withdraws what was published. */
    @Override
    public void close() {
        for (String property : List.of(URL_PROPERTY, TOKEN_FILE_PROPERTY, VERSION_PROPERTY, ATTACHED_VIA_PROPERTY,
                ERROR_PROPERTY)) {
            System.clearProperty(property);
        }
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting; the hook runs anyway.
            }
            shutdownHook = null;
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception | Error e) {
                AgentLog.warn("stopping " + started.get(i).getClass().getSimpleName() + " failed: " + e);
            }
        }
        started.clear();
    }

    private static String version() {
        try (InputStream in = VitalsRuntime.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
