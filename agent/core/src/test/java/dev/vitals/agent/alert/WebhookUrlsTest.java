package dev.vitals.agent.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.agent.alert.AlertRule.WebhookFormat;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookUrlsTest {

    /** Builds an address from its bytes, as a resolver would hand it to the notifier (no lookup). */
    private static InetAddress address(String literal) throws UnknownHostException {
        return InetAddress.getByAddress(InetAddress.getByName(literal).getAddress());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "169.254.169.254          | a cloud metadata service (169.254.169.254)",
        "169.254.0.1              | a link-local address (169.254.0.0/16)",
        "169.254.255.255          | a link-local address (169.254.0.0/16)",
        "168.63.129.16            | a cloud metadata service (Azure's 168.63.129.16)",
        "100.100.100.200          | a cloud metadata service (Alibaba Cloud's 100.100.100.200)",
        "fe80::1                  | a link-local address (fe80::/10)",
        "febf:ffff::1             | a link-local address (fe80::/10)",
        "fd00:ec2::254            | a cloud metadata service (fd00:ec2::254)",
        "::a9fe:a9fe              | a cloud metadata service (169.254.169.254), embedded in the IPv6 address 0:0:0:0:0:0:a9fe:a9fe",
        "64:ff9b::a9fe:101        | a link-local address (169.254.0.0/16), embedded in the IPv6 address 64:ff9b:0:0:0:0:a9fe:101",
        "2002:a9fe:a9fe::1        | a cloud metadata service (169.254.169.254), embedded in the IPv6 address 2002:a9fe:a9fe:0:0:0:0:1",
    })
    void refusesLinkLocalAndMetadataAddressesAtSendTime(String literal, String reason) throws UnknownHostException {
        InetAddress a = address(literal);
        assertThat(WebhookUrls.forbiddenAddress(a)).isTrue();
        assertThat(WebhookUrls.forbiddenReason(a)).isEqualTo(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "192.168.1.20", "172.16.0.5", "8.8.8.8", "169.253.255.255",
        "169.255.0.1", "::1", "fd00::1", "fec0::1", "2001:db8::1", "::7f00:1", "100.100.100.201"})
    void allowsLoopbackPrivateAndPublicAddresses(String literal) throws UnknownHostException {
        assertThat(WebhookUrls.forbiddenAddress(address(literal))).isFalse();
        assertThat(WebhookUrls.forbiddenReason(address(literal))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "https://hooks.slack.com/services/T/B/X",
        "http://localhost/x", "http://[::1]:9000/", "HTTPS://Example.COM/path?q=1#frag", "http://10.0.0.1:1/",
        "http://metadata.example.com/", "http://169.254.169.254.nip.io/"})
    void acceptsOrdinaryUrlsWithoutResolvingThem(String url) {
        assertThat(WebhookUrls.problem(url)).isNull();
        assertThat(WebhookUrls.problem(URI.create(url))).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "169.254.169.254  | 169.254.169.254",
        "2852039166       | 169.254.169.254",
        "0xa9fea9fe       | 169.254.169.254",
        "0251.0376.0251.0376 | 169.254.169.254",
        "169.254.43518    | 169.254.169.254",
        "169.0xfe.0251.254 | 169.254.169.254",
        "127.1            | 127.0.0.1",
    })
    void readsEveryNumericIpv4FormAResolverAccepts(String host, String address) throws UnknownHostException {
        assertThat(InetAddress.getByAddress(WebhookUrls.ipv4Literal(host)).getHostAddress()).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "cafe", "0x", "08", "1e100.net", "a.1.2.3", "1.2.3.4.5"})
    void namesAreNotIpv4Literals(String host) {
        assertThat(WebhookUrls.ipv4Literal(host)).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "none", value = {
        "https://hooks.slack.com/services/T/B/X        | slack",
        "https://discord.com/api/webhooks/1/abc         | discord",
        "https://ptb.discord.com/api/webhooks/1/abc     | discord",
        "https://discord.com/api/v10/webhooks/1/abc     | discord",
        "https://discord.com/api/users/1                | generic",
        "https://events.pagerduty.com/v2/enqueue        | pagerduty",
        "https://example.com/hooks.slack.com            | generic",
        "https://hooks.slack.com.evil.example/services  | generic",
    })
    void infersTheFormat(String url, String format) {
        assertThat(WebhookUrls.inferFormat(url)).isEqualTo(WebhookFormat.byKey(format));
        assertThat(WebhookUrls.inferFormat((String) null)).isNull();
    }
}
