package dev.vitals.agent.instrument;

import java.util.List;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;

/**
 * One instrumented library: which classes (matched by name, so the agent never bundles the
 * library) and which advice. Implementations are {@code XxxInstrumentation} classes holding
 * matchers and nested advice only.
 */
public interface LibraryInstrumentation {

    /** Short name shown in {@code /api/v1/health}, such as {@code hikaricp}. */
    String name();

    /**
     * What must be loaded for this to apply, for the "skipped" reason; by default the classes of
     * {@link #targetClassNames()}.
     */
    default String targetDescription() {
        return String.join(" or ", targetClassNames().stream().map(name -> name.replace('/', '.')).sorted().toList());
    }

    /**
     * Whether {@code typeName} (dotted) is one of the targets matched by name; by default, whether
     * it is in {@link #targetClassNames()}. Targets matched by hierarchy answer through
     * {@link #targets(Class)} and {@link #targets(TypeDescription)}.
     */
    default boolean targets(String typeName) {
        return targetClassNames().contains(typeName.replace('.', '/'));
    }

    /**
     * Whether the loaded class {@code type} is a target, to retransform it; by name unless the
     * instrumentation matches by type hierarchy (all implementors of an interface).
     */
    default boolean targets(Class<?> type) {
        return targets(type.getName());
    }

    /** Whether {@code type}, just transformed, is a target (for its health status); by name unless matched by hierarchy. */
    default boolean targets(TypeDescription type) {
        return targets(type.getName());
    }

    /**
     * Internal names ({@code com/zaxxer/hikari/pool/HikariPool}) of the classes this instrumentation
     * matches by exact name: they reach Byte Buddy on their name alone (see {@link ClassFileMarkers}).
     */
    default Set<String> targetClassNames() {
        return Set.of();
    }

    /**
     * For targets matched by type hierarchy (all JDBC implementors): internal-name fragments
     * ({@code java/sql/Statement}) at least one of which every such target's class file contains;
     * see {@link ClassFileMarkers}. Empty when every target is in {@link #targetClassNames()}.
     */
    default List<String> classFileMarkers() {
        return List.of();
    }

    /** Adds this instrumentation's type matchers and advice. */
    AgentBuilder extend(AgentBuilder builder);
}
