package dev.vitals.agent.jdbc;

import java.sql.Wrapper;
import java.util.List;
import java.util.Optional;

/**
 * Finds the code that issued a statement: the first frame on the current stack that belongs to
 * neither the JDK, nor Vitals, nor a JDBC driver, pool or data-access framework — so a slow query
 * names {@code OrderRepository.findRecent(OrderRepository.java:88)} rather than
 * {@code JdbcTemplate.query}.
 *
 * <p>Threading: stateless. It walks the calling thread's stack, which costs microseconds: call it
 * only for executions that were already slow.
 */
final class ApplicationFrames {

    /**
     * Packages that are not the application: the JDK, Vitals, and the JDBC drivers, pools, proxies
     * and data-access frameworks a statement passes through on its way from application code.
     */
    private static final List<String> LIBRARY_PREFIXES = List.of(
            "java.", "javax.", "jakarta.", "jdk.", "sun.", "com.sun.", "dev.vitals.agent.",
            // pools and JDBC proxies
            "com.zaxxer.hikari.", "org.apache.commons.dbcp", "org.apache.tomcat.jdbc.", "com.mchange.",
            "com.p6spy.", "net.ttddyy.", "io.opentelemetry.",
            // data-access frameworks
            "org.springframework.jdbc.", "org.springframework.orm.", "org.springframework.dao.",
            "org.springframework.transaction.", "org.hibernate.", "org.jooq.", "org.apache.ibatis.",
            "org.mybatis.", "org.jdbi.",
            // drivers
            "org.h2.", "org.postgresql.", "com.mysql.", "org.mariadb.", "oracle.jdbc.",
            "com.microsoft.sqlserver.", "org.sqlite.", "org.hsqldb.", "org.apache.derby.");

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private ApplicationFrames() {
    }

    /** {@code class.method(File.java:line)} of the first application frame, or null if there is none. */
    static String first() {
        Optional<String> frame = WALKER.walk(frames -> frames
                .filter(f -> isApplication(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName()
                        + "(" + (f.getFileName() == null ? "Unknown Source" : f.getFileName())
                        + (f.getLineNumber() > 0 ? ":" + f.getLineNumber() : "") + ")"));
        return frame.orElse(null);
    }

    /** Whether {@code type} is application code: not in a library package, and no JDBC object (a wrapper of the application's own). */
    static boolean isApplication(Class<?> type) {
        String name = type.getName();
        for (String prefix : LIBRARY_PREFIXES) {
            if (name.startsWith(prefix)) {
                return false;
            }
        }
        // Connections, statements, result sets and data sources the application wraps itself.
        return !Wrapper.class.isAssignableFrom(type);
    }
}
