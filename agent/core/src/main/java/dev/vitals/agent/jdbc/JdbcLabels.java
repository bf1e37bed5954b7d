package dev.vitals.agent.jdbc;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.util.List;

/**
 * Names the data source a connection or a {@code DataSource} belongs to, as the API shows it: a
 * HikariCP pool by its {@code poolName}, anything else by its JDBC URL, scrubbed of credentials
 * and parameters ({@code postgresql://db:5432/shop}, {@code h2:mem:orders}).
 *
 * <p>Threading: stateless. These are slow paths (reflection, a driver call): the recorders call
 * them once per physical connection or data source, on the application thread that first uses it.
 * They never throw; what cannot be read falls back to the class's simple name.
 */
final class JdbcLabels {

    /** Where HikariCP's connection and statement proxies live. */
    static final String HIKARI_POOL_PACKAGE = "com.zaxxer.hikari.pool.";

    /** No-argument getters that data sources of the common pools and drivers expose their URL through. */
    private static final List<String> URL_GETTERS = List.of("getJdbcUrl", "getUrl", "getURL");

    private JdbcLabels() {
    }

    /*
     * The last class found to be, and not to be, one of HikariCP's proxies: the prepare path asks
     * about the same one or two classes every time, and a reference compare is ~1 ns where the
     * name compare was ~13 (async-profiler, borrow + prepared select). Plain fields: a thread that
     * reads a stale one only does the name compare. They hold application classes, which is fine:
     * they go with our class loader on detach.
     */
    private static Class<?> lastProxyClass;
    private static Class<?> lastOtherClass;

    /** Whether {@code object} is one of HikariCP's proxies: a connection lent out by a pool, or a statement made on one. */
    static boolean isHikariProxy(Object object) {
        Class<?> type = object.getClass();
        if (type == lastProxyClass) {
            return true;
        }
        if (type == lastOtherClass) {
            return false;
        }
        boolean proxy = type.getName().startsWith(HIKARI_POOL_PACKAGE);
        if (proxy) {
            lastProxyClass = type;
        } else {
            lastOtherClass = type;
        }
        return proxy;
    }

    /**
     * The {@code poolName} of the HikariCP pool that lent out {@code proxy} (a
     * {@code ProxyConnection}: its {@code poolEntry}'s {@code hikariPool}'s {@code poolName}, the
     * same in HikariCP 4 to 7), or null when it cannot be read.
     */
    static String poolName(Object proxy) {
        try {
            Object entry = field(proxy, "poolEntry");
            Object pool = entry == null ? null : field(entry, "hikariPool");
            Object name = pool == null ? null : field(pool, "poolName");
            return name instanceof String ? (String) name : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // a HikariCP we do not know, or one in a named module: the URL will do
        }
    }

    /** The label of a physical connection: its JDBC URL, from the driver's metadata. */
    static String forConnection(Object connection) {
        try {
            if (connection instanceof Connection) {
                String url = ((Connection) connection).getMetaData().getURL();
                if (url != null) {
                    return forUrl(url);
                }
            }
        } catch (Exception | LinkageError e) {
            // Closed, or a driver without metadata: named by class below.
        }
        return connection.getClass().getSimpleName();
    }

    /** The label of a data source: its URL property when it has one, else its class's simple name. */
    static String forDataSource(Object dataSource) {
        for (String getter : URL_GETTERS) {
            try {
                Method method = dataSource.getClass().getMethod(getter);
                if (method.getReturnType() == String.class) {
                    Object url = method.invoke(dataSource);
                    if (url instanceof String && !((String) url).isBlank()) {
                        return forUrl((String) url);
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // Not this getter; try the next.
            }
        }
        return dataSource.getClass().getSimpleName();
    }

    /**
     * A JDBC URL as a label: credentials removed ({@link JdbcUrls#scrub}), then the {@code jdbc:}
     * prefix and every parameter ({@code ?…}, {@code ;…}) dropped, which leaves the driver, host
     * and database: {@code jdbc:postgresql://u:p@db:5432/shop?ssl=true} gives
     * {@code postgresql://db:5432/shop}.
     */
    static String forUrl(String url) {
        String label = JdbcUrls.scrub(url.trim());
        if (label.regionMatches(true, 0, "jdbc:", 0, 5)) {
            label = label.substring(5);
        }
        int cut = label.length();
        for (char separator : new char[] {'?', ';'}) {
            int at = label.indexOf(separator);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        label = label.substring(0, cut);
        return label.isEmpty() ? "(no url)" : label;
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(target);
            } catch (NoSuchFieldException e) {
                // Declared higher up.
            }
        }
        throw new NoSuchFieldException(target.getClass().getName() + "." + name);
    }
}
