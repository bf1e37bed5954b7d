package dev.vitals.agent.instrument;

import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What one instrumentation weaves into the methods it matches: code at entry, code at exit, and
 * what the entry hands to the exit — the equivalent of an advice class, written as the bytecode
 * it inlines (see {@link HookCode}).
 *
 * <p>Semantics, the same for every hook ({@link HookedMethod} implements them):
 * <ul>
 *   <li>anything the entry or exit code throws is caught and dropped: the application sees its
 *       method's own result or exception, never ours;</li>
 *   <li>the entry's value ({@link #enterType()}) defaults to {@code 0}/{@code false} when the
 *       entry code threw;</li>
 *   <li>exit code runs on every return, and also on a thrown exception when
 *       {@link #onThrowable()}: then the return value reads as {@code 0}/{@code null} and the
 *       exception is rethrown afterwards;</li>
 *   <li>exit code sees {@code this} and the arguments it {@link #keeps keeps} as they were at
 *       entry (copied then, so the method's own writes to its parameters cannot confuse the
 *       verifier or us).</li>
 * </ul>
 *
 * <p>Immutable: one instance serves every class it is woven into.
 */
public final class MethodHook {

    /** Which methods, from what the class file says of them. */
    @FunctionalInterface
    public interface Matcher {
        boolean matches(int access, String name, String descriptor);

        default Matcher and(Matcher other) {
            return (access, name, descriptor) -> matches(access, name, descriptor)
                    && other.matches(access, name, descriptor);
        }

        default Matcher or(Matcher other) {
            return (access, name, descriptor) -> matches(access, name, descriptor)
                    || other.matches(access, name, descriptor);
        }
    }

    private final Matcher matcher;
    private final Type enterType;
    private final Consumer<HookCode> enter;
    private final Consumer<HookCode> exit;
    private final boolean onThrowable;
    private final boolean constructors;
    private final int[] kept;

    private MethodHook(Matcher matcher, Type enterType, Consumer<HookCode> enter, Consumer<HookCode> exit,
            boolean onThrowable, boolean constructors, int[] kept) {
        this.matcher = matcher;
        this.enterType = enterType;
        this.enter = enter;
        this.exit = exit;
        this.onThrowable = onThrowable;
        this.constructors = constructors;
        this.kept = kept;
    }

    /** A hook on the instance methods {@code matcher} accepts; add code with the {@code with*} methods. */
    public static MethodHook on(Matcher matcher) {
        return new MethodHook(matcher, Type.VOID_TYPE, null, null, false, false, new int[0]);
    }

    /**
     * A hook on constructors: exit code only, on return only (before the super constructor has run
     * there is no {@code this} to hand anywhere, and an exception handler around it would need one).
     */
    public static MethodHook onConstructors(Matcher matcher) {
        return new MethodHook((access, name, descriptor) -> name.equals("<init>") && matcher.matches(access, name, descriptor),
                Type.VOID_TYPE, null, null, false, true, new int[0]);
    }

    /** Entry code; it may {@link HookCode#storeEnter() store} a value of {@code type} (or VOID) for the exit. */
    public MethodHook withEnter(Type type, Consumer<HookCode> code) {
        if (constructors) {
            throw new IllegalStateException("constructor hooks have exit code only");
        }
        return new MethodHook(matcher, type, code, exit, onThrowable, constructors, kept);
    }

    /** Exit code, run on every return. */
    public MethodHook withExit(Consumer<HookCode> code) {
        return new MethodHook(matcher, enterType, enter, code, false, constructors, kept);
    }

    /** Exit code, run on every return and on every exception thrown out of the method. */
    public MethodHook withExitOnThrowable(Consumer<HookCode> code) {
        if (constructors) {
            throw new IllegalStateException("constructor hooks run on return only");
        }
        return new MethodHook(matcher, enterType, enter, code, true, constructors, kept);
    }

    /**
     * The arguments (0-based) that the exit code reads: copied at entry. An index past a matched
     * method's last argument is ignored (see {@link HookCode#loadArgumentOrNull}).
     */
    public MethodHook keeps(int... arguments) {
        return new MethodHook(matcher, enterType, enter, exit, onThrowable, constructors, arguments.clone());
    }

    boolean matches(int access, String name, String descriptor) {
        if ((access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
            return false;
        }
        return name.equals("<init>") == constructors && matcher.matches(access, name, descriptor);
    }

    Type enterType() {
        return enterType;
    }

    Consumer<HookCode> enter() {
        return enter;
    }

    Consumer<HookCode> exit() {
        return exit;
    }

    boolean onThrowable() {
        return onThrowable;
    }

    boolean constructors() {
        return constructors;
    }

    int[] kept() {
        return kept.clone();
    }

    // Matchers, on the class file's own terms: names, access flags and descriptors.

    /** Methods named one of {@code names}. */
    public static Matcher named(String... names) {
        Set<String> set = Set.of(names);
        return (access, name, descriptor) -> set.contains(name);
    }

    /** Public methods (with a body: abstract and native ones are never hooked). */
    public static Matcher isPublic() {
        return (access, name, descriptor) -> (access & Opcodes.ACC_PUBLIC) != 0;
    }

    /** Methods whose parameters are exactly these (descriptors, such as {@code Ljava/lang/String;} or {@code J}). */
    public static Matcher takes(String... parameters) {
        String prefix = "(" + String.join("", parameters) + ")";
        return (access, name, descriptor) -> descriptor.startsWith(prefix);
    }

    /** Methods with {@code count} parameters, the {@code index}-th of type {@code parameter} (a descriptor). */
    public static Matcher takes(int count, int index, String parameter) {
        return (access, name, descriptor) -> {
            Type[] arguments = Type.getArgumentTypes(descriptor);
            return arguments.length == count && arguments[index].getDescriptor().equals(parameter);
        };
    }

    /** Methods with at least one parameter, the first of type {@code parameter} (a descriptor). */
    public static Matcher takesFirst(String parameter) {
        return (access, name, descriptor) -> descriptor.startsWith("(" + parameter);
    }

    /** Methods with {@code count} parameters. */
    public static Matcher takesCount(int count) {
        return (access, name, descriptor) -> Type.getArgumentCount(descriptor) == count;
    }

    /** Methods returning {@code result} (a descriptor). */
    public static Matcher returns(String result) {
        return (access, name, descriptor) -> descriptor.endsWith(")" + result);
    }

    @Override
    public String toString() {
        return "MethodHook[enter=" + enterType + ", onThrowable=" + onThrowable + ", keeps=" + Arrays.toString(kept) + "]";
    }
}
