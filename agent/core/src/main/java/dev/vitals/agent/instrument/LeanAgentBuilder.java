package dev.vitals.agent.instrument;

import java.util.Collections;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Byte Buddy's {@code AgentBuilder.Default} without the one default that costs the agent half a
 * second of start-up.
 *
 * <p>Why: the public constructors always build {@code InitializationStrategy.SelfInjection.Split},
 * whose construction initialises Byte Buddy's {@code NexusAccessor} and, through it,
 * {@code ClassInjector.UsingReflection}, which on Java 9+ <em>generates and loads a class</em> to
 * reach {@code defineClass}: that pulls in Byte Buddy's whole class-writing machinery (~500 classes)
 * and took 0.45–0.7 s of the 0.55–0.8 s the agent needed before an application's first pool or
 * cache could be instrumented (measured on the 2-core benchmark machine, docs/PERFORMANCE.md). We
 * never use self-injection — advice is inlined, nothing is added to a class — so we start from the
 * {@link AgentBuilder.InitializationStrategy.NoOp} the agent sets anyway, through the protected
 * constructor, and everything else at Byte Buddy's own defaults (as its public constructor sets
 * them in the version we shade, but for one that only {@code installOn} reads). {@code Instrumenter} then configures it as before.
 */
final class LeanAgentBuilder extends AgentBuilder.Default {

    LeanAgentBuilder(ByteBuddy byteBuddy) {
        super(byteBuddy,
                AgentBuilder.Listener.NoOp.INSTANCE,
                new AgentBuilder.CircularityLock.Default(),
                AgentBuilder.PoolStrategy.Default.FAST,
                AgentBuilder.TypeStrategy.Default.REBASE,
                AgentBuilder.LocationStrategy.ForClassLoader.STRONG,
                ClassFileLocator.NoOp.INSTANCE,
                NativeMethodStrategy.Disabled.INSTANCE,
                WarmupStrategy.NoOp.INSTANCE,
                AgentBuilder.TransformerDecorator.NoOp.INSTANCE,
                AgentBuilder.InitializationStrategy.NoOp.INSTANCE,
                AgentBuilder.RedefinitionStrategy.DISABLED,
                AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.SinglePass.INSTANCE,
                AgentBuilder.RedefinitionStrategy.BatchAllocator.ForTotal.INSTANCE,
                AgentBuilder.RedefinitionStrategy.Listener.NoOp.INSTANCE,
                // Byte Buddy's default here (ResubmissionStrategy.Disabled) is a type we may not
                // name; only installOn reads it, and the agent never calls installOn (makeRaw).
                null,
                AgentBuilder.InjectionStrategy.UsingReflection.INSTANCE,
                AgentBuilder.LambdaInstrumentationStrategy.DISABLED,
                AgentBuilder.DescriptionStrategy.Default.HYBRID,
                AgentBuilder.FallbackStrategy.ByThrowableType.ofOptionalTypes(),
                AgentBuilder.ClassFileBufferStrategy.Default.RETAINING,
                AgentBuilder.InstallationListener.NoOp.INSTANCE,
                // Replaced by Instrumenter's own ignore(); this only stands in until then.
                new AgentBuilder.RawMatcher.ForElementMatchers(ElementMatchers.none()),
                Collections.emptyList());
    }
}
