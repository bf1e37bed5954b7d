package dev.vitals.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

/**
 * Defines small helper classes of ours — classes compiled against a library's API, such as a
 * HikariCP {@code MetricsTrackerFactory} — in that library's own class loader, where the
 * library can call them and they can see the library.
 *
 * <p>Helper classes reference only the library and the bootstrap bridge, never the agent core,
 * so an instance the library keeps after a detach pins nothing of ours. Their bytes are read
 * from the agent core's loader, which stores them but never loads them.
 *
 * <p>{@code ClassLoader.defineClass} is protected; {@code java.lang} is opened to this loader's
 * unnamed module only (through {@link Instrumentation#redefineModule}), so the application gains
 * no access it did not have.
 *
 * <p>Concurrency: {@link #inject} is synchronized; it runs once per helper class and loader.
 */
public final class HelperInjector {

    private final Method defineClass;
    private final Method findLoadedClass;

    public HelperInjector(Instrumentation inst) throws ReflectiveOperationException {
        inst.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                Map.of("java.lang", Set.of(HelperInjector.class.getModule())), Set.of(), Map.of());
        defineClass = ClassLoader.class.getDeclaredMethod("defineClass", String.class, byte[].class, int.class,
                int.class, ProtectionDomain.class);
        defineClass.setAccessible(true);
        findLoadedClass = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
        findLoadedClass.setAccessible(true);
    }

    /**
     * Makes sure the named helper classes exist in {@code target}, defining those that do not,
     * in the order given (a class after the classes it needs), and returns the last.
     */
    public synchronized Class<?> inject(ClassLoader target, String... classNames) throws ReflectiveOperationException {
        if (target == null) {
            throw new IllegalArgumentException("cannot inject helpers into the bootstrap class loader");
        }
        Class<?> last = null;
        for (String name : classNames) {
            Class<?> type = (Class<?>) findLoadedClass.invoke(target, name);
            if (type == null) {
                byte[] bytes = bytes(name);
                try {
                    type = (Class<?>) defineClass.invoke(target, name, bytes, 0, bytes.length, null);
                } catch (InvocationTargetException e) {
                    // Another thread of the application's may have defined it through us first.
                    type = (Class<?>) findLoadedClass.invoke(target, name);
                    if (type == null) {
                        throw e;
                    }
                }
            }
            last = type;
        }
        return last;
    }

    private static byte[] bytes(String className) throws ClassNotFoundException {
        String resource = className.replace('.', '/') + ".class";
        try (InputStream in = HelperInjector.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ClassNotFoundException("helper class " + className + " is missing from the agent jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException("cannot read helper class " + className + ": " + e, e);
        }
    }
}
