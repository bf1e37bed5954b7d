package dev.vitals.agent.instrument;

import dev.vitals.agent.logging.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Builds one Byte Buddy transformer for every {@link LibraryInstrumentation}, connects it behind
 * the entry's class gate (the only transformer the JVM knows of ours), retransforms the target
 * classes loaded before us, and undoes it all on detach: {@link #close()} disconnects the
 * transformer and retransforms what it changed, which restores the original bytes.
 *
 * <p>Classes are only ever changed in method bodies (advice), never in shape, which is what
 * retransformation allows and what makes the reset possible.
 *
 * <p>The state of each instrumentation ({@link HookStatus}) is kept for {@code /api/v1/health}:
 * {@code applied} once a target class was transformed, {@code failed} if a transformation threw,
 * {@code skipped} while the library is not loaded.
 *
 * <p>Concurrency: the transformer's listener runs on whichever thread loads a class; statuses
 * live in a concurrent map.
 */
public final class Instrumenter implements AutoCloseable {

    private final Instrumentation inst;
    private final Consumer<ClassFileTransformer> gate;
    private final List<LibraryInstrumentation> libraries;
    private final Map<String, HookStatus> statuses = new ConcurrentHashMap<>();
    /** Names of the classes we transformed, to restore on detach. */
    private final Set<String> transformed = ConcurrentHashMap.newKeySet();

    /**
     * @param gate connects a transformer behind the entry's class gate ({@code null} disconnects)
     */
    public Instrumenter(Instrumentation inst, Consumer<ClassFileTransformer> gate, List<LibraryInstrumentation> libraries) {
        this.inst = inst;
        this.gate = gate;
        this.libraries = List.copyOf(libraries);
        for (LibraryInstrumentation library : libraries) {
            statuses.put(library.name(), new HookStatus(library.name(), "skipped",
                    library.targetDescription() + " is not loaded in this JVM (yet)"));
        }
        AgentBuilder builder = new LeanAgentBuilder(new ByteBuddy().with(TypeValidation.DISABLED))
                // Advice only: no new fields or methods, so classes can be retransformed and reset.
                .disableClassFormatChanges()
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                // DECORATE: only our visitors (advice) run over the class file; Byte Buddy builds no
                // method graph of the type's hierarchy, which REDEFINE did for every JDBC class
                // (Connection and PreparedStatement declare ~100 methods each): a third less time
                // transforming, on the application's thread, at start-up.
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new StatusListener())
                // Never our own classes, nor Byte Buddy's (in any relocation), nor the JDK's.
                .ignore(ElementMatchers.nameStartsWith("dev.vitals.agent.")
                        .or(ElementMatchers.nameStartsWith("net.bytebuddy."))
                        .or(ElementMatchers.nameStartsWith("java."))
                        .or(ElementMatchers.nameStartsWith("jdk."))
                        .or(ElementMatchers.nameStartsWith("sun."))
                        .or(ElementMatchers.isSynthetic()));
        for (LibraryInstrumentation library : libraries) {
            builder = library.extend(builder);
        }
        // Not installOn: the gate is the registered transformer (see ClassGate in the entry).
        Set<String> names = new HashSet<>();
        List<String> markers = new ArrayList<>();
        libraries.forEach(library -> {
            names.addAll(library.targetClassNames());
            markers.addAll(library.classFileMarkers());
        });
        gate.accept(new ClassFileMarkers(names, markers, builder.makeRaw()));
        long scanStart = System.nanoTime();
        List<Class<?>> loaded = loadedTargets();
        long retransformStart = System.nanoTime();
        retransform(loaded);
        AgentLog.debug("found " + loaded.size() + " loaded target classes in " + (retransformStart - scanStart) / 1_000_000
                + " ms, retransformed them in " + (System.nanoTime() - retransformStart) / 1_000_000 + " ms");
    }

    /** Target classes already loaded (attach, or loaded while the core was starting). */
    private List<Class<?>> loadedTargets() {
        List<Class<?>> targets = new ArrayList<>();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (ownsLoaded(type) && inst.isModifiableClass(type)) {
                targets.add(type);
            }
        }
        return targets;
    }

    /**
     * All at once first: one call is one JVM operation (a safepoint, one pass of deoptimization)
     * where one per class cost an attach into an application with a few dozen JDBC and cache classes
     * a safepoint each. A batch fails whole if any class fails (the JVM then changes none of them),
     * so on failure each class is tried alone and only the failing ones are reported.
     */
    private void retransform(List<Class<?>> types) {
        if (types.isEmpty()) {
            return;
        }
        try {
            inst.retransformClasses(types.toArray(new Class<?>[0]));
            return;
        } catch (Exception | LinkageError e) {
            AgentLog.debug("retransforming " + types.size() + " classes at once failed (" + e + "); one at a time");
        }
        for (Class<?> type : types) {
            try {
                inst.retransformClasses(type);
            } catch (Exception | LinkageError e) {
                AgentLog.warn("cannot retransform " + type.getName() + ": " + e);
            }
        }
    }

    /** One entry per instrumentation, in a stable order. */
    public List<HookStatus> statuses() {
        List<HookStatus> result = new ArrayList<>();
        for (LibraryInstrumentation library : libraries) {
            result.add(statuses.get(library.name()));
        }
        return result;
    }

    /** Restores every transformed class (detach). */
    @Override
    public void close() {
        gate.accept(null);
        List<Class<?>> changed = new ArrayList<>();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (transformed.contains(type.getName())) {
                changed.add(type);
            }
        }
        retransform(changed);
    }

    private boolean ownsLoaded(Class<?> type) {
        for (LibraryInstrumentation library : libraries) {
            if (library.targets(type)) {
                return true;
            }
        }
        return false;
    }

    private LibraryInstrumentation owner(TypeDescription type) {
        for (LibraryInstrumentation library : libraries) {
            if (library.targets(type)) {
                return library;
            }
        }
        return null;
    }

    private LibraryInstrumentation owner(String typeName) {
        for (LibraryInstrumentation library : libraries) {
            if (library.targets(typeName)) {
                return library;
            }
        }
        return null;
    }

    /** Records which instrumentation applied, and which failed and why. */
    private final class StatusListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                DynamicType dynamicType) {
            LibraryInstrumentation library = owner(type);
            transformed.add(type.getName());
            if (AgentLog.enabled(AgentLog.Level.DEBUG)) { // often the application's thread: build no text for nothing
                AgentLog.debug("instrumented " + type.getName() + (loaded ? " (retransformed)" : ""));
            }
            if (library != null) {
                statuses.merge(library.name(), new HookStatus(library.name(), "applied", "instrumented " + type.getName()),
                        (old, now) -> old.state().equals("applied") && !old.reason().contains(type.getName())
                                ? new HookStatus(library.name(), "applied", old.reason() + ", " + type.getName())
                                : now);
            }
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
            LibraryInstrumentation library = owner(typeName);
            if (library != null) {
                statuses.put(library.name(), new HookStatus(library.name(), "failed",
                        "instrumenting " + typeName + " failed: " + throwable));
                AgentLog.warn("instrumenting " + typeName + " failed; " + library.name() + " is off: " + throwable);
            }
        }
    }
}
