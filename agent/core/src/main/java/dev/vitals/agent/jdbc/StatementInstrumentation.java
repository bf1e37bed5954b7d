package dev.vitals.agent.jdbc;

import static dev.vitals.agent.instrument.MethodHook.isPublic;
import static dev.vitals.agent.instrument.MethodHook.named;
import static dev.vitals.agent.instrument.MethodHook.returns;
import static dev.vitals.agent.instrument.MethodHook.takes;
import static dev.vitals.agent.instrument.MethodHook.takesFirst;

import dev.vitals.agent.instrument.ClassCandidate;
import dev.vitals.agent.instrument.HookCode;
import dev.vitals.agent.instrument.LibraryInstrumentation;
import dev.vitals.agent.instrument.MethodHook;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Type;

/**
 * JDBC statements, whatever the driver, pool or wrapper: every class that implements
 * {@code java.sql.Connection} (to see statements created, with their SQL) or
 * {@code java.sql.Statement} (to time executions), but HikariCP's statement proxies (see
 * {@link #HIKARI_PROXIES}).
 *
 * <p>Types are matched by hierarchy on the interface names ({@link JdbcTypes}), never by class
 * literals of driver types; interfaces are skipped (nothing to advise) but abstract classes are
 * not, because a concrete driver class may inherit {@code execute} from one. The Instrumenter
 * already ignores the JDK's packages and our own. Methods are matched by their JDBC signature, public and with a body,
 * so a driver's internal overloads ({@code PgStatement.executeWithFlags}, a protected
 * {@code execute(CachedQuery, …)}) are left alone.
 *
 * <p>Hooks pass only {@link Object}, {@link String} and primitives to the bridge
 * ({@link dev.vitals.agent.bridge.StatementListener}), read the hook field once per entry or
 * exit, and suppress anything thrown (see {@link MethodHook}): the application sees its
 * driver's results and exceptions unchanged.
 */
public final class StatementInstrumentation implements LibraryInstrumentation {

    static final String CONNECTION = "java.sql.Connection";
    static final String STATEMENT = "java.sql.Statement";
    /**
     * HikariCP's statement proxies only delegate to the driver's statement, which is instrumented:
     * left alone, they save a hooked call per execute and close (the recorder remembers the
     * driver's statement instead), and three to six classes to transform at start-up. Its
     * connection proxies stay instrumented: a statement created through one is how the recorder
     * learns which pool a connection belongs to.
     */
    private static final String HIKARI_PROXIES = JdbcLabels.HIKARI_POOL_PACKAGE;
    private static final String HIKARI_PROXIES_INTERNAL = HIKARI_PROXIES.replace('.', '/');

    private static final String LISTENER = "StatementListener";
    private static final String STRING = "Ljava/lang/String;";
    private static final String CREATED = "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/String;ZLjava/lang/Throwable;)V";
    private static final String EXECUTED = "(Ljava/lang/Object;Ljava/lang/String;JLjava/lang/Throwable;J)V";

    /** On connections. */
    private static final List<MethodHook> CONNECTION_HOOKS = List.of(
            // Where a PreparedStatement / CallableStatement gets its SQL: the only time the text
            // and the statement object are side by side.
            created(isPublic().and(named("prepareStatement", "prepareCall")).and(takesFirst(STRING)), true),
            // Plain statements: their SQL comes with each execute, but their data source is learnt
            // here, from the connection.
            created(isPublic().and(named("createStatement")), false));

    /** On statements. */
    private static final List<MethodHook> STATEMENT_HOOKS = List.of(
            // The four kinds of execution: SQL in the argument for Statement, none (it was
            // prepared) for PreparedStatement; what each returns differs.
            executed(named("execute", "executeQuery"), false),
            executed(named("executeUpdate").and(returns("I")), true),
            executed(named("executeLargeUpdate").and(returns("J")), true),
            // One execution, an array of update counts.
            MethodHook.on(isPublic().and(named("executeBatch", "executeLargeBatch")).and(takes()))
                    .withEnter(Type.LONG_TYPE, StatementInstrumentation::executing)
                    .withExitOnThrowable(code -> code.listener("statements", LISTENER).loadThis().loadEnter()
                            .loadThrown().loadReturn()
                            .call(LISTENER, "executedBatch", "(Ljava/lang/Object;JLjava/lang/Throwable;Ljava/lang/Object;)V")),
            // A plain statement's batch has no SQL of its own: named after the first one added.
            MethodHook.on(isPublic().and(named("addBatch")).and(takes(STRING))).keeps(0)
                    .withExit(code -> code.listener("statements", LISTENER).loadThis().loadArgument(0)
                            .call(LISTENER, "batchAdded", "(Ljava/lang/Object;Ljava/lang/String;)V")),
            // Frees the statement's slot in the thread's ring.
            MethodHook.on(isPublic().and(named("close")).and(takes()))
                    .withEnter(Type.VOID_TYPE, code -> code.listener("statements", LISTENER).loadThis()
                            .call(LISTENER, "closed", "(Ljava/lang/Object;)V")));

    private static final List<MethodHook> BOTH = concat(CONNECTION_HOOKS, STATEMENT_HOOKS);

    private final JdbcTypes types;

    /** @param types the JDBC type matcher, shared with {@link DataSourceInstrumentation} (one walk, one cache) */
    public StatementInstrumentation(JdbcTypes types) {
        this.types = types;
    }

    @Override
    public List<String> classFileMarkers() {
        // The types in the signatures we instrument: an implementor (or a subclass overriding one of
        // the methods) names at least one of them.
        return List.of("java/sql/Statement", "java/sql/PreparedStatement", "java/sql/CallableStatement",
                "java/sql/Connection");
    }

    @Override
    public String name() {
        return "jdbc-statements";
    }

    @Override
    public String targetDescription() {
        return "a JDBC driver (implementations of " + CONNECTION + " and " + STATEMENT + ")";
    }

    /** By name alone no class can be told to be a target: see {@link #targets(Class)}. */
    @Override
    public boolean targets(String typeName) {
        return false;
    }

    @Override
    public boolean targets(Class<?> type) {
        if (type.isInterface()) {
            return false;
        }
        int kinds = JdbcTypes.kinds(type);
        return (kinds & JdbcTypes.CONNECTION) != 0
                || ((kinds & JdbcTypes.STATEMENT) != 0 && !type.getName().startsWith(HIKARI_PROXIES));
    }

    @Override
    public List<MethodHook> hooks(ClassCandidate type) {
        if (type.isInterface()) {
            return List.of();
        }
        int kinds = types.kinds(type);
        boolean connection = (kinds & JdbcTypes.CONNECTION) != 0;
        boolean statement = (kinds & JdbcTypes.STATEMENT) != 0 && !type.internalName().startsWith(HIKARI_PROXIES_INTERNAL);
        return connection ? (statement ? BOTH : CONNECTION_HOOKS) : (statement ? STATEMENT_HOOKS : List.of());
    }

    /** {@code Connection.prepare*(sql, …)} ({@code withSql}) or {@code createStatement(…)}. */
    private static MethodHook created(MethodHook.Matcher methods, boolean withSql) {
        return MethodHook.on(methods).keeps(0)
                .withEnter(Type.BOOLEAN_TYPE, code -> code.listener("statements", LISTENER)
                        .call(LISTENER, "creating", "()Z").storeEnter())
                .withExitOnThrowable(code -> {
                    code.listener("statements", LISTENER).loadThis().loadReturn();
                    if (withSql) {
                        code.loadArgument(0);
                    } else {
                        code.pushNull();
                    }
                    code.loadEnter().loadThrown().call(LISTENER, "created", CREATED);
                });
    }

    /**
     * {@code execute*()} of a PreparedStatement, or {@code execute*(String sql, …)} of a Statement;
     * {@code rows}: whether it returns an update count.
     */
    private static MethodHook executed(MethodHook.Matcher name, boolean rows) {
        return MethodHook.on(isPublic().and(name).and(takes().or(takesFirst(STRING)))).keeps(0)
                .withEnter(Type.LONG_TYPE, StatementInstrumentation::executing)
                .withExitOnThrowable(code -> {
                    code.listener("statements", LISTENER).loadThis().loadArgumentOrNull(0).loadEnter().loadThrown();
                    if (rows) {
                        code.loadReturnAsLong();
                    } else {
                        code.push(-1L);
                    }
                    code.call(LISTENER, "executed", EXECUTED);
                });
    }

    private static void executing(HookCode code) {
        code.listener("statements", LISTENER).call(LISTENER, "executing", "()J").storeEnter();
    }

    private static List<MethodHook> concat(List<MethodHook> first, List<MethodHook> second) {
        List<MethodHook> both = new ArrayList<>(first);
        both.addAll(second);
        return List.copyOf(both);
    }
}
