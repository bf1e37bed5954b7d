package dev.vitals.agent.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;

/**
 * A prefilter in front of the {@link Weaver}: only classes an instrumentation names exactly, or
 * whose class file mentions one of the markers of the instrumentations that match by type
 * hierarchy (internal names such as {@code java/sql/Statement}), can be targets; the weaver never
 * parses the others.
 *
 * <p>Why: every class the application loads passes through our transformer. Matching parses
 * the class file and, for the type hierarchy (all JDBC implementors), the headers of its super
 * types — with Byte Buddy, which the agent used before, 0.1–0.2 ms a class, seconds for an
 * application that loads tens of thousands. Searching the bytes for a few names costs a few
 * microseconds.
 *
 * <p>Accuracy: a class matched by name contains its own name in its constant pool; a JDBC
 * implementor names {@code java/sql/} types (its interfaces, {@code SQLException} in its
 * {@code throws} clauses, its result types). A subclass of a JDBC class whose own bytes name no
 * {@code java.sql} type at all is skipped; the methods it inherits are instrumented in the
 * superclass.
 *
 * <p>Concurrency: immutable; called on any class-loading thread.
 */
final class ClassFileMarkers implements ClassFileTransformer {

    private static final ClassLoader OWN_LOADER = ClassFileMarkers.class.getClassLoader();

    private final Set<String> names;
    private final byte[][] markers;
    /** Which bytes start a marker: most bytes of a class file are ruled out by one array read. */
    private final boolean[] firstBytes = new boolean[256];
    private final ClassFileTransformer next;

    /**
     * @param names internal names of classes matched by name: those go to {@code next}
     * @param markers internal-name fragments: a class mentioning any one goes to {@code next}
     */
    ClassFileMarkers(Set<String> names, List<String> markers, ClassFileTransformer next) {
        this.names = Set.copyOf(names);
        this.markers = new byte[markers.size()][];
        for (int i = 0; i < markers.size(); i++) {
            this.markers[i] = markers.get(i).getBytes(StandardCharsets.UTF_8);
            firstBytes[this.markers[i][0] & 0xff] = true;
        }
        this.next = next;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) throws IllegalClassFormatException {
        if (!candidate(loader, className, classfileBuffer)) {
            return null;
        }
        return next.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) throws IllegalClassFormatException {
        if (!candidate(loader, className, classfileBuffer)) {
            return null;
        }
        return next.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    }

    /**
     * Never the bootstrap loader's classes (the JDK core, our bridge) nor our own loader's (Byte
     * Buddy, Undertow…: thousands of classes at start-up, none of them a target).
     */
    private boolean candidate(ClassLoader loader, String className, byte[] bytes) {
        return loader != null && loader != OWN_LOADER && (names.contains(className) || mentionsAny(bytes));
    }

    boolean mentionsAny(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            byte first = bytes[i];
            if (!firstBytes[first & 0xff]) {
                continue;
            }
            for (byte[] marker : markers) {
                if (marker[0] == first && regionMatches(bytes, i, marker)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean regionMatches(byte[] bytes, int offset, byte[] marker) {
        if (offset + marker.length > bytes.length) {
            return false;
        }
        for (int j = 1; j < marker.length; j++) {
            if (bytes[offset + j] != marker[j]) {
                return false;
            }
        }
        return true;
    }
}
