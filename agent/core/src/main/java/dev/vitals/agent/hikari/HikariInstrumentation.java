package dev.vitals.agent.hikari;

import static dev.vitals.agent.instrument.MethodHook.named;
import static dev.vitals.agent.instrument.MethodHook.takes;
import static dev.vitals.agent.instrument.MethodHook.takesCount;

import dev.vitals.agent.instrument.ClassCandidate;
import dev.vitals.agent.instrument.LibraryInstrumentation;
import dev.vitals.agent.instrument.MethodHook;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.Type;

/**
 * HikariCP 4.x–7.x: every {@code HikariPool}, through HikariCP's own metrics SPI.
 *
 * <p>We never time the borrow path ourselves. HikariCP measures acquire time, usage time,
 * creation time and timeouts for whatever {@code MetricsTrackerFactory} the pool has; we hand it
 * one that chains the application's (see {@code VitalsTrackerFactory}). Types are matched by
 * name and hooks pass HikariCP's objects as {@link Object}, so the agent core never loads HikariCP.
 */
public final class HikariInstrumentation implements LibraryInstrumentation {

    static final String POOL = "com.zaxxer.hikari.pool.HikariPool";
    private static final String POOL_INTERNAL = "com/zaxxer/hikari/pool/HikariPool";
    private static final String LISTENER = "PoolListener";

    private static final List<MethodHook> HOOKS = List.of(
            // Every pool constructor ends in setMetricsTrackerFactory (directly, or through
            // setMetricRegistry): the seam where a pool's tracker is chosen. Ours replaces the
            // factory HikariCP is about to install, and chains it.
            MethodHook.on(named("setMetricsTrackerFactory").and(takesCount(1)))
                    .withEnter(Type.VOID_TYPE, code -> code.listener("pools", LISTENER).loadThis().loadArgument(0)
                            .call(LISTENER, "trackerFactory", "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;")
                            .storeArgument(0)),
            // The only method every borrow passes through; here only to find pools that existed
            // before we did (one identity check per borrow once a pool is known).
            MethodHook.on(named("getConnection").and(takes("J")))
                    .withEnter(Type.VOID_TYPE, code -> code.listener("pools", LISTENER).loadThis()
                            .call(LISTENER, "borrowing", "(Ljava/lang/Object;)V")),
            // Marks the pool closed.
            MethodHook.on(named("shutdown").and(takes()))
                    .withEnter(Type.VOID_TYPE, code -> code.listener("pools", LISTENER).loadThis()
                            .call(LISTENER, "closed", "(Ljava/lang/Object;)V")));

    @Override
    public String name() {
        return "hikaricp";
    }

    @Override
    public Set<String> targetClassNames() {
        return Set.of(POOL_INTERNAL);
    }

    @Override
    public List<MethodHook> hooks(ClassCandidate type) {
        return type.internalName().equals(POOL_INTERNAL) ? HOOKS : List.of();
    }
}
