package dev.vitals.agent.jdbc;

import java.util.List;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import dev.vitals.agent.bridge.Hooks;
import dev.vitals.agent.instrument.LibraryInstrumentation;
import java.sql.Connection;
import java.sql.Statement;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

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
 * <p>Advice passes only {@link Object}, {@link String} and primitives to the bridge
 * ({@link dev.vitals.agent.bridge.StatementListener}), reads the hook field once per advice
 * method, and suppresses anything thrown: the application sees its driver's results and
 * exceptions unchanged.
 */
public final class StatementInstrumentation implements LibraryInstrumentation {

    static final String CONNECTION = "java.sql.Connection";
    static final String STATEMENT = "java.sql.Statement";
    /**
     * HikariCP's statement proxies only delegate to the driver's statement, which is instrumented:
     * left alone, they save an advised call per execute and close (the recorder remembers the
     * driver's statement instead), and three to six classes to transform at start-up. Its
     * connection proxies stay instrumented: a statement created through one is how the recorder
     * learns which pool a connection belongs to.
     */
    private static final String HIKARI_PROXIES = JdbcLabels.HIKARI_POOL_PACKAGE;

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
    public boolean targets(TypeDescription type) {
        return !type.isInterface() && (type.isAssignableTo(Connection.class)
                || (type.isAssignableTo(Statement.class) && !type.getName().startsWith(HIKARI_PROXIES)));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        // Made once, not per transformed class: Advice.to reads and parses the advice class.
        // Where a PreparedStatement / CallableStatement gets its SQL: the only time the text and
        // the statement object are side by side.
        AsmVisitorWrapper prepare = Advice.to(Prepare.class).on(jdbcMethod(namedOneOf("prepareStatement", "prepareCall"))
                .and(takesArgument(0, String.class)));
        // Plain statements: their SQL comes with each execute, but their data source is learnt
        // here, from the connection.
        AsmVisitorWrapper create = Advice.to(Create.class).on(jdbcMethod(named("createStatement")));
        // The four kinds of execution: SQL in the argument for Statement, none (it was prepared)
        // for PreparedStatement; what each returns differs.
        AsmVisitorWrapper execute = Advice.to(Execute.class).on(executeMethod(namedOneOf("execute", "executeQuery")));
        AsmVisitorWrapper executeUpdate = Advice.to(ExecuteUpdate.class).on(executeMethod(named("executeUpdate"))
                .and(returns(int.class)));
        AsmVisitorWrapper executeLargeUpdate = Advice.to(ExecuteLargeUpdate.class)
                .on(executeMethod(named("executeLargeUpdate")).and(returns(long.class)));
        AsmVisitorWrapper executeBatch = Advice.to(ExecuteBatch.class)
                .on(jdbcMethod(namedOneOf("executeBatch", "executeLargeBatch")).and(takesNoArguments()));
        // A plain statement's batch has no SQL of its own: name it after the first one added.
        AsmVisitorWrapper addBatch = Advice.to(AddBatch.class).on(jdbcMethod(named("addBatch"))
                .and(takesArguments(String.class)));
        // Frees the statement's slot in the thread's ring.
        AsmVisitorWrapper close = Advice.to(Close.class).on(jdbcMethod(named("close")).and(takesNoArguments()));
        return builder
                .type(types.implementing(JdbcTypes.CONNECTION))
                .transform((type, description, loader, module, domain) -> type.visit(prepare).visit(create))
                .type(types.implementing(JdbcTypes.STATEMENT, HIKARI_PROXIES))
                .transform((type, description, loader, module, domain) -> type.visit(execute).visit(executeUpdate)
                        .visit(executeLargeUpdate).visit(executeBatch).visit(addBatch).visit(close));
    }

    /** Public methods with a body: the JDBC API's implementations, not a driver's internals. */
    private static ElementMatcher.Junction<MethodDescription> jdbcMethod(ElementMatcher<? super MethodDescription> name) {
        return isPublic().and(not(isAbstract())).and(name);
    }

    /** {@code execute*()} of a PreparedStatement, or {@code execute*(String sql, …)} of a Statement. */
    private static ElementMatcher.Junction<MethodDescription> executeMethod(ElementMatcher<? super MethodDescription> name) {
        return jdbcMethod(name).and(takesNoArguments().or(takesArgument(0, String.class)));
    }

    /** {@code Connection.prepareStatement(sql, …)} and {@code prepareCall(sql, …)}. */
    static final class Prepare {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static boolean enter() {
            return Hooks.statements.creating();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object connection, @Advice.Argument(0) String sql,
                @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object statement, @Advice.Enter boolean outermost,
                @Advice.Thrown Throwable thrown) {
            Hooks.statements.created(connection, statement, sql, outermost, thrown);
        }
    }

    /** {@code Connection.createStatement(…)}. */
    static final class Create {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static boolean enter() {
            return Hooks.statements.creating();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object connection, @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object statement,
                @Advice.Enter boolean outermost, @Advice.Thrown Throwable thrown) {
            Hooks.statements.created(connection, statement, null, outermost, thrown);
        }
    }

    /** {@code execute} and {@code executeQuery}: no update count to report. */
    static final class Execute {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return Hooks.statements.executing();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object statement, @Advice.Argument(value = 0, optional = true) String sql,
                @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
            Hooks.statements.executed(statement, sql, start, thrown, -1L);
        }
    }

    /** {@code executeUpdate}: an {@code int} update count. */
    static final class ExecuteUpdate {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return Hooks.statements.executing();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object statement, @Advice.Argument(value = 0, optional = true) String sql,
                @Advice.Enter long start, @Advice.Thrown Throwable thrown, @Advice.Return int rows) {
            Hooks.statements.executed(statement, sql, start, thrown, rows);
        }
    }

    /** {@code executeLargeUpdate}: a {@code long} update count. */
    static final class ExecuteLargeUpdate {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return Hooks.statements.executing();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object statement, @Advice.Argument(value = 0, optional = true) String sql,
                @Advice.Enter long start, @Advice.Thrown Throwable thrown, @Advice.Return long rows) {
            Hooks.statements.executed(statement, sql, start, thrown, rows);
        }
    }

    /** {@code executeBatch} and {@code executeLargeBatch}: one execution, an array of update counts. */
    static final class ExecuteBatch {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return Hooks.statements.executing();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object statement, @Advice.Enter long start, @Advice.Thrown Throwable thrown,
                @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object updateCounts) {
            Hooks.statements.executedBatch(statement, start, thrown, updateCounts);
        }
    }

    /** {@code Statement.addBatch(sql)}. */
    static final class AddBatch {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object statement, @Advice.Argument(0) String sql) {
            Hooks.statements.batchAdded(statement, sql);
        }
    }

    /** {@code Statement.close()}. */
    static final class Close {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object statement) {
            Hooks.statements.closed(statement);
        }
    }
}
