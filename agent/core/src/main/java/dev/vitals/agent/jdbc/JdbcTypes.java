package dev.vitals.agent.jdbc;

import dev.vitals.agent.instrument.ClassCandidate;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.objectweb.asm.ClassReader;

/**
 * Tells which JDBC interfaces a class implements, cheaply enough to ask for every class the
 * application loads: the type matcher of the JDBC instrumentations.
 *
 * <p>A general matcher on super types (Byte Buddy's {@code hasSuperType}, which the agent used
 * before) resolves a class's whole hierarchy, reading the class file of every super type —
 * {@code java.lang.Object} and the JDK's interfaces included — for each class loaded and each
 * matcher; loading the sample app's 2,900 classes took seconds longer. Here:
 * <ul>
 *   <li>the JDK's types are recognised by name and never read: no JDK type outside
 *       {@link #JDBC_INTERFACES} is a subtype of those an application class could inherit through
 *       ({@code java.sql} and {@code javax.sql} declare the sub-interfaces, listed there);</li>
 *   <li>the answer for every other type is remembered per class loader, so a super type's class
 *       file is read at most once (a super type is usually matched itself, when it loads, before
 *       any of its subtypes), and one walk serves the three matchers;</li>
 *   <li>classes being retransformed (already loaded) are answered by reflection.</li>
 * </ul>
 *
 * <p>Concurrency: called on whichever thread loads a class; the per-loader maps are concurrent,
 * found in a weak map under its lock. Memory: at most {@link #MAX_REMEMBERED} names per class
 * loader (then that loader's map starts over), and a collected loader's map goes with it.
 */
public final class JdbcTypes {

    static final int CONNECTION = 1;
    static final int STATEMENT = 2;
    static final int DATA_SOURCE = 4;

    /** The JDBC interfaces, with every JDK sub-interface of them, and what they count as. */
    private static final Map<String, Integer> JDBC_INTERFACES = Map.of(
            "java/sql/Connection", CONNECTION,
            "java/sql/Statement", STATEMENT,
            "java/sql/PreparedStatement", STATEMENT,
            "java/sql/CallableStatement", STATEMENT,
            "javax/sql/DataSource", DATA_SOURCE);

    /** Type names remembered per class loader (about 100 bytes each); past this the loader's map starts over. */
    static final int MAX_REMEMBERED = 4_096;

    /** Super types followed at most. */
    private static final int MAX_DEPTH = 16;

    // Guarded by itself. The bootstrap loader is the null key.
    private final Map<ClassLoader, Map<String, Integer>> remembered = new WeakHashMap<>();

    /**
     * Whether {@code type} is a class (not an interface) implementing one of {@code kinds}, and its
     * name does not start with {@code skipped} (an internal-name prefix, or {@code null}).
     */
    boolean implementing(ClassCandidate type, int kinds, String skipped) {
        return !type.isInterface() && (skipped == null || !type.internalName().startsWith(skipped))
                && (kinds(type) & kinds) != 0;
    }

    /** The JDBC kinds of a loaded class, by reflection. */
    static int kinds(Class<?> type) {
        return (Connection.class.isAssignableFrom(type) ? CONNECTION : 0)
                | (Statement.class.isAssignableFrom(type) ? STATEMENT : 0)
                | (DataSource.class.isAssignableFrom(type) ? DATA_SOURCE : 0);
    }

    int kinds(ClassCandidate type) {
        if (type.loaded() != null) {
            return kinds(type.loaded());
        }
        Map<String, Integer> known;
        synchronized (remembered) {
            known = remembered.computeIfAbsent(type.loader(), any -> new ConcurrentHashMap<>());
        }
        // Asked once per instrumentation of a class being defined: the first walk answers the others.
        Integer cached = known.get(type.internalName());
        if (cached != null) {
            return cached;
        }
        int kinds = superKinds(type.superName(), type.interfaces(), type.loader(), known, 0);
        remember(known, type.internalName(), kinds);
        return kinds;
    }

    private static int superKinds(String superName, String[] interfaces, ClassLoader loader, Map<String, Integer> known,
            int depth) {
        int kinds = 0;
        for (String declared : interfaces) {
            kinds |= kinds(declared, loader, known, depth + 1);
        }
        if (superName != null) {
            kinds |= kinds(superName, loader, known, depth + 1);
        }
        return kinds;
    }

    /** The kinds of a super type, known by its internal name: from its class file's header. */
    private static int kinds(String name, ClassLoader loader, Map<String, Integer> known, int depth) {
        Integer jdbc = JDBC_INTERFACES.get(name);
        if (jdbc != null) {
            return jdbc;
        }
        if (isJdk(name) || depth > MAX_DEPTH || loader == null) {
            return 0;
        }
        Integer cached = known.get(name);
        if (cached != null) {
            return cached;
        }
        int kinds = 0;
        try (InputStream in = loader.getResourceAsStream(name + ".class")) {
            if (in != null) {
                ClassReader header = new ClassReader(in);
                kinds = superKinds(header.getSuperName(), header.getInterfaces(), loader, known, depth);
            }
        } catch (IOException | RuntimeException unreadable) {
            // Unreadable or not a class file: not a JDBC type as far as we can tell.
        }
        remember(known, name, kinds);
        return kinds;
    }

    private static void remember(Map<String, Integer> known, String name, int kinds) {
        if (known.size() >= MAX_REMEMBERED) {
            known.clear();
        }
        known.put(name, kinds);
    }

    private static boolean isJdk(String name) {
        return name.startsWith("java/") || name.startsWith("javax/") || name.startsWith("jdk/")
                || name.startsWith("sun/") || name.startsWith("com/sun/");
    }
}
