package dev.vitals.agent.instrument;

import dev.vitals.agent.logging.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.ProtectionDomain;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;

/**
 * Puts the bridge ({@code dev.vitals.agent.bridge.*}) into the bootstrap class loader, once per
 * JVM: the classes advice references must resolve from any class loader.
 *
 * <p>The bridge is stored in the agent jar as a nested jar, {@value #ENTRY}. Two ways in, the
 * first preferred:
 * <ol>
 *   <li><b>Define</b> each class directly in the bootstrap loader with the JDK's internal
 *       {@code Unsafe.defineClass}, made reachable by exporting {@code jdk.internal.misc} to this
 *       loader's unnamed module only (the application's modules gain nothing). The boot class
 *       path is left alone, so the JVM keeps class-data sharing for application classes (faster
 *       start-up) and prints no "Sharing is only supported for boot loader classes" warning on
 *       the application's stdout.</li>
 *   <li><b>Append</b> the nested jar to the boot class path (the documented
 *       {@link Instrumentation#appendToBootstrapClassLoaderSearch} route), when the first is
 *       unavailable on this JVM. The jar is written to an owner-only temp file, every class is
 *       loaded at once (so the JVM holds the file open) and the file is deleted.</li>
 * </ol>
 *
 * <p>A JVM keeps its bridge for life, so after a detach and an attach of another agent version
 * the bridge found may not match: that is refused with a message rather than risked.
 */
public final class BridgeInstaller {

    /** Nested jar with the bridge classes; must match the agent module's build. */
    static final String ENTRY = "vitals-bridge.jar";

    private static final String HOOKS = "dev.vitals.agent.bridge.Hooks";

    /**
     * The bridge shape this agent was built against. A compile-time constant, inlined by javac:
     * this class must not load a bridge class before installing the bridge.
     */
    private static final int EXPECTED_VERSION = dev.vitals.agent.bridge.Hooks.VERSION;

    private BridgeInstaller() {
    }

    /**
     * Makes sure the bridge is in the bootstrap loader.
     *
     * @return how: {@code present} (an earlier attach put it there), {@code defined} or
     *     {@code appended}
     * @throws IllegalStateException when a bridge of another version is already there
     */
    public static String install(Instrumentation inst, Path agentJar) throws IOException {
        int expectedVersion = EXPECTED_VERSION;
        String how;
        Class<?> hooks = bootstrapClass(HOOKS);
        if (hooks != null) {
            how = "present";
        } else {
            Map<String, byte[]> classes = readBridge(agentJar);
            try {
                define(inst, classes);
                how = "defined";
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                AgentLog.debug("defining the bridge directly failed (" + e + "); appending it to the boot class path");
                append(inst, agentJar, classes);
                how = "appended";
            }
            hooks = bootstrapClass(HOOKS);
            if (hooks == null) {
                throw new IllegalStateException("the bridge was installed (" + how + ") but " + HOOKS
                        + " cannot be loaded from the bootstrap class loader");
            }
        }
        int version;
        try {
            version = hooks.getField("VERSION").getInt(null);
        } catch (ReflectiveOperationException e) {
            version = -1;
        }
        if (version != expectedVersion) {
            throw new IllegalStateException("this JVM already holds Vitals bridge version " + version
                    + " from an earlier agent, and this agent needs version " + expectedVersion
                    + "; restart the JVM to load this agent");
        }
        return how;
    }

    private static void define(Instrumentation inst, Map<String, byte[]> classes) throws ReflectiveOperationException {
        Module javaBase = Object.class.getModule();
        inst.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(BridgeInstaller.class.getModule())),
                Map.of(), Set.of(), Map.of());
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        Method defineClass = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        Map<String, byte[]> pending = new LinkedHashMap<>(classes);
        // A class can only be defined once its super types are: retry until a pass defines nothing.
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                if (bootstrapClass(entry.getKey()) == null) {
                    try {
                        byte[] bytes = entry.getValue();
                        defineClass.invoke(unsafe, entry.getKey(), bytes, 0, bytes.length, null, null);
                    } catch (InvocationTargetException e) {
                        if (e.getCause() instanceof NoClassDefFoundError) {
                            continue;
                        }
                        throw e;
                    }
                }
                it.remove();
                progress = true;
            }
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException("could not define " + pending.keySet() + " in the bootstrap loader");
        }
    }

    private static void append(Instrumentation inst, Path agentJar, Map<String, byte[]> classes) throws IOException {
        // createTempFile makes an owner-only file with an unpredictable name: nobody can swap in
        // their own classes between our write and the bootstrap loader's read.
        Path file = Files.createTempFile("vitals-bridge-", ".jar");
        try {
            try (JarFile jar = new JarFile(agentJar.toFile(), false);
                    InputStream in = jar.getInputStream(jar.getJarEntry(ENTRY))) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (JarFile bridge = new JarFile(file.toFile())) {
                inst.appendToBootstrapClassLoaderSearch(bridge);
            }
            // Load everything now: once the bootstrap loader has read the file, deleting it is safe.
            classes.keySet().forEach(BridgeInstaller::bootstrapClass);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
        }
    }

    /** The bridge's classes by name, read from the nested jar. */
    private static Map<String, byte[]> readBridge(Path agentJar) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarFile jar = new JarFile(agentJar.toFile(), false)) {
            JarEntry nested = jar.getJarEntry(ENTRY);
            if (nested == null) {
                throw new IOException("the agent jar " + agentJar + " has no " + ENTRY
                        + "; it was not built by the Vitals build");
            }
            try (JarInputStream in = new JarInputStream(jar.getInputStream(nested))) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    String name = e.getName();
                    if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
                        classes.put(name.substring(0, name.length() - ".class".length()).replace('/', '.'),
                                in.readAllBytes());
                    }
                }
            }
        }
        return classes;
    }

    private static Class<?> bootstrapClass(String name) {
        try {
            return Class.forName(name, false, null);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
