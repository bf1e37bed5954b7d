package dev.vitals.agent.instrument;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What a {@link MethodHook}'s entry or exit code is written with: the bytecode of one call into
 * the bridge ({@code dev.vitals.agent.bridge.Hooks}), with the values it needs. Each method emits
 * instructions at the current point; the hook orders them as the call needs its operands.
 *
 * <p>Only JDK types and the bridge's cross into the application's class: instrumented code may be
 * in any class loader, and the bridge is on the boot class path, visible from all of them.
 */
public final class HookCode {

    /** Where the code runs: at entry, at a return, or with an exception on its way out. */
    enum Site { ENTER, EXIT, THROWN }

    private static final String HOOKS = "dev/vitals/agent/bridge/Hooks";
    private static final String BRIDGE = "dev/vitals/agent/bridge/";

    private final HookedMethod method;
    private final Site site;
    private final MethodVisitor code;
    private Object[] locals = new Object[0];

    HookCode(HookedMethod method, Site site) {
        this.method = method;
        this.site = site;
        this.code = method.code();
    }

    void locals(Object[] frameLocals) {
        this.locals = frameLocals;
    }

    /** Pushes the listener in {@code Hooks.<field>}, of bridge interface {@code type} (simple name). */
    public HookCode listener(String field, String type) {
        code.visitFieldInsn(Opcodes.GETSTATIC, HOOKS, field, "L" + BRIDGE + type + ";");
        return this;
    }

    /** Calls {@code method} of bridge interface {@code type} on the listener and operands pushed before. */
    public HookCode call(String type, String method, String descriptor) {
        code.visitMethodInsn(Opcodes.INVOKEINTERFACE, BRIDGE + type, method, descriptor, true);
        return this;
    }

    /** Pushes {@code this}. */
    public HookCode loadThis() {
        code.visitVarInsn(Opcodes.ALOAD, method.thisSlot(site));
        return this;
    }

    /** Pushes argument {@code index} (0-based): at an exit, its copy from entry (see {@link MethodHook#keeps}). */
    public HookCode loadArgument(int index) {
        Type type = method.argumentType(index);
        int slot = site == Site.ENTER ? method.argumentSlot(index) : method.argumentCopy(index);
        code.visitVarInsn(type.getOpcode(Opcodes.ILOAD), slot);
        return this;
    }

    /** Pushes argument {@code index} as {@link #loadArgument}, or {@code null} where the method has fewer. */
    public HookCode loadArgumentOrNull(int index) {
        return index < method.arity() ? loadArgument(index) : pushNull();
    }

    /** Pops an {@link Object} into argument {@code index}, cast to its type; at entry only. */
    public HookCode storeArgument(int index) {
        requireSite(Site.ENTER);
        Type type = method.argumentType(index);
        checkCast(type);
        code.visitVarInsn(type.getOpcode(Opcodes.ISTORE), method.argumentSlot(index));
        return this;
    }

    /** Pops the entry's value into its slot; at entry only. */
    public HookCode storeEnter() {
        requireSite(Site.ENTER);
        code.visitVarInsn(method.enterType().getOpcode(Opcodes.ISTORE), method.enterSlot());
        return this;
    }

    /** Pushes the entry's value (its default if the entry code failed). */
    public HookCode loadEnter() {
        code.visitVarInsn(method.enterType().getOpcode(Opcodes.ILOAD), method.enterSlot());
        return this;
    }

    /** Pushes the return value; when an exception is on its way out, {@code null} or {@code 0}. */
    public HookCode loadReturn() {
        if (site == Site.EXIT) {
            code.visitVarInsn(method.returnType().getOpcode(Opcodes.ILOAD), method.resultSlot());
        } else {
            requireSite(Site.THROWN);
            method.pushDefault(method.returnType());
        }
        return this;
    }

    /** Pushes the return value widened to a {@code long} (an {@code int} update count, say). */
    public HookCode loadReturnAsLong() {
        loadReturn();
        if (method.returnType().getSort() != Type.LONG) {
            code.visitInsn(Opcodes.I2L);
        }
        return this;
    }

    /** Pops an {@link Object} as the value to return, cast to the method's return type; at a return only. */
    public HookCode storeReturn() {
        requireSite(Site.EXIT);
        checkCast(method.returnType());
        code.visitVarInsn(method.returnType().getOpcode(Opcodes.ISTORE), method.resultSlot());
        return this;
    }

    /** Pushes the exception on its way out, or {@code null} at a return. */
    public HookCode loadThrown() {
        if (site == Site.THROWN) {
            code.visitVarInsn(Opcodes.ALOAD, method.thrownSlot());
        } else {
            requireSite(Site.EXIT);
            code.visitInsn(Opcodes.ACONST_NULL);
        }
        return this;
    }

    /** Pushes field {@code name} of {@code this} (declared by the instrumented class itself). */
    public HookCode loadField(String name) {
        loadThis();
        code.visitFieldInsn(Opcodes.GETFIELD, method.owner(), name, method.fieldDescriptor(name));
        return this;
    }

    /** With {@code this} and an {@link Object} pushed: stores it into field {@code name}, cast to its type. */
    public HookCode storeField(String name) {
        String descriptor = method.fieldDescriptor(name);
        checkCast(Type.getType(descriptor));
        code.visitFieldInsn(Opcodes.PUTFIELD, method.owner(), name, descriptor);
        return this;
    }

    public HookCode push(String constant) {
        code.visitLdcInsn(constant);
        return this;
    }

    public HookCode pushNull() {
        code.visitInsn(Opcodes.ACONST_NULL);
        return this;
    }

    public HookCode push(long constant) {
        code.visitLdcInsn(constant);
        return this;
    }

    /** Any other instruction without an operand ({@code POP}, {@code ICONST_1}…). */
    public HookCode instruction(int opcode) {
        code.visitInsn(opcode);
        return this;
    }

    /** A jump ({@code IFEQ}, {@code IFNULL}, {@code GOTO}…) to a label to {@link #mark}. */
    public HookCode jump(int opcode, Label target) {
        code.visitJumpInsn(opcode, target);
        return this;
    }

    /**
     * Places {@code label}, a jump target, with the frame there: this site's locals and
     * {@code stack} (frame types, such as {@link Opcodes#INTEGER}, bottom first).
     */
    public HookCode mark(Label label, Object... stack) {
        code.visitLabel(label);
        method.frame(locals, stack);
        return this;
    }

    /** Casts the value on top to {@code internalName}. */
    public HookCode castTo(String internalName) {
        code.visitTypeInsn(Opcodes.CHECKCAST, internalName);
        return this;
    }

    private void checkCast(Type type) {
        if (type.getSort() == Type.OBJECT && !type.getInternalName().equals("java/lang/Object")
                || type.getSort() == Type.ARRAY) {
            code.visitTypeInsn(Opcodes.CHECKCAST, type.getInternalName());
        }
    }

    private void requireSite(Site expected) {
        if (site != expected) {
            throw new IllegalStateException("not at " + expected + " but at " + site);
        }
    }
}
