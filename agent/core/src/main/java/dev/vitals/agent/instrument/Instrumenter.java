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

/**
 * Builds the transformer ({@link Weaver}) for every {@link LibraryInstrumentation}, connects it behind
 * the entry's class gate (the only transformer the JVM knows of ours), retransforms the target
 * classes loaded before us, and undoes it all on detach: {@link #close()} disconnects the
 * transformer and retransforms what it changed, which restores the original bytes.
 *
 * <p>Classes are only ever changed in method bodies (hooks), never in shape, which is what
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
        // The gate is the registered transformer (see ClassGate in the entry); this sits behind it.
        Set<String> names = new HashSet<>();
        List<String> markers = new ArrayList<>();
        libraries.forEach(library -> {
            names.addAll(library.targetClassNames());
            markers.addAll(library.classFileMarkers());
        });
        gate.accept(new ClassFileMarkers(names, markers, new Weaver(libraries, new StatusListener())));
        long scanStart = System.nanoTime();
        List<Class<?>> loaded = loadedTargets();
        long retransformStart = System.nanoTime();
        retransform(loaded);
        AgentLog.debug("found " + loaded.size() + " loaded target classes in " + (retransformStart - scanStart) / 1_000_000
                + " ms, retransformed them in " + (System.nanoTime() - retransformStart) / 1_000_000 + " ms");
    }

    /**
     * Target classes already loaded (attach, or loaded while the core was starting). The boot
     * loader's classes (at premain, nearly all that are loaded) and our own are never targets
     * (see {@link ClassFileMarkers}) and are passed over before any matching: interpreted, the
     * matching of ~1,500 classes took 13–20 ms of the time the class gate keeps the application waiting.
     */
    private List<Class<?>> loadedTargets() {
        List<Class<?>> targets = new ArrayList<>();
        ClassLoader own = Instrumenter.class.getClassLoader();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            ClassLoader loader = type.getClassLoader();
            if (loader != null && loader != own && ownsLoaded(type) && inst.isModifiableClass(type)) {
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

    /** Records which instrumentation applied, and which failed and why. */
    private final class StatusListener implements Weaver.Listener {
        @Override
        public void woven(String className, Set<String> names, boolean retransformed) {
            transformed.add(className);
            if (AgentLog.enabled(AgentLog.Level.DEBUG)) { // often the application's thread: build no text for nothing
                AgentLog.debug("instrumented " + className + (retransformed ? " (retransformed)" : ""));
            }
            for (String name : names) {
                statuses.merge(name, new HookStatus(name, "applied", "instrumented " + className),
                        (old, now) -> old.state().equals("applied") && !old.reason().contains(className)
                                ? new HookStatus(name, "applied", old.reason() + ", " + className)
                                : now);
            }
        }

        @Override
        public void failed(String className, List<LibraryInstrumentation> owners, Throwable problem) {
            for (LibraryInstrumentation library : owners) {
                statuses.put(library.name(), new HookStatus(library.name(), "failed",
                        "instrumenting " + className + " failed: " + problem));
                AgentLog.warn("instrumenting " + className + " failed; " + library.name() + " is off: " + problem);
            }
        }
    }
}
