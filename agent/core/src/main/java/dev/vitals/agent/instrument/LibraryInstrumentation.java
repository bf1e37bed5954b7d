package dev.vitals.agent.instrument;

import java.util.List;
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

    /** What must be loaded for this to apply, for the "skipped" reason. */
    String targetDescription();

    /** Whether {@code typeName} is one of this instrumentation's targets. */
    boolean targets(String typeName);

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
     * Internal-name fragments ({@code java/sql/}, {@code com/zaxxer/hikari/pool/HikariPool}) at
     * least one of which every target's class file contains; see {@link ClassFileMarkers}.
     */
    List<String> classFileMarkers();

    /** Adds this instrumentation's type matchers and advice. */
    AgentBuilder extend(AgentBuilder builder);
}
