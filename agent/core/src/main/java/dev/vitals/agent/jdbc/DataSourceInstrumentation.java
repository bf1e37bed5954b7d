package dev.vitals.agent.jdbc;

import java.util.List;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import dev.vitals.agent.bridge.Hooks;
import dev.vitals.agent.instrument.LibraryInstrumentation;
import java.util.Set;
import javax.sql.DataSource;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code javax.sql.DataSource.getConnection()} of every data source but HikariCP's: DBCP2, Tomcat
 * JDBC, c3p0, drivers' own data sources, the application's wrappers.
 *
 * <p>HikariCP's data sources ({@code HikariDataSource}, and the {@code DriverDataSource} it opens
 * connections through) and its connection set-up ({@code PoolBase.newConnection}) get a different
 * advice that only marks the thread, so that a proxy around a Hikari pool is not counted a second
 * time and the connections a pool opens are not counted as borrows: the pool hook has both. The
 * data sources' mark ({@link PoolBorrow}) is on every Hikari borrow, so it is skipped, for one
 * volatile read, until some other data source has been used.
 * Matched by hierarchy on the interface name; interfaces skipped, abstract classes kept (a concrete
 * data source may inherit {@code getConnection}).
 */
public final class DataSourceInstrumentation implements LibraryInstrumentation {

    static final String DATA_SOURCE = "javax.sql.DataSource";
    private static final String HIKARI = "com.zaxxer.hikari.";
    /** HikariCP's classes whose {@code getConnection} / connection set-up belong to the pool. */
    private static final String HIKARI_DATA_SOURCE = "com.zaxxer.hikari.HikariDataSource";
    private static final String HIKARI_DRIVER_DATA_SOURCE = "com.zaxxer.hikari.util.DriverDataSource";
    private static final String HIKARI_POOL_BASE = "com.zaxxer.hikari.pool.PoolBase";

    private final JdbcTypes types;

    /** @param types the JDBC type matcher, shared with {@link StatementInstrumentation} */
    public DataSourceInstrumentation(JdbcTypes types) {
        this.types = types;
    }

    @Override
    public Set<String> targetClassNames() {
        return Set.of(HIKARI_DATA_SOURCE.replace('.', '/'), HIKARI_DRIVER_DATA_SOURCE.replace('.', '/'),
                HIKARI_POOL_BASE.replace('.', '/'));
    }

    @Override
    public List<String> classFileMarkers() {
        // A DataSource implementor names the interface, or (a subclass) the Connection it returns.
        return List.of("javax/sql/DataSource", "java/sql/Connection");
    }

    @Override
    public String name() {
        return "datasource";
    }

    @Override
    public String targetDescription() {
        return "a " + DATA_SOURCE + " implementation";
    }

    @Override
    public boolean targets(Class<?> type) {
        return targets(type.getName()) || (!type.isInterface() && (JdbcTypes.kinds(type) & JdbcTypes.DATA_SOURCE) != 0);
    }

    @Override
    public boolean targets(TypeDescription type) {
        return targets(type.getName()) || (!type.isInterface() && type.isAssignableTo(DataSource.class));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        // Made once, not per transformed class: Advice.to reads and parses the advice class.
        // The two ways to ask a data source for a connection.
        AsmVisitorWrapper getConnection = Advice.to(GetConnection.class).on(getConnection());
        AsmVisitorWrapper poolBorrow = Advice.to(PoolBorrow.class).on(getConnection());
        // Every physical connection a pool opens goes through here (HikariCP 4 to 7).
        AsmVisitorWrapper newConnection = Advice.to(Delegate.class).on(named("newConnection"));
        return builder
                .type(types.implementing(JdbcTypes.DATA_SOURCE, HIKARI))
                .transform((type, description, loader, module, domain) -> type.visit(getConnection))
                .type(namedOneOf(HIKARI_DATA_SOURCE, HIKARI_DRIVER_DATA_SOURCE))
                .transform((type, description, loader, module, domain) -> type.visit(poolBorrow))
                .type(named(HIKARI_POOL_BASE))
                .transform((type, description, loader, module, domain) -> type.visit(newConnection));
    }

    private static ElementMatcher.Junction<MethodDescription> getConnection() {
        return isPublic().and(not(isAbstract())).and(named("getConnection"))
                .and(takesNoArguments().or(takesArguments(String.class, String.class)));
    }

    /** Times the outermost {@code getConnection}. */
    static final class GetConnection {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return Hooks.dataSources.connecting();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object dataSource, @Advice.Enter long start, @Advice.Thrown Throwable thrown) {
            Hooks.dataSources.connected(dataSource, start, thrown);
        }
    }

    /** Marks a HikariCP data source's call, when another data source's call may be around it. */
    static final class PoolBorrow {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static boolean enter() {
            return Hooks.dataSources.poolBorrowing();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter boolean marked) {
            if (marked) {
                Hooks.dataSources.poolBorrowed();
            }
        }
    }

    /** Marks a call as HikariCP's own. */
    static final class Delegate {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            Hooks.dataSources.delegating();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit() {
            Hooks.dataSources.delegated();
        }
    }
}
