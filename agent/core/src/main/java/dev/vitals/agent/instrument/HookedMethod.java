package dev.vitals.agent.instrument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.TypePath;

/**
 * Weaves one {@link MethodHook} into one method, as it streams from the class reader to the
 * writer. The method's code is kept as it is, but for three changes:
 * <pre>
 *   prologue:  copies of this and the kept arguments; the entry value's default;
 *              [try] entry code [catch Throwable: drop it]
 *   body:      the original code, its locals above the arguments moved up by our slots, each
 *              return replaced by "store the result; goto exit"    [try … catch-all: → thrown]
 *   exit:      [try] exit code [catch: drop]; load the result; return
 *   thrown:    store it; [try] exit code [catch: drop]; rethrow it
 * </pre>
 *
 * <p>Why our own slots between the arguments and the method's locals (every local index above the
 * arguments shifts): the exit and the catch-all handler are reached from everywhere in the body,
 * so their stack map frames must name a type for each local that holds for the whole body. Our
 * slots are written once, before the body, and never by it; the method's own locals and
 * parameters are declared {@code TOP} (unused) there. That is why the exit works on copies: no
 * assumption about what the body stores where, so no {@code VerifyError} for code javac would not
 * write. Every frame of the body gets our slots inserted with their types, which is all the
 * verifier needs; nothing is computed from the class hierarchy (that would load classes from
 * inside a class-file transformer).
 *
 * <p>Class files before version 50 (Java 6) carry no frames and get none.
 */
final class HookedMethod extends MethodVisitor {

    /** Our code never needs more operand stack than this (the widest call: 2 + 1 + 1 + 2 + 1 + 2). */
    private static final int OWN_MAX_STACK = 10;

    private final MethodHook hook;
    private final String owner;
    private final Map<String, String> fields;
    private final boolean frames;
    private final boolean constructor;
    private final Type[] arguments;
    private final Type returnType;
    /** Slots of this and the arguments: the method's locals start here, ours too. */
    private final int argumentsSize;
    /** Our slots, or -1 where the hook needs none. */
    private final int thisCopy;
    private final int[] argumentCopies;
    private final int enterSlot;
    private final int resultSlot;
    private final int thrownSlot;
    /** How far the method's own locals move up. */
    private final int shift;
    /** The frame types of this and the arguments at entry. */
    private final Object[] initialLocals;

    private final Label bodyStart = new Label();
    private final Label exit = new Label();

    HookedMethod(MethodVisitor next, MethodHook hook, String owner, Map<String, String> fields, boolean frames,
            String descriptor) {
        super(Opcodes.ASM9, next);
        this.hook = hook;
        this.owner = owner;
        this.fields = fields;
        this.frames = frames;
        this.constructor = hook.constructors();
        this.arguments = Type.getArgumentTypes(descriptor);
        this.returnType = Type.getReturnType(descriptor);
        int slot = 1;
        List<Object> initial = new ArrayList<>();
        initial.add(owner);
        for (Type argument : arguments) {
            slot += argument.getSize();
            initial.add(frameType(argument));
        }
        argumentsSize = slot;
        initialLocals = initial.toArray();
        boolean exits = hook.exit() != null;
        thisCopy = exits && !constructor ? slot++ : -1;
        int[] kept = exits ? hook.kept() : new int[0];
        argumentCopies = new int[arguments.length];
        Arrays.fill(argumentCopies, -1);
        for (int index : kept) {
            if (index >= arguments.length) {
                continue; // kept "if present": this overload has fewer arguments
            }
            argumentCopies[index] = slot;
            slot += arguments[index].getSize();
        }
        enterSlot = hook.enterType().getSize() > 0 ? slot : -1;
        slot += hook.enterType().getSize();
        resultSlot = exits && returnType.getSort() != Type.VOID ? slot : -1;
        slot += resultSlot >= 0 ? returnType.getSize() : 0;
        thrownSlot = hook.onThrowable() ? slot++ : -1;
        shift = slot - argumentsSize;
    }

    // The prologue.

    @Override
    public void visitCode() {
        super.visitCode();
        if (thisCopy >= 0) {
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitVarInsn(Opcodes.ASTORE, thisCopy);
        }
        for (int i = 0; i < arguments.length; i++) {
            if (argumentCopies[i] >= 0) {
                super.visitVarInsn(arguments[i].getOpcode(Opcodes.ILOAD), argumentSlot(i));
                super.visitVarInsn(arguments[i].getOpcode(Opcodes.ISTORE), argumentCopies[i]);
            }
        }
        if (enterSlot >= 0) {
            pushDefault(hook.enterType());
            super.visitVarInsn(hook.enterType().getOpcode(Opcodes.ISTORE), enterSlot);
        }
        if (hook.enter() != null) {
            Object[] locals = concat(initialLocals, ownLocals(null, null));
            suppressed(new HookCode(this, HookCode.Site.ENTER), hook.enter(), locals);
            // The body may open with a frame of its own; two frames may not share an offset.
            super.visitInsn(Opcodes.NOP);
        }
        super.visitLabel(bodyStart);
    }

    /**
     * {@code code} in a try block whose handler drops what it throws; both paths meet after it.
     * {@code locals}: the frame there, the same on both paths (our code changes no local's type).
     */
    private void suppressed(HookCode site, Consumer<HookCode> code, Object[] locals) {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        Label done = new Label();
        super.visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
        super.visitLabel(start);
        site.locals(locals);
        code.accept(site);
        super.visitLabel(end);
        super.visitJumpInsn(Opcodes.GOTO, done);
        super.visitLabel(handler);
        frame(locals, "java/lang/Throwable");
        super.visitInsn(Opcodes.POP);
        super.visitLabel(done);
        frame(locals);
    }

    // The body: locals moved, frames widened, returns redirected.

    @Override
    public void visitVarInsn(int opcode, int var) {
        super.visitVarInsn(opcode, moved(var));
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        super.visitIincInsn(moved(var), increment);
    }

    @Override
    public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end, int index) {
        super.visitLocalVariable(name, descriptor, signature, start, end, moved(index));
    }

    @Override
    public AnnotationVisitor visitLocalVariableAnnotation(int typeRef, TypePath typePath, Label[] start,
            Label[] end, int[] index, String descriptor, boolean visible) {
        int[] moved = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            moved[i] = moved(index[i]);
        }
        return super.visitLocalVariableAnnotation(typeRef, typePath, start, end, moved, descriptor, visible);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        if (shift == 0) {
            super.visitFrame(type, numLocal, local, numStack, stack);
            return;
        }
        if (type != Opcodes.F_NEW) {
            throw new IllegalStateException("frames must be expanded");
        }
        // Find where the arguments end among the frame's entries (long and double take one entry, two slots).
        int slots = 0;
        int entries = 0;
        while (slots < argumentsSize && entries < numLocal) {
            slots += local[entries] == Opcodes.LONG || local[entries] == Opcodes.DOUBLE ? 2 : 1;
            entries++;
        }
        if (slots > argumentsSize) {
            throw new IllegalStateException("a two-slot local straddles the last parameter");
        }
        List<Object> widened = new ArrayList<>(numLocal + shift + argumentsSize);
        widened.addAll(Arrays.asList(local).subList(0, entries));
        for (; slots < argumentsSize; slots++) {
            widened.add(Opcodes.TOP);
        }
        widened.addAll(Arrays.asList(ownLocals(null, null)));
        widened.addAll(Arrays.asList(local).subList(entries, numLocal));
        super.visitFrame(type, widened.size(), widened.toArray(), numStack, stack);
    }

    @Override
    public void visitInsn(int opcode) {
        if (hook.exit() != null && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            if (resultSlot >= 0) {
                super.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), resultSlot);
            }
            super.visitJumpInsn(Opcodes.GOTO, exit);
            return;
        }
        super.visitInsn(opcode);
    }

    // The exits, after the body.

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        if (hook.exit() != null) {
            Label bodyEnd = new Label();
            super.visitLabel(bodyEnd);
            Label thrown = new Label();
            if (hook.onThrowable()) {
                // Registered last: the method's own handlers, listed before, still come first.
                super.visitTryCatchBlock(bodyStart, bodyEnd, thrown, null);
            }
            Object[] atExit = concat(parametersUnused(), ownLocals(returnType, null));
            super.visitLabel(exit);
            frame(atExit);
            suppressed(new HookCode(this, HookCode.Site.EXIT), hook.exit(), atExit);
            if (resultSlot >= 0) {
                super.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), resultSlot);
            }
            super.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
            if (hook.onThrowable()) {
                super.visitLabel(thrown);
                frame(concat(parametersUnused(), ownLocals(null, null)), "java/lang/Throwable");
                super.visitVarInsn(Opcodes.ASTORE, thrownSlot);
                Object[] atThrown = concat(parametersUnused(), ownLocals(null, "java/lang/Throwable"));
                suppressed(new HookCode(this, HookCode.Site.THROWN), hook.exit(), atThrown);
                super.visitVarInsn(Opcodes.ALOAD, thrownSlot);
                super.visitInsn(Opcodes.ATHROW);
            }
        }
        super.visitMaxs(Math.max(maxStack, OWN_MAX_STACK), maxLocals + shift);
    }

    // For HookCode.

    MethodVisitor code() {
        return mv;
    }

    String owner() {
        return owner;
    }

    Type argumentType(int index) {
        return arguments[index];
    }

    int arity() {
        return arguments.length;
    }

    Type returnType() {
        return returnType;
    }

    Type enterType() {
        return hook.enterType();
    }

    String fieldDescriptor(String name) {
        String descriptor = fields.get(name);
        if (descriptor == null) {
            throw new IllegalStateException(owner + " declares no field " + name);
        }
        return descriptor;
    }

    int argumentSlot(int index) {
        int slot = 1;
        for (int i = 0; i < index; i++) {
            slot += arguments[i].getSize();
        }
        return slot;
    }

    int argumentCopy(int index) {
        if (argumentCopies[index] < 0) {
            throw new IllegalStateException("argument " + index + " is not kept for the exit");
        }
        return argumentCopies[index];
    }

    int thisSlot(HookCode.Site site) {
        return site == HookCode.Site.ENTER || constructor ? 0 : thisCopy;
    }

    int enterSlot() {
        return enterSlot;
    }

    int resultSlot() {
        return resultSlot;
    }

    int thrownSlot() {
        return thrownSlot;
    }

    /** A frame with these locals and stack, when the class file has frames at all. */
    void frame(Object[] locals, Object... stack) {
        if (frames) {
            super.visitFrame(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
        }
    }

    void pushDefault(Type type) {
        switch (type.getSort()) {
            case Type.VOID -> {
            }
            case Type.LONG -> super.visitInsn(Opcodes.LCONST_0);
            case Type.FLOAT -> super.visitInsn(Opcodes.FCONST_0);
            case Type.DOUBLE -> super.visitInsn(Opcodes.DCONST_0);
            case Type.OBJECT, Type.ARRAY -> super.visitInsn(Opcodes.ACONST_NULL);
            default -> super.visitInsn(Opcodes.ICONST_0);
        }
    }

    // Helpers.

    private int moved(int var) {
        return var >= argumentsSize ? var + shift : var;
    }

    /**
     * Frame entries of our slots, in order. {@code result}: the result slot's type where it holds
     * one (at the exit), else unused; {@code thrown} likewise.
     */
    private Object[] ownLocals(Type result, Object thrown) {
        List<Object> own = new ArrayList<>();
        if (thisCopy >= 0) {
            own.add(owner);
        }
        for (int i = 0; i < arguments.length; i++) {
            if (argumentCopies[i] >= 0) {
                own.add(frameType(arguments[i]));
            }
        }
        if (enterSlot >= 0) {
            own.add(frameType(hook.enterType()));
        }
        if (resultSlot >= 0) {
            if (result != null) {
                own.add(frameType(result));
            } else {
                for (int i = 0; i < returnType.getSize(); i++) {
                    own.add(Opcodes.TOP);
                }
            }
        }
        if (thrownSlot >= 0) {
            own.add(thrown != null ? thrown : Opcodes.TOP);
        }
        return own.toArray();
    }

    /**
     * This and the parameters at an exit: unused (the exit reads its copies), but for a
     * constructor's {@code this}, initialised by then and read in place.
     */
    private Object[] parametersUnused() {
        Object[] unused = new Object[argumentsSize];
        Arrays.fill(unused, Opcodes.TOP);
        if (constructor) {
            unused[0] = owner;
        }
        return unused;
    }

    private static Object[] concat(Object[] first, Object[] second) {
        Object[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** How a value of {@code type} appears in a stack map frame. */
    static Object frameType(Type type) {
        return switch (type.getSort()) {
            case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> Opcodes.INTEGER;
            case Type.FLOAT -> Opcodes.FLOAT;
            case Type.LONG -> Opcodes.LONG;
            case Type.DOUBLE -> Opcodes.DOUBLE;
            case Type.ARRAY -> type.getDescriptor();
            default -> type.getInternalName();
        };
    }
}
