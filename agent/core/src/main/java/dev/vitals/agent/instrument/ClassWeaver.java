package dev.vitals.agent.instrument;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Passes a class file through, weaving each method the first matching hook of the given
 * instrumentations into it ({@link HookedMethod}); remembers which instrumentations wove
 * anything. Fields are noted on the way, for hooks that read or write them: a class file lists
 * its fields before its methods.
 */
final class ClassWeaver extends ClassVisitor {

    /** The hooks one instrumentation has for this class. */
    record LibraryHooks(LibraryInstrumentation library, List<MethodHook> hooks) {
    }

    private final List<LibraryHooks> hooks;
    private final Map<String, String> fields = new HashMap<>();
    private final Set<String> woven = new LinkedHashSet<>();
    private String owner;
    private boolean frames;

    ClassWeaver(ClassVisitor next, List<LibraryHooks> hooks) {
        super(Opcodes.ASM9, next);
        this.hooks = hooks;
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        owner = name;
        // The major version is the low half: stack map frames exist from Java 6 (50) on.
        frames = (version & 0xFFFF) >= Opcodes.V1_6;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        fields.put(name, descriptor);
        return super.visitField(access, name, descriptor, signature, value);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        for (LibraryHooks candidate : hooks) {
            for (MethodHook hook : candidate.hooks()) {
                if (hook.matches(access, name, descriptor)) {
                    woven.add(candidate.library().name());
                    return new HookedMethod(next, hook, owner, fields, frames, descriptor);
                }
            }
        }
        return next;
    }

    /** Names of the instrumentations that changed a method. */
    Set<String> woven() {
        return woven;
    }
}
