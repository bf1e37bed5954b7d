package dev.vitals.agent.caffeine;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a cache comes from in the application's code, for its name: the frames of application
 * code on the stack when the cache was built (or, for a cache found after an attach, first used),
 * captured then, and resolved later, on an agent thread, into the field that holds the cache.
 *
 * <ul>
 *   <li>Built: {@code this.customers = Caffeine.newBuilder()….build()} in {@code CustomerService}
 *       gives {@code CustomerService.customers}. A build inside a factory method that returns the
 *       cache is followed up to {@link #MAX_FRAMES} callers, to the field the caller stores it in.</li>
 *   <li>Used: {@code customers.getIfPresent(id)} gives the Caffeine-typed field read last before
 *       the call, the same {@code CustomerService.customers}.</li>
 *   <li>Otherwise the class and line of the first frame: {@code CustomerService:42}.</li>
 * </ul>
 *
 * <p>Capturing walks the stack (microseconds; once per cache). Resolving reads the class file of
 * the frame's class through its class loader and is done once, lazily. A class whose file cannot
 * be read (generated at run time) or whose bytecode does not match (changed by another agent)
 * falls back to the line. Classes are held weakly: a site never keeps an application class loader
 * alive.
 *
 * <p>Concurrency: immutable frames; {@link #resolve()} is synchronized and caches its result.
 */
final class CacheSite {

    /** Frames of application code kept: the builder's caller and this many factory levels above it. */
    static final int MAX_FRAMES = 4;

    /** Packages whose frames are never the site: Caffeine itself (and its JCache provider), Vitals, the JDK. */
    private static final List<String> SKIPPED = List.of(
            "com.github.benmanes.caffeine.", "dev.vitals.agent.", "java.", "javax.", "jdk.", "sun.", "com.sun.");

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /** One frame: enough to find the call in the class file. */
    record Frame(WeakReference<Class<?>> type, String className, String methodName, String descriptor, int bci,
            int line) {
    }

    /** The resolved site: a holding field ({@code owner}, {@code field}) if found, and the first frame's line. */
    record Resolved(String owner, String field, String className, int line, String methodName) {

        /** {@code CustomerService.customers}, else {@code CustomerService:42}, else {@code CustomerService.find}. */
        String display() {
            if (field != null) {
                return simple(owner) + "." + field;
            }
            return line > 0 ? simple(className) + ":" + line : simple(className) + "." + methodName;
        }

        /** Every form the configuration may use for this site, most specific first. */
        List<String> keys() {
            List<String> keys = new ArrayList<>();
            if (field != null) {
                keys.add(owner + "." + field);
                keys.add(simple(owner) + "." + field);
            }
            if (line > 0) {
                keys.add(className + ":" + line);
                keys.add(simple(className) + ":" + line);
            }
            return keys;
        }
    }

    /** Where nothing is known (no application frame on the stack). */
    static final CacheSite UNKNOWN = new CacheSite(List.of(), false);

    private final List<Frame> frames;
    private final boolean used;
    private Resolved resolved;

    private CacheSite(List<Frame> frames, boolean used) {
        this.frames = frames;
        this.used = used;
    }

    /** The site of a cache being built on this thread. */
    static CacheSite built() {
        return new CacheSite(capture(MAX_FRAMES), false);
    }

    /** The site of a cache being used on this thread (found after an attach). */
    static CacheSite used() {
        return new CacheSite(capture(1), true);
    }

    /** A site from given frames (tests). */
    static CacheSite of(List<Frame> frames, boolean used) {
        return new CacheSite(List.copyOf(frames), used);
    }

    /**
     * The first application frame and the application frames right above it, up to {@code max}:
     * a library frame in between ends the chain, since its bytecode is not the application's.
     */
    private static List<Frame> capture(int max) {
        return WALKER.walk(stream -> {
            List<Frame> result = new ArrayList<>();
            boolean started = false;
            for (StackWalker.StackFrame f : (Iterable<StackWalker.StackFrame>) stream::iterator) {
                boolean skipped = isSkipped(f.getClassName());
                if (!started && skipped) {
                    continue;
                }
                if (skipped || result.size() == max) {
                    break;
                }
                started = true;
                result.add(new Frame(new WeakReference<>(f.getDeclaringClass()), f.getClassName(), f.getMethodName(),
                        f.getDescriptor(), f.getByteCodeIndex(), f.getLineNumber()));
            }
            return result;
        });
    }

    private static boolean isSkipped(String className) {
        for (String prefix : SKIPPED) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The resolved site, or null when no application frame was on the stack. */
    synchronized Resolved resolve() {
        if (resolved == null && !frames.isEmpty()) {
            Frame first = frames.get(0);
            ClassFileScanner.Use holder = null;
            try {
                holder = used ? usedFrom(first) : builtFrom();
            } catch (IOException | RuntimeException e) {
                holder = null; // unreadable or changed bytecode: the line will do
            }
            resolved = holder != null && holder.fieldName() != null
                    ? new Resolved(holder.fieldOwner(), holder.fieldName(), first.className(), first.line(), first.methodName())
                    : new Resolved(null, null, first.className(), first.line(), first.methodName());
        }
        return resolved;
    }

    private ClassFileScanner.Use builtFrom() throws IOException {
        for (Frame frame : frames) {
            ClassFileScanner.Use use = scanner(frame).fieldStoredAfter(frame.methodName(), frame.descriptor(), frame.bci());
            if (use == null || !use.returned()) {
                return use;
            }
        }
        return null;
    }

    private static ClassFileScanner.Use usedFrom(Frame frame) throws IOException {
        return scanner(frame).cacheFieldReadBefore(frame.methodName(), frame.descriptor(), frame.bci());
    }

    private static ClassFileScanner scanner(Frame frame) throws IOException {
        Class<?> type = frame.type().get();
        if (type == null) {
            throw new IOException(frame.className() + " was unloaded");
        }
        String resource = type.getName().replace('.', '/') + ".class";
        ClassLoader loader = type.getClassLoader();
        try (InputStream in = loader != null ? loader.getResourceAsStream(resource)
                : ClassLoader.getSystemResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no class file for " + type.getName());
            }
            return new ClassFileScanner(in.readAllBytes());
        }
    }

    /** {@code Outer$Inner} for {@code com.example.Outer$Inner}. */
    static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
