package dev.vitals.it.foundation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.it.harness.Artifacts;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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
            "^(net/bytebuddy|org/objectweb/asm|io/undertow|org/xnio|com/fasterxml|io/micrometer|io/prometheus|org/jboss|org/wildfly"
                    + "|io/smallrye|org/HdrHistogram)/.*\\.class$");

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
        assertThat(names).as("every hidden class is ours or relocated under ours")
                .filteredOn(name -> name.endsWith(".classdata"))
                .allMatch(name -> name.startsWith("inst/dev/vitals/agent/"));
        assertThat(classes).as("plain classes: the entry only")
                .allMatch(name -> name.matches("dev/vitals/agent/[A-Za-z$0-9]+\\.class"))
                .contains("dev/vitals/agent/VitalsAgent.class", "dev/vitals/agent/CoreClassLoader.class");
        assertThat(names).as("relocated and hidden")
                .contains("inst/dev/vitals/agent/shaded/asm/ClassReader.classdata",
                        "inst/dev/vitals/agent/shaded/undertow/Undertow.classdata",
                        "inst/dev/vitals/agent/shaded/xnio/Xnio.classdata",
                        "inst/dev/vitals/agent/shaded/jackson/databind/ObjectMapper.classdata",
                        "inst/dev/vitals/agent/shaded/micrometer/core/instrument/MeterRegistry.classdata",
                        "inst/dev/vitals/agent/shaded/prometheus/metrics/model/registry/PrometheusRegistry.classdata",
                        "inst/dev/vitals/agent/VitalsRuntime.classdata");
        assertThat(names).as("XNIO finds its provider inside our loader")
                .contains("inst/META-INF/services/dev.vitals.agent.shaded.xnio.XnioProvider");
        assertThat(names).as("/metrics writes text only: no protobuf exposition format")
                .noneMatch(name -> name.contains("protobuf"));
        assertThat(names).as("instrumented libraries are matched by name, never bundled")
                .noneMatch(name -> name.contains("com/zaxxer/") || name.contains("com/github/benmanes/"));
    }

    @Test
    void dashboardFilesAndUplotAreHiddenWithTheCore() throws IOException {
        List<String> names = new ArrayList<>();
        Properties uplot = new Properties();
        try (JarFile jar = new JarFile(Artifacts.agentJar().toFile())) {
            jar.stream().filter(e -> !e.isDirectory()).forEach(e -> {
                names.add(e.getName());
                assertThat(e.getSize()).as("%s is not empty", e.getName()).isPositive();
            });
            JarEntry version = jar.getJarEntry("inst/dev/vitals/agent/http/uplot.properties");
            assertThat(version).as("the uPlot version the core reads its files under").isNotNull();
            try (InputStream in = jar.getInputStream(version)) {
                uplot.load(in);
            }
        }
        String dist = "inst/META-INF/resources/webjars/uplot/" + uplot.getProperty("version") + "/dist/";
        assertThat(uplot.getProperty("version")).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(names).as("the dashboard, read by the core's loader (DashboardServerIT serves them)")
                .contains("inst/dev/vitals/agent/dashboard/index.html", "inst/dev/vitals/agent/dashboard/app.js",
                        "inst/dev/vitals/agent/dashboard/app.css", "inst/dev/vitals/agent/dashboard/signin.html",
                        "inst/dev/vitals/agent/dashboard/signin.css", dist + "uPlot.iife.min.js", dist + "uPlot.min.css");
        assertThat(names).as("of the uPlot webjar, the two files served and the licence only")
                .filteredOn(name -> name.contains("webjars/uplot/"))
                .containsExactlyInAnyOrder(dist + "uPlot.iife.min.js", dist + "uPlot.min.css",
                        dist.replace("dist/", "LICENSE"));
        assertThat(names).as("nothing where an application serving webjars from its class path would find it")
                .noneMatch(name -> name.startsWith("META-INF/resources/") || name.startsWith("dev/vitals/agent/dashboard/"));
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
