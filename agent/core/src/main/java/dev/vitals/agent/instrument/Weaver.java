package dev.vitals.agent.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * The class-file transformer behind the class gate (after {@link ClassFileMarkers}): asks each
 * instrumentation for its hooks on the class and weaves them in with ASM, one pass, nothing
 * else loaded or computed.
 *
 * <p>Why ASM directly and not Byte Buddy's {@code AgentBuilder} and {@code Advice}: the agent
 * needs what an advice class does — code at a method's entry and exits — for a dozen methods. Byte
 * Buddy's general machinery loaded ~1,100 classes and spent ~0.2 s before the first class could be
 * transformed and ~0.2 s more transforming the tiny app's ten classes, most of it on the
 * application's main thread (docs/PERFORMANCE.md); ASM's reader and writer are ~30 classes.
 *
 * <p>A class is left unchanged (the JVM keeps its bytes) when no hook matches, and when anything
 * fails: the listener hears of it, the application's class loads as it was.
 *
 * <p>Concurrency: called on any class-loading thread; a thread already inside (a class loaded
 * while reading a super type's class file) gets no transformation, as the JVM would otherwise
 * re-enter us.
 */
final class Weaver implements ClassFileTransformer {

    /** What happened to a class: for the instrumentations' health. */
    interface Listener {
        void woven(String className, Set<String> libraries, boolean retransformed);

        void failed(String className, List<LibraryInstrumentation> libraries, Throwable problem);
    }

    /** Never our own classes, nor the JDK's. */
    private static final String[] IGNORED = {"dev/vitals/agent/", "java/", "jdk/", "sun/"};

    private final List<LibraryInstrumentation> libraries;
    private final Listener listener;
    private final ThreadLocal<Boolean> inside = new ThreadLocal<>();

    Weaver(List<LibraryInstrumentation> libraries, Listener listener) {
        this.libraries = List.copyOf(libraries);
        this.listener = listener;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null || ignored(className) || inside.get() != null) {
            return null;
        }
        inside.set(Boolean.TRUE);
        List<ClassWeaver.LibraryHooks> hooks = new ArrayList<>();
        try {
            ClassReader reader = new ClassReader(classfileBuffer);
            if ((reader.getAccess() & Opcodes.ACC_SYNTHETIC) != 0) {
                return null;
            }
            ClassCandidate candidate = new ClassCandidate(reader.getClassName(), reader.getAccess(),
                    reader.getSuperName(), reader.getInterfaces(), loader, classBeingRedefined);
            for (LibraryInstrumentation library : libraries) {
                List<MethodHook> own = library.hooks(candidate);
                if (!own.isEmpty()) {
                    hooks.add(new ClassWeaver.LibraryHooks(library, own));
                }
            }
            if (hooks.isEmpty()) {
                return null;
            }
            // The reader handed to the writer: methods without a hook are copied as bytes, not rebuilt.
            ClassWriter writer = new ClassWriter(reader, 0);
            ClassWeaver weaver = new ClassWeaver(writer, hooks);
            reader.accept(weaver, ClassReader.EXPAND_FRAMES);
            if (weaver.woven().isEmpty()) {
                return null;
            }
            byte[] woven = writer.toByteArray();
            listener.woven(className.replace('/', '.'), weaver.woven(), classBeingRedefined != null);
            return woven;
        } catch (Throwable problem) {
            String name = className.replace('/', '.');
            // Failed before any instrumentation claimed it (a class file ASM cannot read, such as
            // one from a newer Java): those that target it by name are told.
            List<LibraryInstrumentation> owners = !hooks.isEmpty()
                    ? hooks.stream().map(ClassWeaver.LibraryHooks::library).toList()
                    : libraries.stream().filter(library -> library.targets(name)).toList();
            listener.failed(name, owners, problem);
            return null;
        } finally {
            inside.remove();
        }
    }

    private static boolean ignored(String className) {
        for (String prefix : IGNORED) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
