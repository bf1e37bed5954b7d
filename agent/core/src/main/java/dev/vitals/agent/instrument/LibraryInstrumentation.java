package dev.vitals.agent.instrument;

import java.util.List;
import java.util.Set;

/**
 * One instrumented library: which classes (matched by name, so the agent never bundles the
 * library) and which hooks. Implementations are {@code XxxInstrumentation} classes holding
 * type matching and their {@link MethodHook}s only.
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
     * {@link #targets(Class)} and {@link #hooks(ClassCandidate)}.
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

    /**
     * Internal names ({@code com/zaxxer/hikari/pool/HikariPool}) of the classes this instrumentation
     * matches by exact name: they reach the weaver on their name alone (see {@link ClassFileMarkers}).
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

    /**
     * The hooks to weave into {@code type}, or none when it is not a target. Called for every class
     * that passes {@link ClassFileMarkers}, on the thread loading it: decide from the header, cheaply.
     */
    List<MethodHook> hooks(ClassCandidate type);
}
