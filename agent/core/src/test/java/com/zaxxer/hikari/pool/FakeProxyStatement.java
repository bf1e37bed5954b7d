package com.zaxxer.hikari.pool;

/**
 * Stands for HikariCP's statement proxy: what counts is the package, which the agent leaves
 * uninstrumented (executions are seen on the driver's statement inside).
 */
public final class FakeProxyStatement {
}
