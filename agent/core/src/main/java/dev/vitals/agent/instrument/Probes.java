package dev.vitals.agent.instrument;

import dev.vitals.agent.AgentConfig;
import dev.vitals.agent.bridge.CacheListener;
import dev.vitals.agent.bridge.DataSourceListener;
import dev.vitals.agent.bridge.Hooks;
import dev.vitals.agent.bridge.PoolListener;
import dev.vitals.agent.bridge.StatementListener;
import dev.vitals.agent.caffeine.CacheRecorder;
import dev.vitals.agent.caffeine.CaffeineInstrumentation;
import dev.vitals.agent.hikari.HikariInstrumentation;
import dev.vitals.agent.hikari.HikariRecorder;
import dev.vitals.agent.jdbc.DataSourceInstrumentation;
import dev.vitals.agent.jdbc.DataSourceRecorder;
import dev.vitals.agent.jdbc.JdbcTypes;
import dev.vitals.agent.jdbc.StatementInstrumentation;
import dev.vitals.agent.jdbc.StatementRecorder;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Everything that listens inside the application: the recorders, plugged into the bridge, and
 * the instrumentation that feeds them. {@link #close()} unplugs it all (detach).
 *
 * <p>Class-loading note: this is the first class of ours that names bridge types, and it must
 * only be loaded once {@link BridgeInstaller} has put the bridge in the bootstrap loader (the
 * verifier resolves those types when it checks this class).
 */
public final class Probes implements AutoCloseable {

    private final List<Runnable> silencers = new ArrayList<>();
    private final HikariRecorder hikari;
    private final StatementRecorder statements;
    private final DataSourceRecorder dataSources;
    private final CacheRecorder caches;
    private final Instrumenter instrumenter;

    /**
     * Builds each feature's recorder, plugs it into the bridge, and installs all instrumentation
     * at once. Each feature is one block below: recorder, bridge field, silencer, instrumentation.
     */
    public Probes(Instrumentation inst, Consumer<ClassFileTransformer> gate, AgentConfig config, Clock clock)
            throws ReflectiveOperationException {
        HelperInjector injector = new HelperInjector(inst);
        List<LibraryInstrumentation> libraries = new ArrayList<>();
        // Recorders go in before the transformer: advice may run the moment a class is changed.

        // HikariCP pools.
        hikari = new HikariRecorder(injector, clock);
        Hooks.pools = hikari;
        silencers.add(() -> Hooks.pools = PoolListener.NONE);
        libraries.add(new HikariInstrumentation());

        // JDBC statements, and data sources other than HikariCP's (one type matcher for both).
        JdbcTypes jdbcTypes = new JdbcTypes();
        statements = new StatementRecorder(config.sqlMaxStatements(), config.sqlSlowThreshold(), clock);
        Hooks.statements = statements;
        silencers.add(() -> Hooks.statements = StatementListener.NONE);
        libraries.add(new StatementInstrumentation(jdbcTypes));
        dataSources = new DataSourceRecorder(clock);
        Hooks.dataSources = dataSources;
        silencers.add(() -> Hooks.dataSources = DataSourceListener.NONE);
        libraries.add(new DataSourceInstrumentation(jdbcTypes));

        // Caffeine caches (lookup advice only when caches from before the agent may exist).
        boolean cachesMayExist = CaffeineInstrumentation.caffeineLoaded(inst);
        caches = new CacheRecorder(injector, CacheRecorder.packageOpener(inst), config.cacheNames(), clock, cachesMayExist);
        Hooks.caches = caches;
        silencers.add(() -> Hooks.caches = CacheListener.NONE);
        libraries.add(new CaffeineInstrumentation(cachesMayExist));
        libraries.add(new CaffeineInstrumentation.SpringNames());
        libraries.add(new CaffeineInstrumentation.JCacheNames());

        Instrumenter installed;
        try {
            installed = new Instrumenter(inst, gate, libraries);
        } catch (RuntimeException | Error e) {
            silence();
            throw e;
        }
        instrumenter = installed;
    }

    public HikariRecorder hikari() {
        return hikari;
    }

    public StatementRecorder statements() {
        return statements;
    }

    public DataSourceRecorder dataSources() {
        return dataSources;
    }

    public CacheRecorder caches() {
        return caches;
    }

    /** The last problem each recorder met (it logged it once and carried on); empty when none. */
    public List<RecorderProblem> problems() {
        List<RecorderProblem> problems = new ArrayList<>();
        addProblem(problems, "hikaricp", hikari.lastProblem());
        addProblem(problems, "jdbc-statements", statements().lastProblem());
        addProblem(problems, "datasource", dataSources().lastProblem());
        addProblem(problems, "caffeine", caches().lastProblem());
        return problems;
    }

    private static void addProblem(List<RecorderProblem> problems, String recorder, String message) {
        if (message != null) {
            problems.add(new RecorderProblem(recorder, message));
        }
    }

    public List<HookStatus> statuses() {
        return instrumenter.statuses();
    }

    /** Silences the bridge, then restores every class we changed. */
    @Override
    public void close() {
        silence();
        instrumenter.close();
    }

    private void silence() {
        silencers.forEach(Runnable::run);
    }
}
