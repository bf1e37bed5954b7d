package dev.vitals.it.conflict;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * An application that brings its own Jackson, Undertow and Byte Buddy, in versions that differ
 * from the ones the Vitals agent bundles, and uses all three on every request.
 *
 * <p>{@code GET /versions} answers, as JSON written by the application's own Jackson, which
 * versions the application actually sees and whether its Byte Buddy can still generate a class at
 * run time. If the agent leaked its copies onto the application's class path, the versions would
 * be wrong or the request would fail with a linkage error.
 *
 * <p>Usage: {@code ConflictApp [--port N]} (default 0, any free port, on 127.0.0.1). Prints
 * {@code conflict-app ready port=<port>} on stdout once the server listens, then runs until killed.
 *
 * <p>Threading: {@code main} only starts the server; requests run on Undertow's worker threads.
 */
public final class ConflictApp {

    /** What the generated class's {@code toString()} returns, so the response can check it. */
    private static final String GENERATED_MARKER = "generated-by-conflict-app";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConflictApp() {
    }

    public static void main(String[] args) throws Exception {
        int port = parsePort(args);
        Undertow server = Undertow.builder()
                .setIoThreads(1)
                .setWorkerThreads(2)
                .addHttpListener(port, "127.0.0.1")
                .setHandler(Handlers.routing()
                        .get("/versions", new BlockingHandler(ConflictApp::versions))
                        .setFallbackHandler(ConflictApp::notFound))
                .build();
        server.start();
        int actualPort = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        System.out.println("conflict-app ready port=" + actualPort);
        System.out.flush();
        // Undertow's XNIO threads are not daemons: the JVM runs until it is killed.
    }

    private static int parsePort(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if ("--port".equals(args[i]) && i + 1 < args.length) {
                return Integer.parseInt(args[i + 1]);
            }
            if (args[i].startsWith("--port=")) {
                return Integer.parseInt(args[i].substring("--port=".length()));
            }
        }
        return 0;
    }

    private static void versions(HttpServerExchange exchange) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jackson", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
        body.put("undertow", io.undertow.Version.getVersionString());
        body.put("bytebuddy", byteBuddyVersion());
        body.put("bytebuddy_subclass_works", generatedSubclassWorks());
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(JSON.writeValueAsString(body));
    }

    private static void notFound(HttpServerExchange exchange) {
        exchange.setStatusCode(StatusCodes.NOT_FOUND);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send("{\"error\":\"not_found\"}");
    }

    /** Generates a fresh subclass on every call, so the check runs after a late attach too. */
    private static boolean generatedSubclassWorks() throws ReflectiveOperationException {
        Class<?> generated = new ByteBuddy()
                .subclass(Object.class)
                .method(ElementMatchers.named("toString"))
                .intercept(FixedValue.value(GENERATED_MARKER))
                .make()
                .load(ConflictApp.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
                .getLoaded();
        Object instance = generated.getDeclaredConstructor().newInstance();
        return GENERATED_MARKER.equals(instance.toString());
    }

    /**
     * Byte Buddy's jar has no {@code Implementation-Version}; read the version from the Maven
     * metadata (or the OSGi {@code Bundle-Version}) of the very jar {@link ByteBuddy} was loaded
     * from, so a second Byte Buddy elsewhere on the class path cannot answer for it.
     */
    private static String byteBuddyVersion() throws IOException, URISyntaxException {
        String fromPackage = ByteBuddy.class.getPackage().getImplementationVersion();
        if (fromPackage != null) {
            return fromPackage;
        }
        Path jar = Path.of(ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(jar)) {
            return "unknown (loaded from " + jar + ")";
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            ZipEntry pom = file.getEntry("META-INF/maven/net.bytebuddy/byte-buddy/pom.properties");
            if (pom != null) {
                Properties properties = new Properties();
                try (InputStream in = file.getInputStream(pom)) {
                    properties.load(in);
                }
                String version = properties.getProperty("version");
                if (version != null) {
                    return version;
                }
            }
            String bundleVersion = file.getManifest() == null
                    ? null
                    : file.getManifest().getMainAttributes().getValue("Bundle-Version");
            return bundleVersion != null ? bundleVersion : "unknown (" + jar.getFileName() + ")";
        }
    }
}
