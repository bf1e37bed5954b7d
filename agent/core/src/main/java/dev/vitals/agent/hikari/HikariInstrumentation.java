package dev.vitals.agent.hikari;

import java.util.Set;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.vitals.agent.bridge.Hooks;
import dev.vitals.agent.bridge.PoolListener;
import dev.vitals.agent.instrument.LibraryInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * HikariCP 4.x–7.x: every {@code HikariPool}, through HikariCP's own metrics SPI.
 *
 * <p>We never time the borrow path ourselves. HikariCP measures acquire time, usage time,
 * creation time and timeouts for whatever {@code MetricsTrackerFactory} the pool has; we hand it
 * one that chains the application's (see {@code VitalsTrackerFactory}). Types are matched by
 * name and advice uses {@link Object} for HikariCP types, so the agent core never loads HikariCP.
 */
public final class HikariInstrumentation implements LibraryInstrumentation {

    static final String POOL = "com.zaxxer.hikari.pool.HikariPool";

    @Override
    public String name() {
        return "hikaricp";
    }

    @Override
    public Set<String> targetClassNames() {
        return Set.of("com/zaxxer/hikari/pool/HikariPool");
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder.type(named(POOL)).transform((type, description, loader, module, domain) -> type
                // Every pool constructor ends in setMetricsTrackerFactory (directly, or through
                // setMetricRegistry): the seam where a pool's tracker is chosen.
                .visit(Advice.to(InstallTracker.class).on(named("setMetricsTrackerFactory").and(takesArguments(1))))
                // The only method every borrow passes through; here only to find pools that
                // existed before we did (one identity check per borrow once a pool is known).
                .visit(Advice.to(Discover.class).on(named("getConnection").and(takesArguments(long.class))))
                .visit(Advice.to(Shutdown.class).on(named("shutdown").and(takesArguments(0)))));
    }

    /** Swaps the factory HikariCP is about to install for ours, which chains it. */
    static final class InstallTracker {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object pool,
                @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object factory) {
            factory = Hooks.pools.trackerFactory(pool, factory);
        }
    }

    /** Reports the pool so that one created before the agent is found on its next borrow. */
    static final class Discover {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object pool) {
            PoolListener listener = Hooks.pools;
            listener.borrowing(pool);
        }
    }

    /** Marks the pool closed. */
    static final class Shutdown {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object pool) {
            Hooks.pools.closed(pool);
        }
    }
}
