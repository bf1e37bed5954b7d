package dev.vitals.agent.instrument;

import org.objectweb.asm.Opcodes;

/**
 * A class about to be defined or retransformed, as far as matching needs it: what its class
 * file's header says, which loader defines it, and the class itself when it is already loaded.
 *
 * @param internalName {@code com/zaxxer/hikari/pool/HikariPool}
 * @param access the class file's access flags
 * @param superName the super class's internal name ({@code null} for {@code java/lang/Object})
 * @param interfaces the internal names of the interfaces it declares itself
 * @param loader its defining loader ({@code null}: the bootstrap loader)
 * @param loaded the class, when it is being retransformed; else {@code null}
 */
public record ClassCandidate(String internalName, int access, String superName, String[] interfaces,
        ClassLoader loader, Class<?> loaded) {

    /** {@code com.zaxxer.hikari.pool.HikariPool}. */
    public String name() {
        return internalName.replace('/', '.');
    }

    public boolean isInterface() {
        return (access & Opcodes.ACC_INTERFACE) != 0;
    }
}
