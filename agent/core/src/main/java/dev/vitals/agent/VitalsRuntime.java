package dev.vitals.agent;

import dev.vitals.agent.http.CacheRoutes;
import dev.vitals.agent.http.ConfigRoutes;
import dev.vitals.agent.http.HealthRoutes;
import dev.vitals.agent.alert.ActiveAlert;
import dev.vitals.agent.alert.AlertEngine;
import dev.vitals.agent.alert.BuiltInRules;
import dev.vitals.agent.alert.Notifier;
import dev.vitals.agent.alert.RuleStore;
import dev.vitals.agent.http.AlertRoutes;
import dev.vitals.agent.http.DashboardRoutes;
import dev.vitals.agent.http.Sessions;
import dev.vitals.agent.http.StreamRoutes;
import dev.vitals.agent.http.MetricsRoutes;
import dev.vitals.agent.http.OverviewRoutes;
import dev.vitals.agent.http.ThresholdAlertRoutes;
import dev.vitals.agent.http.TimeseriesRoutes;
import dev.vitals.agent.http.Responses;
import dev.vitals.agent.http.Routes;
import dev.vitals.agent.http.Server;
import dev.vitals.agent.http.TokenFile;
import dev.vitals.agent.instrument.BridgeInstaller;
import dev.vitals.agent.http.PoolRoutes;
import dev.vitals.agent.http.QueryRoutes;
import dev.vitals.agent.http.DataSourceRoutes;
import dev.vitals.agent.instrument.Probes;
import dev.vitals.agent.instrument.RecorderProblem;
import dev.vitals.agent.history.History;
import dev.vitals.agent.history.HistoryStore;
import dev.vitals.agent.sampling.Sampler;
import dev.vitals.agent.sampling.SamplingStatus;
import dev.vitals.agent.sampling.Sources;
import dev.vitals.agent.logging.AgentLog;
import dev.vitals.agent.metrics.PrometheusExport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
    /** Why alerting could not be opened, for /api/v1/health; null when it is open or opening. */
    private volatile String alertingOff;
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

        Sampling sampling = openSampling(config, probes, clock, startedNanos);
        Sampler sampler = sampling.sampler();
        PrometheusExport prometheus = new PrometheusExport(info.appName());
        sampler.addListener(prometheus);
        AtomicReference<String> dashboardUrl = new AtomicReference<>();
        // Alerting opens once the server is up, or sooner at an alert request (AlertingOnce):
        // until then nothing fires.
        AtomicReference<Alerting> alerting = new AtomicReference<>();
        AlertingOnce alertingOnce = new AlertingOnce(config, clock, info, dashboardUrl::get, alerting);
        sampler.addListener(sample -> {
            Alerting open = alerting.get();
            if (open != null) {
                open.engine().accept(sample);
            }
        });
        Supplier<List<ActiveAlert>> firing = () -> {
            Alerting open = alerting.get();
            return open == null ? List.of() : open.engine().firing();
        };
        // Listeners first: the first sample is taken as the schedule starts.
        sampler.start();
        started.add(sampler);

        Responses responses = new Responses();
        String token = config.token() != null ? config.token() : TokenFile.generate();
        Sessions sessions = new Sessions(token, clock);
        AtomicReference<Path> tokenFilePath = new AtomicReference<>();
        StreamRoutes stream = new StreamRoutes(sampler::latest, config.sampleInterval(), firing, clock, info, responses);
        // After the alert engine's listener, so each event's alerts include the rules this sample fired.
        sampler.addListener(stream);
        AlertRoutes alertRoutes = new AlertRoutes(sampler::latest, config.sampleInterval(), clock, responses,
                alertingOnce::open);
        alertingOnce.routes = alertRoutes;
        List<Routes> routes = List.of(
                new HealthRoutes(info, probes::statuses, () -> problems(probes, sampler, alerting.get(), alertingOff),
                        () -> SamplingStatus.of(sampler, sampling.store(), sampling.notPersisted()), responses),
                new ConfigRoutes(config, responses),
                new PoolRoutes(probes.hikari(), clock, responses),
                new QueryRoutes(probes.statements(), clock, responses),
                new DataSourceRoutes(probes.dataSources(), clock, responses),
                new CacheRoutes(probes.caches(), clock, responses),
                new MetricsRoutes(prometheus),
                new OverviewRoutes(sampler::latest, config.sampleInterval(), clock, info, responses),
                new TimeseriesRoutes(sampling.history(), clock, responses),
                new ThresholdAlertRoutes(sampler::latest, config.sampleInterval(), firing, responses),
                alertRoutes,
                new DashboardRoutes(sessions, info.appName(), tokenFilePath::get, responses),
                stream);

        Server server;
        try {
            server = Server.start(config.bind(), config.port(), sessions, config.token() != null,
                    config.metricsNeedToken() ? Set.of() : Set.of(MetricsRoutes.PATH), routes, responses);
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
        tokenFilePath.set(tokenFile.path());
        // At exit: the token file goes, and the server stops so that the JVM need not wait for its
        // I/O threads (Server#closeForExit: ~300 ms off every exit of the application).
        shutdownHook = new Thread(() -> {
            tokenFile.close();
            server.closeForExit();
        }, "vitals-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);

        System.clearProperty(ERROR_PROPERTY);
        System.setProperty(VERSION_PROPERTY, version);
        System.setProperty(ATTACHED_VIA_PROPERTY, attachedVia);
        System.setProperty(TOKEN_FILE_PROPERTY, tokenFile.path().toString());
        // Published last: the CLI treats vitals.url as "the agent is ready".
        dashboardUrl.set(server.url());
        System.setProperty(URL_PROPERTY, server.url());
        AgentLog.debug("server up " + (System.nanoTime() - startedNanos) / 1_000_000 + " ms after start");
        AgentLog.banner("vitals " + version + " listening on " + server.url() + " (token file: " + tokenFile.path() + ")");
        // The sign-in link, as notebook servers print theirs: whoever reads this process's stderr
        // may open the dashboard. A configured token is the operator's secret and is not repeated.
        AgentLog.banner("vitals dashboard: " + (config.token() == null
                ? server.url() + "?token=" + token
                : server.url() + " (sign in with the configured token)"));

        // Stopped first on detach: no sample reaches the engine once its store and notifier close.
        started.add(alertingOnce);
        // Opened now, after the server, rather than at the first sample: its classes (Jackson's
        // ~600) are best loaded while the application is starting too. Loaded ten seconds later,
        // into an application whose hot code is compiled, they can cost it a deoptimization: in
        // one benchmark fork a Caffeine hit went from 7.8 to 15 ns at that moment and stayed there.
        alertingOnce.open();
    }

    /**
     * Opens alerting once, by whichever comes first: the start thread once the server is up, or a
     * request to an alert route (on its worker thread, which then need not wait for the start
     * thread). Opening the rule store is Jackson's first use (~600 classes, ~0.1–0.2 s of CPU on
     * the 2-core benchmark machine), the slowest step of the start, so the server and the first
     * samples do not wait for it.
     *
     * <p>Concurrency: {@link #open} and {@link #close} are synchronized; once opened, failed or
     * closed, it never tries again.
     */
    private final class AlertingOnce implements AutoCloseable {
        private final AgentConfig config;
        private final Clock clock;
        private final AgentInfo info;
        private final Supplier<String> dashboardUrl;
        private final AtomicReference<Alerting> alerting;
        /** Set on the start thread before the server can route a request to them. */
        volatile AlertRoutes routes;
        private boolean done;

        AlertingOnce(AgentConfig config, Clock clock, AgentInfo info, Supplier<String> dashboardUrl,
                AtomicReference<Alerting> alerting) {
            this.config = config;
            this.clock = clock;
            this.info = info;
            this.dashboardUrl = dashboardUrl;
            this.alerting = alerting;
        }

        /** Alerting, opened now if it was not yet; null when it could not be, or after detach. */
        synchronized Alerting open() {
            if (done) {
                return alerting.get();
            }
            done = true;
            long opening = System.nanoTime();
            Alerting opened;
            try {
                opened = openAlerting(config, clock, info, dashboardUrl);
            } catch (RuntimeException e) {
                AgentLog.error("alerting is off: " + e);
                alertingOff = "alerting is off: " + e;
                routes.failed(e.toString());
                return null;
            }
            alerting.set(opened);
            routes.open(opened.store(), opened.engine(), opened.notifier());
            AgentLog.debug("alerting open in " + (System.nanoTime() - opening) / 1_000_000 + " ms");
            return opened;
        }

        @Override
        public synchronized void close() {
            done = true;
            Alerting open = alerting.getAndSet(null);
            if (open != null) {
                try {
                    open.notifier().close();
                } finally {
                    open.store().close();
                }
            }
        }
    }

    /** The sampler and where its history goes; {@code store} is null when history stays in memory. */
    private record Sampling(Sampler sampler, History history, HistoryStore store, String notPersisted) {
    }

    /**
     * Opens the persisted history (restoring what an earlier run of this application kept), and
     * makes the sampler over the recorders; the caller adds the listeners, then starts it. A history directory that cannot be used costs only
     * persistence: history is then kept in memory and health says why.
     */
    private Sampling openSampling(AgentConfig config, Probes probes, Clock clock, long startedNanos) {
        Path dir = config.stateDir().resolve("history");
        HistoryStore store = null;
        String notPersisted = null;
        try {
            store = HistoryStore.open(dir, clock, config.historyMaxBytes());
            started.add(store);
        } catch (IOException | RuntimeException e) {
            notPersisted = "history is kept in memory only: cannot use " + dir + ": " + e;
            AgentLog.warn(notPersisted);
        }
        History history = new History(clock, store != null ? store : History.Sink.NONE);
        if (store != null) {
            try {
                store.restoreInto(history);
            } catch (IOException | RuntimeException e) {
                AgentLog.warn("cannot read the stored history in " + dir + ": " + e + "; starting a new one");
            }
        }
        Sampler sampler = new Sampler(Sources.of(probes.hikari(), probes.statements(), probes.caches()), history,
                clock, System::nanoTime, config.sampleInterval(), config.scoreWindow(), startedNanos);
        return new Sampling(sampler, history, store, notPersisted);
    }

    /** Alert rules and events, the engine that evaluates them and the notifier that delivers. */
    private record Alerting(RuleStore store, AlertEngine engine, Notifier notifier, String notPersisted) {
    }

    /**
     * Opens the alert rules and events under {@code <state.dir>/alerts} (seeding the built-in rules
     * on the first start) and makes the engine and the notifier, which the caller closes. A
     * directory that cannot be used costs persistence only: rules then live in a temporary
     * directory and health says so.
     */
    private Alerting openAlerting(AgentConfig config, Clock clock, AgentInfo info, Supplier<String> dashboardUrl) {
        Path dir = config.stateDir().resolve("alerts");
        RuleStore store;
        String notPersisted = null;
        try {
            store = RuleStore.open(dir, clock);
        } catch (IOException | RuntimeException e) {
            notPersisted = "alert rules and events are not kept across restarts: cannot use " + dir + ": " + e;
            AgentLog.warn(notPersisted);
            try {
                store = RuleStore.open(Files.createTempDirectory("vitals-alerts-"), clock);
            } catch (IOException second) {
                throw new UncheckedIOException("no directory for alert rules", second);
            }
        }
        try {
            BuiltInRules.seedIfFirstStart(store, clock.instant());
            String host = hostName();
            Notifier notifier = new Notifier(info.appName(), host, clock);
            AlertEngine engine = new AlertEngine(store, notifier, clock, info.appName(), host, dashboardUrl);
            return new Alerting(store, engine, notifier, notPersisted);
        } catch (RuntimeException e) {
            try {
                store.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * This machine's name for notifications, without a DNS lookup (which can block for seconds
     * on a badly configured host): {@code HOSTNAME}/{@code COMPUTERNAME}, else {@code /etc/hostname}.
     */
    private static String hostName() {
        for (String variable : List.of("HOSTNAME", "COMPUTERNAME")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        try {
            String name = Files.readString(Path.of("/etc/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException ignored) {
            // Not Linux, or unreadable: fall through.
        }
        return "unknown-host";
    }

    /**
     * @param alerting null while alerting is not open
     * @param alertingOff why it could not be opened, or null
     */
    private static List<RecorderProblem> problems(Probes probes, Sampler sampler, Alerting alerting,
            String alertingOff) {
        List<RecorderProblem> problems = new ArrayList<>(probes.problems());
        if (sampler.lastProblem() != null) {
            problems.add(new RecorderProblem("sampler", sampler.lastProblem()));
        }
        if (alertingOff != null) {
            problems.add(new RecorderProblem("alerts", alertingOff));
        }
        if (alerting == null) {
            return problems;
        }
        if (alerting.notPersisted() != null) {
            problems.add(new RecorderProblem("alerts", alerting.notPersisted()));
        } else if (alerting.store().lastFailure() != null) {
            problems.add(new RecorderProblem("alerts", "last write of rules or events failed: "
                    + alerting.store().lastFailure()));
        }
        return problems;
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
