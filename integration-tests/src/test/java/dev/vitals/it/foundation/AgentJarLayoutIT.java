package dev.vitals.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.it.harness.Artifacts;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The agent jar as the application's class loader sees it: one entry class at the root, the
 * bridge nested, and everything else — our core and the libraries it bundles — relocated and
 * stored as {@code .classdata} under {@code inst/}, where no class loader but ours looks.
 */
class AgentJarLayoutIT {

    /** Third-party packages that must never appear as loadable classes at their original path. */
    private static final Pattern THIRD_PARTY_CLASS = Pattern.compile(
            "^(net/bytebuddy|io/undertow|org/xnio|com/fasterxml|io/micrometer|org/jboss|org/wildfly|io/smallrye"
                    + "|org/HdrHistogram)/.*\\.class$");

    @Test
    void manifestDeclaresBothEntryPointsAndRetransformation() throws IOException {
        try (JarFile jar = new JarFile(Artifacts.agentJar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Premain-Class")).isEqualTo("dev.vitals.agent.VitalsAgent");
            assertThat(main.getValue("Agent-Class")).isEqualTo("dev.vitals.agent.VitalsAgent");
            assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
        }
    }

    @Test
    void onlyTheEntryClassesAreLoadableAndThirdPartyCodeIsHiddenAndRelocated() throws IOException {
        List<String> classes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (JarFile jar = new JarFile(Artifacts.agentJar().toFile())) {
            jar.stream().map(JarEntry::getName).forEach(name -> {
                names.add(name);
                if (name.endsWith(".class")) {
                    classes.add(name);
                }
            });
        }
        assertThat(names).noneMatch(name -> THIRD_PARTY_CLASS.matcher(name).matches());
        assertThat(classes).as("plain classes: the entry only")
                .allMatch(name -> name.matches("dev/vitals/agent/[A-Za-z$0-9]+\\.class"))
                .contains("dev/vitals/agent/VitalsAgent.class", "dev/vitals/agent/CoreClassLoader.class");
        assertThat(names).as("relocated and hidden")
                .contains("inst/dev/vitals/agent/shaded/bytebuddy/ByteBuddy.classdata",
                        "inst/dev/vitals/agent/shaded/undertow/Undertow.classdata",
                        "inst/dev/vitals/agent/shaded/xnio/Xnio.classdata",
                        "inst/dev/vitals/agent/shaded/jackson/databind/ObjectMapper.classdata",
                        "inst/dev/vitals/agent/shaded/micrometer/core/instrument/MeterRegistry.classdata",
                        "inst/dev/vitals/agent/VitalsRuntime.classdata");
        assertThat(names).as("XNIO finds its provider inside our loader")
                .contains("inst/META-INF/services/dev.vitals.agent.shaded.xnio.XnioProvider");
        assertThat(names).as("instrumented libraries are matched by name, never bundled")
                .noneMatch(name -> name.contains("com/zaxxer/") || name.contains("com/github/benmanes/"));
    }

    @Test
    void bridgeIsANestedJarOfBridgeClassesOnly() throws IOException {
        List<String> bridge = new ArrayList<>();
        try (JarFile jar = new JarFile(Artifacts.agentJar().toFile());
                InputStream nested = jar.getInputStream(jar.getJarEntry("vitals-bridge.jar"));
                JarInputStream in = new JarInputStream(nested)) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                if (e.getName().endsWith(".class")) {
                    bridge.add(e.getName());
                }
            }
        }
        assertThat(bridge).contains("dev/vitals/agent/bridge/Hooks.class")
                .allMatch(name -> name.startsWith("dev/vitals/agent/bridge/"));
    }
}
