package dev.vitals.it.harness;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequirementsTest {

    @Test
    void availableIsSilent() {
        assertThatCode(() -> Requirements.require("X", true, "missing", true)).doesNotThrowAnyException();
    }

    @Test
    void missingSkipsByDefault() {
        assertThatThrownBy(() -> Requirements.require("Java 25", false, "no JDK at /nowhere", false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("Java 25")
                .hasMessageContaining("no JDK at /nowhere");
    }

    @Test
    void missingFailsWhenEverythingIsRequired() {
        assertThatThrownBy(() -> Requirements.require("Java 25", false, "no JDK at /nowhere", true))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("VITALS_REQUIRE_ALL=true")
                .hasMessageContaining("no JDK at /nowhere");
    }
}
