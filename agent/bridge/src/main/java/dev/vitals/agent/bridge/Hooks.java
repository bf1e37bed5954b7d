package dev.vitals.agent.bridge;

/**
 * The one class that code we instrument may reference. It lives on the bootstrap class path, so
 * advice inlined into a class of any class loader (flat class path, Spring Boot's nested jars,
 * an application server's modules) resolves it.
 *
 * <p>Everything here uses JDK types only: the agent core and the libraries we watch
 * are invisible from the bootstrap loader. The agent core installs its recorders into the
 * {@code static volatile} fields once it has started and puts the no-op recorders back on
 * detach, so a class we transformed that is still running after a detach costs one volatile read
 * and a call to an empty method.
 *
 * <p>Concurrency: the fields are written by the agent's start and stop threads only and read by
 * application threads; {@code volatile} is the whole contract. Readers must load a field once
 * into a local and use that, never read it twice.
 */
public final class Hooks {

    /**
     * The bridge's shape. A JVM keeps the first bridge it was given for its lifetime (the
     * bootstrap class path cannot shrink), so an agent attaching after a detach checks that the
     * bridge already there is the one it was built against, and refuses to start otherwise.
     */
    public static final int VERSION = 2;

    /** HikariCP pools: installed by the agent core, {@link PoolListener#NONE} otherwise. */
    public static volatile PoolListener pools = PoolListener.NONE;

    /** JDBC statements: installed by the agent core, {@link StatementListener#NONE} otherwise. */
    public static volatile StatementListener statements = StatementListener.NONE;

    /** Data sources other than HikariCP's: installed by the agent core, {@link DataSourceListener#NONE} otherwise. */
    public static volatile DataSourceListener dataSources = DataSourceListener.NONE;

    /** Caffeine caches: installed by the agent core, {@link CacheListener#NONE} otherwise. */
    public static volatile CacheListener caches = CacheListener.NONE;

    private Hooks() {
    }
}
