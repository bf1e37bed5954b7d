package org.xnio;

import java.lang.reflect.Proxy;
import javax.management.MBeanServer;

/**
 * Replaces XNIO's own {@code Xnio.MBeanHolder} in the agent's relocated copy of XNIO (the
 * original is filtered out of the shaded jar; see agent/core/pom.xml).
 *
 * <p>Why: XNIO registers an MBean for its provider, each worker and each server in the
 * <em>platform</em> MBean server, unconditionally. Creating the platform MBean server
 * initialises {@code java.util.logging.LogManager}, and an agent that does that before the
 * application has chosen its {@code LogManager} breaks the application (WildFly and JBoss
 * LogManager are the classic case). It would also leave MBeans that pin our class loader after
 * a detach, and clash with an application's own XNIO MBeans.
 *
 * <p>XNIO reaches the MBean server only through the synthetic accessor {@code access$000} of
 * this nested class (it was compiled before nest-mates), so a class of that binary name in the
 * same package and loader is a complete replacement: here, an MBean server that accepts and
 * forgets every call. Our management surface is the HTTP API, not JMX.
 */
final class Xnio$MBeanHolder {

    private static final MBeanServer MBEAN_SERVER = (MBeanServer) Proxy.newProxyInstance(
            Xnio$MBeanHolder.class.getClassLoader(), new Class<?>[] {MBeanServer.class},
            (proxy, method, args) -> {
                Class<?> type = method.getReturnType();
                if (type == boolean.class) {
                    return false;
                }
                if (type == int.class || type == Integer.class) {
                    return 0;
                }
                if (method.getName().equals("toString")) {
                    return "vitals-no-op-mbean-server";
                }
                if (method.getName().equals("hashCode")) {
                    return System.identityHashCode(proxy);
                }
                return null;
            });

    private Xnio$MBeanHolder() {
    }

    /** What XNIO calls (binary-compatible with the accessor javac generated for the original). */
    static MBeanServer access$000() {
        return MBEAN_SERVER;
    }
}
