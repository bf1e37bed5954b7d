package dev.vitals.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.AbstractList;
import java.util.logging.Logger;
import javax.sql.DataSource;
import dev.vitals.agent.instrument.ClassCandidate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.objectweb.asm.ClassReader;
import org.junit.jupiter.api.Test;

class JdbcTypesTest {

    /** A driver's base class: abstract, implementing the interface through another one of its own. */
    interface DriverStatement extends java.sql.PreparedStatement {
    }

    abstract static class AbstractDriverStatement implements DriverStatement {
    }

    abstract static class DriverPreparedStatement extends AbstractDriverStatement {
    }

    abstract static class WrappingDataSource implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return null;
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }
    }

    abstract static class Rows extends AbstractList<String> {
    }

    private final JdbcTypes types = new JdbcTypes();
    private final ClassLoader loader = getClass().getClassLoader();

    /** {@code type} as the weaver sees it while it is being defined: from its class file's header. */
    private ClassCandidate candidate(Class<?> type, Class<?> loaded) {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = loader.getResourceAsStream(resource)) {
            ClassReader header = new ClassReader(in);
            return new ClassCandidate(header.getClassName(), header.getAccess(), header.getSuperName(),
                    header.getInterfaces(), loader, loaded);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int kinds(Class<?> type) {
        return types.kinds(candidate(type, null));
    }

    @Test
    void findsTheInterfaceThroughSuperclassesAndInterfacesOfTheApplication() {
        assertThat(kinds(DriverPreparedStatement.class)).isEqualTo(JdbcTypes.STATEMENT);
        assertThat(kinds(AbstractDriverStatement.class)).isEqualTo(JdbcTypes.STATEMENT);
        assertThat(kinds(WrappingDataSource.class)).isEqualTo(JdbcTypes.DATA_SOURCE);
        assertThat(kinds(Rows.class)).isZero();
        assertThat(kinds(String.class)).isZero();
    }

    @Test
    void answersForLoadedClassesByReflection() {
        assertThat(types.kinds(candidate(Rows.class, DriverPreparedStatement.class))).isEqualTo(JdbcTypes.STATEMENT);
        assertThat(JdbcTypes.kinds(WrappingDataSource.class)).isEqualTo(JdbcTypes.DATA_SOURCE);
    }

    @Test
    void classesOnlyAndNotTheSkippedPackage() {
        assertThat(types.implementing(candidate(DriverPreparedStatement.class, null), JdbcTypes.STATEMENT, null)).isTrue();
        assertThat(types.implementing(candidate(DriverStatement.class, null), JdbcTypes.STATEMENT, null))
                .as("an interface").isFalse();
        assertThat(types.implementing(candidate(DriverPreparedStatement.class, null), JdbcTypes.CONNECTION, null)).isFalse();
        assertThat(types.implementing(candidate(WrappingDataSource.class, null), JdbcTypes.DATA_SOURCE, "dev/vitals/"))
                .isFalse();
    }
}
