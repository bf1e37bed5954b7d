package dev.vitals.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ClassFileMarkersTest {

    /**
     * Stands for an application's loader: in this test the agent's own loader is the test class
     * path's, whose classes are never candidates.
     */
    private static final ClassLoader APPLICATION = ClassLoader.getPlatformClassLoader();

    private final AtomicInteger passedOn = new AtomicInteger();
    private final ClassFileTransformer next = new ClassFileTransformer() {
        @Override
        public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
                ProtectionDomain domain, byte[] bytes) {
            passedOn.incrementAndGet();
            return bytes;
        }
    };
    private final ClassFileMarkers markers = new ClassFileMarkers(Set.of("com/example/Named"),
            List.of("java/sql/Statement", "javax/sql/DataSource"), next);

    /** Implements a JDBC interface: its class file names it. */
    abstract static class SomeStatement implements java.sql.Statement {
    }

    /** Has nothing to do with JDBC. */
    static final class Plain {
        int x;
    }

    @Test
    void classNamingAMarkerIsPassedOn() throws Exception {
        byte[] result = markers.transform(null, APPLICATION, "x", null, null, bytes(SomeStatement.class));

        assertThat(result).isNotNull();
        assertThat(passedOn).hasValue(1);
    }

    @Test
    void classNamingNoMarkerNeverReachesTheWeaver() throws Exception {
        byte[] result = markers.transform(null, APPLICATION, "x", null, null, bytes(Plain.class));

        assertThat(result).isNull();
        assertThat(passedOn).hasValue(0);
    }

    @Test
    void classMatchedByNameIsPassedOnWhateverItMentions() throws Exception {
        byte[] result = markers.transform(null, APPLICATION, "com/example/Named", null, null, bytes(Plain.class));

        assertThat(result).isNotNull();
        assertThat(passedOn).hasValue(1);
    }

    @Test
    void bootstrapClassesAreNeverCandidates() throws Exception {
        byte[] result = markers.transform(null, null, "x", null, null, bytes(SomeStatement.class));

        assertThat(result).isNull();
        assertThat(passedOn).hasValue(0);
    }

    @Test
    void markerAtTheVeryEndAndTruncatedMarkers() {
        ClassFileMarkers abc = new ClassFileMarkers(Set.of(), List.of("abc"), next);

        assertThat(abc.mentionsAny("xxabc".getBytes())).isTrue();
        assertThat(abc.mentionsAny("xxab".getBytes())).isFalse();
        assertThat(abc.mentionsAny(new byte[0])).isFalse();
    }

    private static byte[] bytes(Class<?> type) throws IOException {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
            return in.readAllBytes();
        }
    }
}
