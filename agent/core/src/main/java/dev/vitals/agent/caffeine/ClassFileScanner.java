package dev.vitals.agent.caffeine;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * Answers two questions about one method's bytecode, from the class file itself, for naming a
 * cache after the field that holds it:
 * <ul>
 *   <li>{@link #fieldStoredAfter}: is the value returned by the call at {@code bci} stored right
 *       away into a field ({@code this.customers = ….build()}), or returned?</li>
 *   <li>{@link #cacheFieldReadBefore}: which Caffeine-typed field did the method read last before
 *       the call at {@code bci} ({@code customers.getIfPresent(id)})?</li>
 * </ul>
 * A small reader of the class-file format (JVM specification, chapter 4): the constant pool, the
 * methods and their {@code Code} attribute; instruction lengths for a linear walk.
 *
 * <p>Stateless; any malformed or unexpected input ends in an {@link IllegalArgumentException}
 * (callers fall back to a line number). Used on agent threads only.
 */
final class ClassFileScanner {

    /** What a call's result turns into. */
    record Use(String fieldOwner, String fieldName, boolean returned) {
        static final Use RETURNED = new Use(null, null, true);
    }

    /** The type prefix of the fields {@link #cacheFieldReadBefore} looks for. */
    static final String CAFFEINE_TYPE_PREFIX = "Lcom/github/benmanes/caffeine/cache/";

    private static final int CHECKCAST = 0xc0;
    private static final int PUTFIELD = 0xb5;
    private static final int PUTSTATIC = 0xb3;
    private static final int GETFIELD = 0xb4;
    private static final int GETSTATIC = 0xb2;
    private static final int ARETURN = 0xb0;

    private final byte[] bytes;
    /** Offset of each constant-pool entry's tag, by index. */
    private final int[] constants;
    private final int afterConstants;

    ClassFileScanner(byte[] bytes) {
        this.bytes = bytes;
        if (bytes.length < 10 || u4(0) != 0xCAFEBABEL) {
            throw new IllegalArgumentException("not a class file");
        }
        int count = u2(8);
        constants = new int[count];
        int offset = 10;
        for (int i = 1; i < count; i++) {
            constants[i] = offset;
            int tag = u1(offset);
            switch (tag) {
                case 1 -> offset += 3 + u2(offset + 1);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> offset += 5;
                case 5, 6 -> {
                    offset += 9;
                    i++; // a long or double takes two entries
                }
                case 7, 8, 16, 19, 20 -> offset += 3;
                case 15 -> offset += 4;
                default -> throw new IllegalArgumentException("constant-pool tag " + tag + " at " + offset);
            }
        }
        afterConstants = offset;
    }

    /**
     * What the method does with the result of the call at {@code bci}: a field store (through
     * any {@code checkcast}), a return, or null for anything else (a local variable, an argument).
     */
    Use fieldStoredAfter(String method, String descriptor, int bci) {
        int[] code = code(method, descriptor);
        int pc = code[0] + bci;
        int end = code[0] + code[1];
        int length = invokeLength(u1(pc));
        pc += length;
        while (pc < end && u1(pc) == CHECKCAST) {
            pc += 3;
        }
        if (pc >= end) {
            return null;
        }
        int opcode = u1(pc);
        if (opcode == PUTFIELD || opcode == PUTSTATIC) {
            return field(u2(pc + 1));
        }
        return opcode == ARETURN ? Use.RETURNED : null;
    }

    /**
     * The field of a Caffeine type read last before the call at {@code bci}, in straight-line code
     * leading to the call, or null. Straight-line: a local-variable or field store, a branch, a
     * return or a jump target between the read and the call means the receiver may be another
     * value ({@code (flag ? a : b).get(key)}, a cache kept in a local), so nothing is claimed.
     */
    Use cacheFieldReadBefore(String method, String descriptor, int bci) {
        int[] code = code(method, descriptor);
        int start = code[0];
        int target = start + bci;
        invokeLength(u1(target));
        boolean[] jumpTargets = new boolean[code[1] + 1];
        Use last = null;
        int pc = start;
        while (pc < target) {
            int opcode = u1(pc);
            if (jumpTargets[pc - start] || breaksStraightLine(opcode)) {
                last = null;
            }
            if (opcode == GETFIELD || opcode == GETSTATIC) {
                int ref = u2(pc + 1);
                if (fieldDescriptor(ref).startsWith(CAFFEINE_TYPE_PREFIX)) {
                    last = field(ref);
                }
            }
            markJumpTargets(opcode, pc, pc - start, jumpTargets);
            pc += instructionLength(opcode, pc - start, pc);
        }
        if (pc != target) {
            throw new IllegalArgumentException("bytecode index " + bci + " is not an instruction");
        }
        return jumpTargets[bci] ? null : last;
    }

    /** Stores, branches, returns and throws: after them the operand stack may hold other values. */
    private static boolean breaksStraightLine(int opcode) {
        return (opcode >= 0x36 && opcode <= 0x56) // stores to locals and arrays
                || (opcode >= 0x99 && opcode <= 0xb1) // branches, switches, returns
                || opcode == PUTSTATIC || opcode == PUTFIELD || opcode == 0xbf // athrow
                || (opcode >= 0xc6 && opcode <= 0xc9); // ifnull, ifnonnull, goto_w, jsr_w
    }

    /** Marks where the branch at {@code pc} ({@code codeOffset} into the code) may jump. */
    private void markJumpTargets(int opcode, int pc, int codeOffset, boolean[] targets) {
        if ((opcode >= 0x99 && opcode <= 0xa8) || opcode == 0xc6 || opcode == 0xc7) {
            mark(targets, codeOffset + (short) u2(pc + 1));
        } else if (opcode == 0xc8 || opcode == 0xc9) {
            mark(targets, codeOffset + (int) u4(pc + 1));
        } else if (opcode == 0xaa || opcode == 0xab) {
            int operands = pc + 1 + (4 - ((codeOffset + 1) % 4)) % 4;
            mark(targets, codeOffset + (int) u4(operands));
            if (opcode == 0xaa) {
                int count = (int) u4(operands + 8) - (int) u4(operands + 4) + 1;
                for (int i = 0; i < count; i++) {
                    mark(targets, codeOffset + (int) u4(operands + 12 + 4 * i));
                }
            } else {
                int pairs = (int) u4(operands + 4);
                for (int i = 0; i < pairs; i++) {
                    mark(targets, codeOffset + (int) u4(operands + 12 + 8 * i));
                }
            }
        }
    }

    private static void mark(boolean[] targets, int offset) {
        if (offset >= 0 && offset < targets.length) {
            targets[offset] = true;
        }
    }

    /** {@code [offset of the code, its length]} of the method, or an exception if it has none. */
    private int[] code(String method, String descriptor) {
        int offset = afterConstants + 6;
        offset += 2 + 2 * u2(offset); // interfaces
        int fields = u2(offset);
        offset += 2;
        for (int i = 0; i < fields; i++) {
            offset = skipMember(offset);
        }
        int methods = u2(offset);
        offset += 2;
        for (int i = 0; i < methods; i++) {
            boolean match = utf8(u2(offset + 2)).equals(method) && utf8(u2(offset + 4)).equals(descriptor);
            int attributes = u2(offset + 6);
            int at = offset + 8;
            for (int a = 0; a < attributes; a++) {
                int length = (int) u4(at + 2);
                if (match && utf8(u2(at)).equals("Code")) {
                    return new int[] {at + 14, (int) u4(at + 10)};
                }
                at += 6 + length;
            }
            offset = at;
        }
        throw new IllegalArgumentException("no code for " + method + descriptor);
    }

    private int skipMember(int offset) {
        int attributes = u2(offset + 6);
        int at = offset + 8;
        for (int a = 0; a < attributes; a++) {
            at += 6 + (int) u4(at + 2);
        }
        return at;
    }

    private Use field(int fieldref) {
        int entry = constants[fieldref];
        if (u1(entry) != 9) {
            throw new IllegalArgumentException("constant " + fieldref + " is not a field reference");
        }
        String owner = utf8(u2(constants[u2(entry + 1)] + 1)).replace('/', '.');
        String name = utf8(u2(constants[u2(entry + 3)] + 1));
        return new Use(owner, name, false);
    }

    private String fieldDescriptor(int fieldref) {
        int entry = constants[fieldref];
        return utf8(u2(constants[u2(entry + 3)] + 3));
    }

    private String utf8(int index) {
        int entry = constants[index];
        if (u1(entry) != 1) {
            throw new IllegalArgumentException("constant " + index + " is not text");
        }
        try {
            // The length prefix and modified UTF-8 are exactly what DataInput.readUTF reads.
            return new DataInputStream(new ByteArrayInputStream(bytes, entry + 1, 2 + u2(entry + 1))).readUTF();
        } catch (IOException e) {
            throw new IllegalArgumentException("bad text constant " + index, e);
        }
    }

    /** The length of the invoke instruction a caller frame points at. */
    private static int invokeLength(int opcode) {
        return switch (opcode) {
            case 0xb6, 0xb7, 0xb8 -> 3; // invokevirtual, invokespecial, invokestatic
            case 0xb9, 0xba -> 5; // invokeinterface, invokedynamic
            default -> throw new IllegalArgumentException("opcode " + opcode + " is not a call");
        };
    }

    /** The length of the instruction at {@code pc}, which is {@code codeOffset} into the code. */
    private int instructionLength(int opcode, int codeOffset, int pc) {
        if (opcode == 0xaa || opcode == 0xab) { // tableswitch, lookupswitch: 4-byte aligned operands
            int pad = (4 - ((codeOffset + 1) % 4)) % 4;
            int operands = pc + 1 + pad;
            if (opcode == 0xaa) {
                long low = (int) u4(operands + 4);
                long high = (int) u4(operands + 8);
                return 1 + pad + 12 + (int) (high - low + 1) * 4;
            }
            return 1 + pad + 8 + (int) u4(operands + 4) * 8;
        }
        if (opcode == 0xc4) { // wide
            return u1(pc + 1) == 0x84 ? 6 : 4;
        }
        if (opcode <= 0x0f) {
            return 1;
        }
        if (opcode == 0x10 || opcode == 0x12 || (opcode >= 0x15 && opcode <= 0x19)
                || (opcode >= 0x36 && opcode <= 0x3a) || opcode == 0xa9 || opcode == 0xbc) {
            return 2;
        }
        if (opcode == 0x11 || opcode == 0x13 || opcode == 0x14 || opcode == 0x84
                || (opcode >= 0x99 && opcode <= 0xa8) || (opcode >= 0xb2 && opcode <= 0xb8)
                || opcode == 0xbb || opcode == 0xbd || opcode == 0xc0 || opcode == 0xc1
                || opcode == 0xc6 || opcode == 0xc7) {
            return 3;
        }
        if (opcode == 0xc5) {
            return 4;
        }
        if (opcode == 0xb9 || opcode == 0xba || opcode == 0xc8 || opcode == 0xc9) {
            return 5;
        }
        if (opcode <= 0xc3) {
            return 1;
        }
        throw new IllegalArgumentException("unknown opcode " + opcode);
    }

    private int u1(int offset) {
        return bytes[offset] & 0xff;
    }

    private int u2(int offset) {
        return (u1(offset) << 8) | u1(offset + 1);
    }

    private long u4(int offset) {
        return ((long) u2(offset) << 16) | u2(offset + 2);
    }
}
