package dev.vitals.agent.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's static files, read from the agent core's class path: the folder
 * {@value #FOLDER} (HTML, JavaScript, CSS, images) and two files of the uPlot webjar. Each is read
 * once, on first request, and kept in memory (they are small) with its content type and ETag.
 *
 * <p>Only plain file names with a known extension are looked up ({@link #NAME}): no path
 * separators, no {@code ..}, no hidden files, nothing but the types in {@link #CONTENT_TYPES}, so a
 * request can never reach a class or any other resource of the core. There is no listing.
 *
 * <p>In the packaged agent the core's resources are entries under {@code inst/} of the agent jar,
 * which {@code CoreClassLoader} serves to {@link ClassLoader#getResourceAsStream}.
 *
 * <p>Thread-safe: the cache is a concurrent map of immutable entries; a file read twice by racing
 * first requests is harmless.
 */
final class DashboardFiles {

    /** Where the dashboard's own files are, on the class path. */
    static final String FOLDER = "dev/vitals/agent/dashboard/";
    /** The uPlot files the dashboard may load, served under {@code /assets/uplot/}. */
    static final Set<String> UPLOT_FILES = Set.of("uPlot.iife.min.js", "uPlot.min.css");

    /** A servable file name: a letter or digit first, then letters, digits, {@code . _ -}; a lower-case extension. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\.[a-z0-9]+");

    /** The only extensions served, and their content types. */
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    /** One file in memory. {@code etag} is quoted, as the header carries it. */
    record File(String name, byte[] bytes, String contentType, String etag) {

        /** The content as UTF-8 text (for templates). */
        String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final ClassLoader loader;
    private final String folder;
    private final String uplotFolder;
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    /**
     * @param loader the class loader whose resources hold the files
     * @param folder the dashboard's folder on its class path, ending in {@code /}
     */
    DashboardFiles(ClassLoader loader, String folder) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.folder = folder;
        this.uplotFolder = "META-INF/resources/webjars/uplot/" + uplotVersion(loader) + "/dist/";
    }

    /** The agent's own dashboard, from the class loader of the core. */
    static DashboardFiles standard() {
        return new DashboardFiles(DashboardFiles.class.getClassLoader(), FOLDER);
    }

    /** A file of the dashboard's folder, or null if there is none of that name (or it may not be served). */
    File dashboard(String name) {
        return find(folder, name);
    }

    /** One of {@link #UPLOT_FILES}, or null for any other name. */
    File uplot(String name) {
        return UPLOT_FILES.contains(name) ? find(uplotFolder, name) : null;
    }

    /** The content type for a file name, or null when files of its extension are never served. */
    static String contentType(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return null;
        }
        return CONTENT_TYPES.get(name.substring(name.lastIndexOf('.') + 1));
    }

    private File find(String base, String name) {
        String type = contentType(name);
        if (type == null) {
            return null;
        }
        String path = base + name;
        File cached = cache.get(path);
        if (cached != null) {
            return cached;
        }
        // Misses are not cached: a stream of made-up names costs lookups in the jar's index, not memory.
        try (InputStream in = loader.getResourceAsStream(path)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            File file = new File(name, bytes, type, etag(bytes));
            cache.put(path, file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " from the agent's class path", e);
        }
    }

    /** A strong ETag from the content: the file changes, the tag changes, whatever the version says. */
    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The uPlot webjar's version, which its files' path contains; written into uplot.properties by the build. */
    private static String uplotVersion(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream("dev/vitals/agent/http/uplot.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "missing");
        } catch (IOException e) {
            return "missing";
        }
    }
}
