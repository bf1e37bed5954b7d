package dev.vitals.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.agent.jdbc.QuerySort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryRoutesTest {

    @Test
    void sortDefaultsToTotalTimeAndTakesEveryApiName() throws BadParameterException {
        assertThat(QueryRoutes.sort(null)).isEqualTo(QuerySort.TOTAL_TIME);
        assertThat(QueryRoutes.sort("total_time")).isEqualTo(QuerySort.TOTAL_TIME);
        assertThat(QueryRoutes.sort("p99_time")).isEqualTo(QuerySort.P99_TIME);
        assertThat(QueryRoutes.sort("calls")).isEqualTo(QuerySort.CALLS);
        assertThat(QueryRoutes.sort("errors")).isEqualTo(QuerySort.ERRORS);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "x          | sort must be one of total_time, p99_time, calls, errors; got 'x'",
        "CALLS      | sort must be one of total_time, p99_time, calls, errors; got 'CALLS'",
        "''         | sort must be one of total_time, p99_time, calls, errors; got ''",
        "avg_time   | sort must be one of total_time, p99_time, calls, errors; got 'avg_time'",
    })
    void badSortNamesTheAcceptedValues(String text, String message) {
        assertThatThrownBy(() -> QueryRoutes.sort(text))
                .isInstanceOfSatisfying(BadParameterException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(message);
                    assertThat(e.field()).isEqualTo("sort");
                });
    }

    @Test
    void limitDefaultsAndTakesItsRange() throws BadParameterException {
        assertThat(QueryRoutes.limit(null, 50, 1000)).isEqualTo(50);
        assertThat(QueryRoutes.limit("1", 50, 1000)).isEqualTo(1);
        assertThat(QueryRoutes.limit("1000", 50, 1000)).isEqualTo(1000);
        assertThat(QueryRoutes.limit("200", 50, 200)).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0     | 1000 | limit must be an integer from 1 to 1000; got '0'",
        "1001  | 1000 | limit must be an integer from 1 to 1000; got '1001'",
        "-5    | 1000 | limit must be an integer from 1 to 1000; got '-5'",
        "ten   | 1000 | limit must be an integer from 1 to 1000; got 'ten'",
        "2.5   | 1000 | limit must be an integer from 1 to 1000; got '2.5'",
        "201   | 200  | limit must be an integer from 1 to 200; got '201'",
        "''    | 200  | limit must be an integer from 1 to 200; got ''",
    })
    void badLimitNamesTheAcceptedRange(String text, int max, String message) {
        assertThatThrownBy(() -> QueryRoutes.limit(text, 50, max))
                .isInstanceOfSatisfying(BadParameterException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(message);
                    assertThat(e.field()).isEqualTo("limit");
                });
    }
}
