package dev.vitals.agent.caffeine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheNamesTest {

    private static final List<String> SITE_KEYS = List.of("com.example.OrderService.customers",
            "OrderService.customers", "com.example.OrderService:42", "OrderService:42");

    @Test
    void overridesAreSiteEqualsNamePairsSeparatedBySemicolons() {
        Map<String, String> overrides = CacheNames.parseOverrides(
                " OrderService.customers = customers ; com.example.PriceService:42=prices;;users=accounts; ");

        assertThat(overrides).containsExactly(
                Map.entry("OrderService.customers", "customers"),
                Map.entry("com.example.PriceService:42", "prices"),
                Map.entry("users", "accounts"));
    }

    @Test
    void anEmptySettingOverridesNothing() {
        assertThat(CacheNames.parseOverrides("")).isEmpty();
        assertThat(CacheNames.parseOverrides("  ")).isEmpty();
        assertThat(CacheNames.parseOverrides(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"OrderService.customers", "=customers", "OrderService.customers=",
        "Order Service=x", "OrderService:4x=x", "a=b#2", "a=b c", "a=" + "n123456789n123456789n123456789n123456789n123456789n123456789n1234"})
    void malformedOverridesSayWhatIsAccepted(String text) {
        assertThatThrownBy(() -> CacheNames.parseOverrides(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected site=name pairs separated by ';', such as "
                        + "OrderService.customers=customers;PriceService:42=prices (a site is Class.field, Class:line "
                        + "or a cache's default name; a name is 1 to 64 letters, digits, '.', '_', ':' or '-')");
    }

    @Test
    void aSiteNamedTwiceIsRefused() {
        assertThatThrownBy(() -> CacheNames.parseOverrides("A.b=x;A.b=y"))
                .hasMessageStartingWith("the site A.b is named twice; expected site=name pairs");
    }

    @Test
    void theFrameworkNameBeatsTheSite() {
        assertThat(CacheNames.baseName("users", "CaffeineCacheManager:395", List.of(), Map.of())).isEqualTo("users");
        assertThat(CacheNames.baseName(null, "OrderService.customers", SITE_KEYS, Map.of()))
                .isEqualTo("OrderService.customers");
        assertThat(CacheNames.baseName("", "OrderService:42", SITE_KEYS, Map.of())).isEqualTo("OrderService:42");
        assertThat(CacheNames.baseName(null, null, List.of(), Map.of())).isEqualTo("caffeine");
    }

    @Test
    void theConfigurationBeatsEverythingBySiteInAnyFormOrByDefaultName() {
        for (String key : SITE_KEYS) {
            assertThat(CacheNames.baseName("users", "OrderService.customers", SITE_KEYS, Map.of(key, "renamed")))
                    .as(key).isEqualTo("renamed");
        }
        assertThat(CacheNames.baseName("users", "X:1", List.of("X:1"), Map.of("users", "accounts")))
                .isEqualTo("accounts");
        // The most specific site form wins over a less specific one.
        assertThat(CacheNames.baseName(null, "OrderService.customers", SITE_KEYS,
                Map.of("OrderService:42", "by-line", "OrderService.customers", "by-field"))).isEqualTo("by-field");
    }

    @Test
    void collisionsBecomeUniqueInOrderOfFirstSight() {
        List<String> names = CacheNames.unique(List.of(
                new CacheNames.Claim("users", null),
                new CacheNames.Claim("orders", null),
                new CacheNames.Claim("users", null),
                new CacheNames.Claim("users", null)));

        assertThat(names).containsExactly("users", "orders", "users#2", "users#3");
    }

    @Test
    void aCacheKeepsItsNameWhenAnOlderOneOfTheSameBaseIsGone() {
        // "users" was collected; the cache shown as users#2 stays users#2, a new one takes users.
        List<String> names = CacheNames.unique(List.of(
                new CacheNames.Claim("users", "users#2"),
                new CacheNames.Claim("users", null)));

        assertThat(names).containsExactly("users#2", "users");
    }

    @Test
    void aCacheWhoseBaseChangedIsRenamed() {
        // Named by its site first, then by Spring: the old name no longer fits.
        List<String> names = CacheNames.unique(List.of(
                new CacheNames.Claim("users", "CaffeineCacheManager:395"),
                new CacheNames.Claim("CaffeineCacheManager:395", null)));

        assertThat(names).containsExactly("users", "CaffeineCacheManager:395");
    }

    @Test
    void aPreviousNameIsOnlyKeptOnce() {
        List<String> names = CacheNames.unique(List.of(
                new CacheNames.Claim("users", "users"),
                new CacheNames.Claim("users", "users")));

        assertThat(names).containsExactly("users", "users#2");
    }

    @Test
    void aSuffixMustBeANumberToBelongToABase() {
        List<String> names = CacheNames.unique(List.of(new CacheNames.Claim("users", "users#x")));

        assertThat(names).containsExactly("users");
    }
}
