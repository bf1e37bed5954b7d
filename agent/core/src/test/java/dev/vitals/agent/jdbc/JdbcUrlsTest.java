package dev.vitals.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JdbcUrlsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:postgresql://127.0.0.1:5432/test                                  | jdbc:postgresql://127.0.0.1:5432/test",
        "jdbc:postgresql://bob:s3cret@db.example:5432/orders?ssl=true           | jdbc:postgresql://db.example:5432/orders?ssl=true",
        "jdbc:postgresql://db/orders?user=bob&password=s3cret&ssl=true          | jdbc:postgresql://db/orders?ssl=true",
        "jdbc:postgresql://db/orders?ssl=true&password=s3cret                   | jdbc:postgresql://db/orders?ssl=true",
        "jdbc:mysql://db:3306/shop?Password=s3cret                              | jdbc:mysql://db:3306/shop",
        "jdbc:h2:mem:vitals;DB_CLOSE_DELAY=-1                                   | jdbc:h2:mem:vitals;DB_CLOSE_DELAY=-1",
        "jdbc:h2:file:/data/db;USER=sa;PASSWORD=s3cret;MODE=PostgreSQL          | jdbc:h2:file:/data/db;MODE=PostgreSQL",
        "jdbc:sqlserver://db:1433;databaseName=shop;password=s3cret;encrypt=true | jdbc:sqlserver://db:1433;databaseName=shop;encrypt=true",
        "jdbc:oracle:thin:scott/tiger@//db:1521/orcl                            | jdbc:oracle:thin:@//db:1521/orcl",
    })
    void credentialsAreRemoved(String url, String expected) {
        assertThat(JdbcUrls.scrub(url)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void nullStaysNull() {
        assertThat(JdbcUrls.scrub(null)).isNull();
    }
}
