package dev.vitals.cli;

import com.sun.tools.attach.VirtualMachineDescriptor;

/**
 * A local JVM as the attach API lists it: its pid and its display name (the command line the
 * launcher saw: main class or jar, then the program arguments).
 */
record JvmDescriptor(long pid, String displayName) {

    JvmDescriptor {
        displayName = displayName == null ? "" : displayName.strip();
    }

    /** The descriptor of a listed JVM, or {@code null} if its id is not a pid (other providers). */
    static JvmDescriptor of(VirtualMachineDescriptor d) {
        try {
            return new JvmDescriptor(Long.parseLong(d.id()), d.displayName());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The main class or jar: the first word of the display name; {@code "?"} if the launcher did
     * not record one (JVMs created through JNI, for example). When the attach API knows no name
     * it falls back to the pid itself, which is no main class either.
     */
    String main() {
        if (displayName.isEmpty() || displayName.equals(Long.toString(pid))) {
            return "?";
        }
        int space = displayName.indexOf(' ');
        return space < 0 ? displayName : displayName.substring(0, space);
    }
}
