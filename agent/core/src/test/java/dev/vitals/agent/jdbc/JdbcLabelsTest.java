package dev.vitals.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JdbcLabelsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:h2:mem:vitals;DB_CLOSE_DELAY=-1                               | h2:mem:vitals",
        "jdbc:h2:mem:vitals;USER=sa;PASSWORD=secret                         | h2:mem:vitals",
        "jdbc:postgresql://127.0.0.1:5432/test                              | postgresql://127.0.0.1:5432/test",
        "jdbc:postgresql://app:secret@db:5432/shop?password=secret&ssl=true | postgresql://db:5432/shop",
        "jdbc:mysql://db:3306/shop?user=root&password=secret                | mysql://db:3306/shop",
        "jdbc:oracle:thin:scott/tiger@db:1521/orcl                          | oracle:thin:@db:1521/orcl",
        "jdbc:sqlserver://db:1433;databaseName=shop;password=secret         | sqlserver://db:1433",
        "JDBC:H2:mem:upper                                                  | H2:mem:upper",
    })
    void aUrlLabelKeepsDriverHostAndDatabaseOnly(String url, String label) {
        assertThat(JdbcLabels.forUrl(url)).isEqualTo(label);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "com.zaxxer.hikari.pool.HikariProxyConnection | true",
        "org.h2.jdbc.JdbcConnection                   | false",
    })
    void hikariProxiesAreRecognisedByPackage(String className, boolean pooled) {
        assertThat(className.startsWith("com.zaxxer.hikari.pool.")).isEqualTo(pooled);
    }
}
