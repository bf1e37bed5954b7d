package dev.vitals.agent;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The agent core's private class loader. It reads classes and resources stored under
 * {@value #PREFIX} in the agent jar, where class files are named {@code .classdata}: the
 * application's loader, classpath scanners and {@code ServiceLoader} see the jar too (it is on
 * the system class path), but find nothing there they could load.
 *
 * <p>Its parent is the platform loader, not the application's: the core uses its own relocated
 * copies of ASM, Undertow, Jackson and Micrometer and must never pick up the
 * application's, whatever versions those are. Bridge classes come from the bootstrap loader,
 * which every loader reaches through its parents.
 *
 * <p>Resources are served through URLs with a handler of our own that reads from this loader's
 * open {@link JarFile}, so nothing ends up in the JDK's global jar cache and {@link #close()}
 * really releases the file. Code asking for {@code x/Y.class} (the core's helper injector reading
 * the classes it defines in a library's loader) gets the matching {@code .classdata} entry.
 *
 * <p>Concurrency: registered as parallel capable; {@link JarFile} reads are thread-safe.
 */
final class CoreClassLoader extends ClassLoader implements Closeable {

    /** Folder inside the agent jar that holds the core; must match the agent module's build. */
    static final String PREFIX = "inst/";

    /** Packages only this loader defines (everything of ours, relocated libraries included)… */
    private static final String OWN_PACKAGES = "dev.vitals.agent.";
    /** …except the bridge, which is in the bootstrap loader. */
    private static final String BRIDGE_PACKAGE = "dev.vitals.agent.bridge.";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final ProtectionDomain domain;
    private final URLStreamHandler handler = new EntryHandler();

    CoreClassLoader(Path agentJar) throws IOException {
        super("vitals-core", ClassLoader.getPlatformClassLoader());
        // No signature verification: the jar is ours and verifying would read every entry up front.
        this.jar = new JarFile(agentJar.toFile(), false);
        URL location = agentJar.toUri().toURL();
        this.jarUrl = location.toExternalForm();
        this.domain = new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
    }

    /**
     * Our own and our relocated libraries' classes are looked up here first: asking the platform
     * loader first (the default) costs a thrown {@link ClassNotFoundException} for each of the
     * ~2,000 classes the core loads at start-up. The bridge lives in the bootstrap loader.
     */
    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith(OWN_PACKAGES) || name.startsWith(BRIDGE_PACKAGE)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> type = findLoadedClass(name);
            if (type == null) {
                type = findClass(name);
            }
            if (resolve) {
                resolveClass(type);
            }
            return type;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = entry(name.replace('.', '/') + ".classdata");
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            bytes = read(in, entry.getSize());
        } catch (IOException e) {
            throw new ClassNotFoundException(name + " (reading the agent jar failed: " + e + ")", e);
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            String packageName = name.substring(0, dot);
            if (getDefinedPackage(packageName) == null) {
                try {
                    definePackage(packageName, null, null, null, null, null, null, null);
                } catch (IllegalArgumentException raced) {
                    // Another thread defined it between our check and our call: fine.
                }
            }
        }
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    /**
     * An entry's bytes in an array of exactly its size when the jar records it (ours does, for
     * every entry). {@code readAllBytes} starts each read with an 8 KB buffer and copies out of
     * it: over the ~3,000 classes the agent loads at start-up that was ~25 MB more allocation,
     * on our start thread and on the application threads whose first use of a library loads our
     * hooks (allocation profile of the start-up benchmark's app).
     */
    private static byte[] read(InputStream in, long size) throws IOException {
        if (size < 0 || size > Integer.MAX_VALUE - 8) {
            return in.readAllBytes();
        }
        byte[] bytes = new byte[(int) size];
        int read = in.readNBytes(bytes, 0, bytes.length);
        if (read != bytes.length || in.read() != -1) {
            throw new IOException("entry is not the size the jar records (" + size + " bytes)");
        }
        return bytes;
    }

    @Override
    protected URL findResource(String name) {
        JarEntry entry = entry(entryName(name));
        if (entry == null) {
            return null;
        }
        try {
            return new URL(null, "jar:" + jarUrl + "!/" + entry.getName(), handler);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singleton(url));
    }

    @Override
    public void close() throws IOException {
        jar.close();
    }

    /** The entry for a path relative to {@value #PREFIX}, or null. */
    private JarEntry entry(String relative) {
        return jar.getJarEntry(PREFIX + relative);
    }

    private static String entryName(String resource) {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        if (name.endsWith(".class")) {
            return name.substring(0, name.length() - ".class".length()) + ".classdata";
        }
        return name;
    }

    /** Opens {@code jar:…!/inst/…} URLs from this loader's own jar file. */
    private final class EntryHandler extends URLStreamHandler {
        @Override
        protected URLConnection openConnection(URL url) throws IOException {
            String spec = url.getFile();
            int separator = spec.indexOf("!/");
            if (separator < 0) {
                throw new IOException("not an agent resource: " + url);
            }
            String path = spec.substring(separator + 2);
            return new URLConnection(url) {
                @Override
                public void connect() {
                    connected = true;
                }

                @Override
                public InputStream getInputStream() throws IOException {
                    JarEntry entry = jar.getJarEntry(path);
                    if (entry == null) {
                        throw new IOException("no such agent resource: " + path);
                    }
                    return jar.getInputStream(entry);
                }
            };
        }
    }
}
