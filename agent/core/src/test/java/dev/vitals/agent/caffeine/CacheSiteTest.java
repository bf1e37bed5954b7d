package dev.vitals.agent.caffeine;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.caches.OrderService;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Naming by site against real bytecode: {@link OrderService} is compiled by javac like any application. */
class CacheSiteTest {

    private OrderService service;

    @BeforeEach
    void newService() {
        service = new OrderService();
    }

    private static CacheSite.Resolved last() {
        return SiteProbe.last.resolve();
    }

    @Test
    void aCacheStoredInAFieldByAConstructorIsNamedAfterTheField() {
        new OrderService();

        assertThat(last().display()).isEqualTo("OrderService.customers");
        assertThat(last().keys()).startsWith("com.example.caches.OrderService.customers", "OrderService.customers");
        assertThat(last().keys()).anyMatch(key -> key.matches("OrderService:\\d+"))
                .anyMatch(key -> key.matches("com\\.example\\.caches\\.OrderService:\\d+"));
    }

    @Test
    void aStaticFieldAndACastAreFollowed() {
        OrderService.initShared();
        assertThat(last().display()).isEqualTo("OrderService.shared");

        service.buildLoading();
        assertThat(last().display()).isEqualTo("OrderService.loading");
    }

    @Test
    void aFactoryMethodThatReturnsTheCacheIsFollowedToItsCaller() {
        service.buildThroughFactory();
        assertThat(last().display()).isEqualTo("OrderService.fromFactory");
    }

    @Test
    void aCacheKeptInALocalVariableIsNamedByItsLine() {
        service.buildIntoLocal();
        assertThat(last().display()).matches("OrderService:\\d+");
        assertThat(last().field()).isNull();
    }

    @Test
    void aCacheInUseIsNamedAfterTheFieldItWasReadFrom() {
        service.find(1);
        assertThat(last().display()).isEqualTo("OrderService.customers");

        service.findAll(new long[] {1, 2});
        assertThat(last().display()).isEqualTo("OrderService.other");

        service.findBySwitch(1, 1);
        assertThat(last().display()).isEqualTo("OrderService.customers");
        service.findBySwitch(7, 1);
        assertThat(last().display()).isEqualTo("OrderService.other");
    }

    @Test
    void aReceiverThatMayComeFromElsewhereIsNotClaimed() {
        service.findEither(true, 1);
        assertThat(last().display()).matches("OrderService:\\d+");

        service.findThroughLocal(1);
        assertThat(last().display()).matches("OrderService:\\d+");
    }

    @Test
    void withoutApplicationFramesNothingIsKnown() {
        assertThat(CacheSite.UNKNOWN.resolve()).isNull();
        assertThat(CacheSite.of(List.of(), false).resolve()).isNull();
    }

    @Test
    void anUnreadableClassFallsBackToTheLine() {
        CacheSite site = CacheSite.of(List.of(new CacheSite.Frame(new java.lang.ref.WeakReference<>(null),
                "com.example.Gone", "run", "()V", 3, 17)), false);
        assertThat(site.resolve().display()).isEqualTo("Gone:17");
        assertThat(site.resolve().keys()).containsExactly("com.example.Gone:17", "Gone:17");
    }
}
