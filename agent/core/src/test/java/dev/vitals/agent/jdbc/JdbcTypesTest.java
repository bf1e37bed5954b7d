package dev.vitals.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.AbstractList;
import java.util.logging.Logger;
import javax.sql.DataSource;
import net.bytebuddy.description.type.TypeDescription;
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

    private int kinds(Class<?> type) {
        return types.kinds(TypeDescription.ForLoadedType.of(type), loader, null);
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
        assertThat(types.kinds(TypeDescription.ForLoadedType.of(Rows.class), loader, DriverPreparedStatement.class))
                .isEqualTo(JdbcTypes.STATEMENT);
        assertThat(JdbcTypes.kinds(WrappingDataSource.class)).isEqualTo(JdbcTypes.DATA_SOURCE);
    }

    @Test
    void theRawMatcherSkipsInterfacesAndTheNamedPackage() {
        assertThat(types.implementing(JdbcTypes.STATEMENT).matches(TypeDescription.ForLoadedType.of(
                DriverPreparedStatement.class), loader, null, null, null)).isTrue();
        assertThat(types.implementing(JdbcTypes.STATEMENT).matches(TypeDescription.ForLoadedType.of(
                DriverStatement.class), loader, null, null, null)).as("an interface").isFalse();
        assertThat(types.implementing(JdbcTypes.CONNECTION).matches(TypeDescription.ForLoadedType.of(
                DriverPreparedStatement.class), loader, null, null, null)).isFalse();
        assertThat(types.implementing(JdbcTypes.DATA_SOURCE, "dev.vitals.").matches(TypeDescription.ForLoadedType.of(
                WrappingDataSource.class), loader, null, null, null)).isFalse();
    }
}
