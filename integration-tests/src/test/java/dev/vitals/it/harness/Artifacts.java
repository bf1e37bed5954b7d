package dev.vitals.it.harness;

import dev.vitals.it.apps.IdleApp;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the launched artifacts are: absolute paths handed in by the build as system properties
 * (see integration-tests/pom.xml), each overridable with {@code -D}. A missing artifact fails the
 * test with a message that says which module to build.
 */
public final class Artifacts {

    private Artifacts() {
    }

    /** {@code agent/target/vitals-agent.jar}. */
    public static Path agentJar() {
        return existingFile("vitals.agent.jar", "the agent module (mvn -pl agent -am package)");
    }

    /** {@code attach-cli/target/vitals-cli.jar}. */
    public static Path cliJar() {
        return existingFile("vitals.cli.jar", "the attach-cli module (mvn -pl attach-cli -am package)");
    }

    /** {@code sample-app/target/vitals-sample-app.jar}. */
    public static Path sampleJar() {
        return existingFile("vitals.sample.jar", "the sample-app module (mvn -pl sample-app -am package)");
    }

    /**
     * The class path of the dependency-conflict app: its own jar and its private {@code lib/}
     * (Jackson, Undertow and Byte Buddy in versions the agent does not bundle).
     */
    public static List<String> conflictAppClasspath() {
        Path dir = path("vitals.conflict.dir");
        Path jar = dir.resolve("vitals-conflict-app.jar");
        Path lib = dir.resolve("lib");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
            throw new IllegalStateException("conflict app not built: expected " + jar + " and " + lib
                    + "; build it with mvn -pl integration-tests/apps/conflict-app package");
        }
        return List.of(jar.toString(), lib + "/*");
    }

    /** The home of the second JDK (may not exist: see {@link Requirements#java25()}). */
    /** The HikariCP test app's plain jar followed by its private {@code lib/} (see apps/pool-app). */
    public static List<String> poolAppClasspath() {
        Path dir = path("vitals.poolapp.dir");
        return List.of(dir.resolve("vitals-pool-app.jar").toString(), dir.resolve("lib").resolve("*").toString());
    }

    /** The HikariCP test app as a Spring Boot executable jar (nested jars). */
    public static Path poolAppBootJar() {
        return path("vitals.poolapp.dir").resolve("vitals-pool-app-boot.jar");
    }

    /** The OpenTelemetry Java agent jar, copied next to the pool app by its build. */
    public static Path openTelemetryAgent() {
        return path("vitals.poolapp.dir").resolve("otel").resolve("opentelemetry-javaagent.jar");
    }

    public static Path java25Home() {
        return path("vitals.java25.home");
    }

    /** The home of the JDK running the tests (Java 17 in this build); its tools are used too. */
    public static Path currentJavaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    /**
     * The directory holding the tiny test applications ({@code target/test-classes}); launched
     * with nothing else on the class path, they see no test library.
     */
    public static Path testClasses() {
        try {
            return Path.of(IdleApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path existingFile(String property, String module) {
        Path file = path(property);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " (-D" + property + ") does not exist; build " + module + " first");
        }
        return file;
    }

    private static Path path(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property
                    + " is not set; run the integration tests through maven-failsafe (mvn -pl integration-tests verify)");
        }
        return Path.of(value).toAbsolutePath().normalize();
    }
}
