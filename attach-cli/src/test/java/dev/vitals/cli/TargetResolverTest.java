package dev.vitals.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetResolverTest {

    private static final List<JvmDescriptor> JVMS = List.of(
            new JvmDescriptor(300, "com.example.orders.OrdersApp --port 8080"),
            new JvmDescriptor(100, "/opt/app/billing-service.jar --spring.profiles.active=prod"),
            new JvmDescriptor(200, "com.example.orders.OrdersWorker"),
            new JvmDescriptor(400, ""),
            new JvmDescriptor(500, "500"));

    @Test
    void aNumberIsAPidEvenIfNoJvmIsListed() {
        assertEquals(new TargetResolver.Pid(4242), TargetResolver.resolve("4242", List.of()));
    }

    @Test
    void aRegexFoundInExactlyOneMainClassGivesItsPid() {
        assertEquals(new TargetResolver.Pid(300), TargetResolver.resolve("OrdersApp", JVMS));
        assertEquals(new TargetResolver.Pid(200), TargetResolver.resolve("Worker$", JVMS));
    }

    @Test
    void aRegexMatchesAJarPath() {
        assertEquals(new TargetResolver.Pid(100), TargetResolver.resolve("billing-.*\\.jar", JVMS));
    }

    @Test
    void theProgramArgumentsAreNotSearched() {
        assertInstanceOf(TargetResolver.NoMatch.class, TargetResolver.resolve("profiles", JVMS));
        assertInstanceOf(TargetResolver.NoMatch.class, TargetResolver.resolve("port", JVMS));
    }

    @Test
    void moreThanOneMatchIsAmbiguousAndListsTheMatchesByPid() {
        TargetResolver.Resolution r = TargetResolver.resolve("orders", JVMS);
        TargetResolver.Ambiguous ambiguous = assertInstanceOf(TargetResolver.Ambiguous.class, r);
        assertEquals(List.of(200L, 300L), ambiguous.matches().stream().map(JvmDescriptor::pid).toList());
    }

    @Test
    void noMatchNamesTheRegex() {
        assertEquals(new TargetResolver.NoMatch("inventory"), TargetResolver.resolve("inventory", JVMS));
    }

    @Test
    void jvmsWithoutAMainClassMatchNothing() {
        assertInstanceOf(TargetResolver.NoMatch.class, TargetResolver.resolve("^5", JVMS));
        assertInstanceOf(TargetResolver.NoMatch.class, TargetResolver.resolve("^$", JVMS));
    }

    @Test
    void anInvalidRegexSaysSo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TargetResolver.resolve("Orders[", JVMS));
        assertEquals("'Orders[' is neither a pid nor a valid regular expression: Unclosed character class near index 6",
                e.getMessage());
    }

    @Test
    void mainIsTheFirstWordOfTheDisplayName() {
        assertEquals("com.example.orders.OrdersApp", JVMS.get(0).main());
        assertEquals("/opt/app/billing-service.jar", JVMS.get(1).main());
        assertEquals("?", JVMS.get(3).main());
        assertEquals("?", JVMS.get(4).main(), "the attach API falls back to the pid when it knows no name");
        assertTrue(TargetResolver.isPid("0012"));
    }
}
