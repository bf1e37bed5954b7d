package dev.vitals.agent.jdbc;

import static dev.vitals.agent.instrument.MethodHook.isPublic;
import static dev.vitals.agent.instrument.MethodHook.named;
import static dev.vitals.agent.instrument.MethodHook.takes;

import dev.vitals.agent.instrument.ClassCandidate;
import dev.vitals.agent.instrument.LibraryInstrumentation;
import dev.vitals.agent.instrument.MethodHook;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * {@code javax.sql.DataSource.getConnection()} of every data source but HikariCP's: DBCP2, Tomcat
 * JDBC, c3p0, drivers' own data sources, the application's wrappers.
 *
 * <p>HikariCP's data sources ({@code HikariDataSource}, and the {@code DriverDataSource} it opens
 * connections through) and its connection set-up ({@code PoolBase.newConnection}) get a different
 * hook that only marks the thread, so that a proxy around a Hikari pool is not counted a second
 * time and the connections a pool opens are not counted as borrows: the pool hook has both. The
 * data sources' mark ({@link PoolBorrow}) is on every Hikari borrow, so it is skipped, for one
 * volatile read, until some other data source has been used.
 * Matched by hierarchy on the interface name; interfaces skipped, abstract classes kept (a concrete
 * data source may inherit {@code getConnection}).
 */
public final class DataSourceInstrumentation implements LibraryInstrumentation {

    static final String DATA_SOURCE = "javax.sql.DataSource";
    private static final String HIKARI = "com/zaxxer/hikari/";
    /** HikariCP's classes whose {@code getConnection} / connection set-up belong to the pool. */
    private static final String HIKARI_DATA_SOURCE = "com/zaxxer/hikari/HikariDataSource";
    private static final String HIKARI_DRIVER_DATA_SOURCE = "com/zaxxer/hikari/util/DriverDataSource";
    private static final String HIKARI_POOL_BASE = "com/zaxxer/hikari/pool/PoolBase";
    private static final String LISTENER = "DataSourceListener";

    /** The two ways to ask a data source for a connection. */
    private static final MethodHook.Matcher GET_CONNECTION = isPublic().and(named("getConnection"))
            .and(takes().or(takes("Ljava/lang/String;", "Ljava/lang/String;")));

    /** Times the outermost {@code getConnection}. */
    private static final List<MethodHook> TIMED = List.of(MethodHook.on(GET_CONNECTION)
            .withEnter(Type.LONG_TYPE, code -> code.listener("dataSources", LISTENER)
                    .call(LISTENER, "connecting", "()J").storeEnter())
            .withExitOnThrowable(code -> code.listener("dataSources", LISTENER).loadThis().loadEnter().loadThrown()
                    .call(LISTENER, "connected", "(Ljava/lang/Object;JLjava/lang/Throwable;)V")));

    /** Marks a HikariCP data source's call, when another data source's call may be around it. */
    private static final List<MethodHook> POOL_BORROW = List.of(MethodHook.on(GET_CONNECTION)
            .withEnter(Type.BOOLEAN_TYPE, code -> code.listener("dataSources", LISTENER)
                    .call(LISTENER, "poolBorrowing", "()Z").storeEnter())
            .withExitOnThrowable(code -> {
                Label unmarked = new Label();
                code.loadEnter().jump(Opcodes.IFEQ, unmarked)
                        .listener("dataSources", LISTENER).call(LISTENER, "poolBorrowed", "()V")
                        .mark(unmarked);
            }));

    /** Marks a call as HikariCP's own: every physical connection a pool opens (HikariCP 4 to 7). */
    private static final List<MethodHook> DELEGATE = List.of(MethodHook.on(named("newConnection"))
            .withEnter(Type.VOID_TYPE, code -> code.listener("dataSources", LISTENER).call(LISTENER, "delegating", "()V"))
            .withExitOnThrowable(code -> code.listener("dataSources", LISTENER).call(LISTENER, "delegated", "()V")));

    private final JdbcTypes types;

    /** @param types the JDBC type matcher, shared with {@link StatementInstrumentation} */
    public DataSourceInstrumentation(JdbcTypes types) {
        this.types = types;
    }

    @Override
    public Set<String> targetClassNames() {
        return Set.of(HIKARI_DATA_SOURCE, HIKARI_DRIVER_DATA_SOURCE, HIKARI_POOL_BASE);
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
    public List<MethodHook> hooks(ClassCandidate type) {
        return switch (type.internalName()) {
            case HIKARI_DATA_SOURCE, HIKARI_DRIVER_DATA_SOURCE -> POOL_BORROW;
            case HIKARI_POOL_BASE -> DELEGATE;
            default -> types.implementing(type, JdbcTypes.DATA_SOURCE, HIKARI) ? TIMED : List.of();
        };
    }
}
