package dev.vitals.agent.alert;

import dev.vitals.agent.alert.AlertRule.WebhookFormat;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which webhook URLs Vitals may post to, and which payload format a URL implies.
 *
 * <p>A webhook URL is typed by whoever holds the API token, and the agent posts from inside the
 * application's network: it must not become a way to reach the cloud's instance metadata service
 * (credentials) or other link-local services. Refused: link-local addresses (169.254.0.0/16,
 * fe80::/10), the metadata endpoints (169.254.169.254, fd00:ec2::254, Azure's 168.63.129.16,
 * Alibaba's 100.100.100.200) and their host names ({@link #METADATA_HOSTS}), also when written in
 * another form a resolver would accept (2852039166, 0xA9FEA9FE, 0251.0376.0251.0376,
 * [::ffff:169.254.169.254], [::a9fe:a9fe], [64:ff9b::a9fe:a9fe]). Loopback and private addresses
 * are allowed: teams run receivers on the same host or network, and tests post to 127.0.0.1.
 *
 * <p>{@link #problem(URI)} never resolves a name (DNS can block, and the answer can change before
 * the request is sent): a host name is checked when it is sent, by the notifier calling
 * {@link #forbiddenAddress(InetAddress)} on the address it connects to.
 *
 * <p>Stateless; call from any thread.
 */
public final class WebhookUrls {

    /** Longest accepted URL, in characters: longer ones are not webhook URLs we know of. */
    public static final int MAX_LENGTH = 2048;

    /** Host names of cloud metadata services (compared lower-case, without a trailing dot). */
    static final Set<String> METADATA_HOSTS = Set.of(
            "metadata", "metadata.google.internal", "metadata.goog", // Google Cloud
            "instance-data", "instance-data.ec2.internal",            // AWS
            "metadata.tencentyun.com");                              // Tencent Cloud

    /** Discord webhook paths: {@code /api/webhooks/...} and the versioned {@code /api/v10/webhooks/...}. */
    private static final Pattern DISCORD_PATH = Pattern.compile("/api(/v\\d+)?/webhooks/.*");

    private static final Pattern DOTTED_DECIMAL = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

    private static final Pattern IPV6_TEXT = Pattern.compile("[0-9A-Fa-f:.]+");

    /** AWS's IPv6 instance metadata endpoint, fd00:ec2::254 (after IPV6_TEXT: it is parsed with it). */
    private static final byte[] AWS_METADATA_V6 = ipv6Literal("fd00:ec2::254").getAddress();

    /** Marks a host that looks like a numeric IPv4 address but is not a valid one. */
    private static final byte[] NOT_AN_ADDRESS = new byte[0];

    private WebhookUrls() {
    }

    /**
     * Why {@code url} cannot be a webhook URL, or null when it can. Checks the length, the syntax,
     * then {@link #problem(URI)}.
     */
    public static String problem(String url) {
        if (url == null || url.isEmpty()) {
            return "the webhook URL is empty; expected an absolute http or https URL";
        }
        if (url.length() > MAX_LENGTH) {
            return "the webhook URL is " + url.length() + " characters long; at most " + MAX_LENGTH + " are accepted";
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "the webhook URL is not a valid URL (" + e.getReason() + " at index " + e.getIndex()
                    + "); encode spaces and other special characters";
        }
        return problem(uri);
    }

    /**
     * Why {@code uri} cannot be a webhook URL, or null when it can: it must be an absolute
     * {@code http} or {@code https} URL with a host, without user info, at most
     * {@link #MAX_LENGTH} characters, whose host is not a metadata host name nor a literal
     * address {@link #forbiddenAddress forbidden}. Never resolves a name.
     */
    public static String problem(URI uri) {
        if (uri == null) {
            return "the webhook URL is empty; expected an absolute http or https URL";
        }
        String scheme = uri.getScheme();
        if (scheme == null) {
            return "the webhook URL must be absolute, starting with http:// or https://";
        }
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return "the webhook URL must use http or https, not '" + scheme + "'";
        }
        if (uri.isOpaque()) {
            return "the webhook URL must be absolute, starting with http:// or https://";
        }
        String authority = uri.getRawAuthority();
        if (uri.getRawUserInfo() != null || (authority != null && authority.contains("@"))) {
            return "the webhook URL must not contain user info (user:password@); services that need a secret take it"
                    + " in the path, the query or a routing key";
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return authority == null || authority.isEmpty() ? "the webhook URL has no host"
                    : "the webhook URL has no valid host: '" + authority + "' is not a host name, a dotted IPv4"
                            + " address or a bracketed IPv6 address (write international names in their xn-- form)";
        }
        int port = uri.getPort();
        if (port == 0 || port > 65_535) {
            return "the webhook URL's port " + port + " is not between 1 and 65535";
        }
        String text = uri.toString();
        if (text.length() > MAX_LENGTH) {
            return "the webhook URL is " + text.length() + " characters long; at most " + MAX_LENGTH + " are accepted";
        }
        return hostProblem(host);
    }

    /** Why a host (as {@link URI#getHost()} gives it, IPv6 in brackets) is refused, or null. */
    private static String hostProblem(String uriHost) {
        String host = uriHost.toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            String text = host.substring(1, host.endsWith("]") ? host.length() - 1 : host.length());
            int zone = text.indexOf('%');
            if (zone >= 0) {
                text = text.substring(0, zone); // a zone does not change what the address is
            }
            InetAddress address = ipv6Literal(text);
            if (address == null) {
                return "the webhook URL's host '" + uriHost + "' is not a valid IPv6 address";
            }
            String reason = forbiddenReason(address);
            return reason == null ? null : refused(reason);
        }
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (METADATA_HOSTS.contains(host)) {
            return refused("a cloud metadata service (" + host + ")");
        }
        byte[] v4 = ipv4Literal(host);
        if (v4 == null) {
            return null; // a host name: the notifier checks the address it resolves to
        }
        if (v4 == NOT_AN_ADDRESS) {
            return "the webhook URL's host '" + uriHost + "' looks like an IPv4 address but is not a valid one";
        }
        String reason = v4Reason(v4);
        if (reason != null) {
            return refused(reason);
        }
        if (!DOTTED_DECIMAL.matcher(host).matches()) {
            return "the webhook URL's host '" + uriHost + "' is an IPv4 address in an unusual form; write it as four"
                    + " decimal numbers (a.b.c.d)";
        }
        return null;
    }

    private static String refused(String reason) {
        return "the webhook URL points at " + reason + "; webhooks may not target link-local addresses or cloud"
                + " metadata services (loopback and private addresses are fine)";
    }

    /**
     * Whether a webhook may not be sent to {@code address}: a link-local or cloud metadata address,
     * also as an IPv4 address embedded in IPv6 (mapped, compatible, NAT64, 6to4). The notifier
     * calls it with the address a host name resolved to, just before connecting.
     */
    public static boolean forbiddenAddress(InetAddress address) {
        return forbiddenReason(address) != null;
    }

    /**
     * What {@code address} is when it is {@link #forbiddenAddress forbidden} ({@code a link-local
     * address (169.254.0.0/16)}), or null when a webhook may be sent to it.
     */
    public static String forbiddenReason(InetAddress address) {
        if (address == null) {
            return null;
        }
        byte[] b = address.getAddress();
        if (b.length == 4) {
            return v4Reason(b);
        }
        if (b.length != 16) {
            return null;
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
            return "a link-local address (fe80::/10)";
        }
        if (Arrays.equals(b, AWS_METADATA_V6)) {
            return "a cloud metadata service (fd00:ec2::254)";
        }
        byte[] embedded = embeddedV4(b);
        if (embedded != null) {
            String reason = v4Reason(embedded);
            if (reason != null) {
                return reason + ", embedded in the IPv6 address " + address.getHostAddress();
            }
        }
        return null;
    }

    private static String v4Reason(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        int a3 = b[3] & 0xff;
        if (a0 == 169 && a1 == 254) {
            return a2 == 169 && a3 == 254 ? "a cloud metadata service (169.254.169.254)"
                    : "a link-local address (169.254.0.0/16)";
        }
        if (a0 == 168 && a1 == 63 && a2 == 129 && a3 == 16) {
            return "a cloud metadata service (Azure's 168.63.129.16)";
        }
        if (a0 == 100 && a1 == 100 && a2 == 100 && a3 == 200) {
            return "a cloud metadata service (Alibaba Cloud's 100.100.100.200)";
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4 address, or null. */
    private static byte[] embeddedV4(byte[] b) {
        boolean zero80 = true;
        for (int i = 0; i < 10; i++) {
            zero80 &= b[i] == 0;
        }
        if (zero80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return Arrays.copyOfRange(b, 12, 16); // ::ffff:a.b.c.d
        }
        if (zero80 && b[10] == 0 && b[11] == 0) {
            return Arrays.copyOfRange(b, 12, 16); // ::a.b.c.d (deprecated, still routed by some stacks)
        }
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; i < 12 && nat64; i++) {
            nat64 = b[i] == 0;
        }
        if (nat64) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return Arrays.copyOfRange(b, 2, 6); // 6to4: 2002:aabb:ccdd::/48
        }
        return null;
    }

    /** The address of an IPv6 literal (without brackets or zone), or null if it is not one; never resolves. */
    private static InetAddress ipv6Literal(String text) {
        if (text.isEmpty() || text.indexOf(':') < 0 || !IPV6_TEXT.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text); // a string with ':' is parsed as a literal, never looked up
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The address of a numeric IPv4 host in any form the BSD resolver ({@code inet_aton}) accepts:
     * one to four parts, each decimal, octal (leading {@code 0}) or hexadecimal ({@code 0x}), the
     * last filling the remaining bytes ({@code 169.254.43518}, {@code 2852039166}). Null when the
     * host is a name; {@link #NOT_AN_ADDRESS} when it is numeric but out of range.
     */
    static byte[] ipv4Literal(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            long v = number(parts[i]);
            if (v < 0) {
                return null;
            }
            values[i] = v;
        }
        int n = parts.length;
        long address = 0;
        for (int i = 0; i < n - 1; i++) {
            if (values[i] > 255) {
                return NOT_AN_ADDRESS;
            }
            address |= values[i] << (8 * (3 - i));
        }
        long lastMax = (1L << (8 * (5 - n))) - 1;
        if (values[n - 1] > lastMax) {
            return NOT_AN_ADDRESS;
        }
        address |= values[n - 1];
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    /** One inet_aton part: its value (saturating at 2^40), or -1 when it is not numeric. */
    private static long number(String part) {
        int radix = 10;
        String digits = part;
        if (part.length() > 2 && (part.startsWith("0x") || part.startsWith("0X"))) {
            radix = 16;
            digits = part.substring(2);
        } else if (part.length() > 1 && part.startsWith("0")) {
            radix = 8;
            digits = part.substring(1);
        }
        if (digits.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = Character.digit(digits.charAt(i), radix);
            if (d < 0) {
                return -1;
            }
            value = Math.min(value * radix + d, 1L << 40);
        }
        return value;
    }

    /**
     * The payload format a URL implies: {@code hooks.slack.com} → Slack; {@code discord.com} or
     * {@code discordapp.com} (and Discord's ptb/canary hosts) with a path under
     * {@code /api/webhooks/} → Discord; {@code events.pagerduty.com} (or the EU service region's
     * {@code events.eu.pagerduty.com}) → PagerDuty; anything else → generic. Null for a null URL.
     */
    public static WebhookFormat inferFormat(URI uri) {
        if (uri == null) {
            return null;
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        return switch (host) {
            case "hooks.slack.com" -> WebhookFormat.SLACK;
            case "discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com" ->
                    DISCORD_PATH.matcher(path).matches() ? WebhookFormat.DISCORD : WebhookFormat.GENERIC;
            case "events.pagerduty.com", "events.eu.pagerduty.com" -> WebhookFormat.PAGERDUTY;
            default -> WebhookFormat.GENERIC;
        };
    }

    /** {@link #inferFormat(URI)} of a URL string; generic when it does not parse, null when null. */
    public static WebhookFormat inferFormat(String url) {
        if (url == null) {
            return null;
        }
        try {
            return inferFormat(new URI(url));
        } catch (URISyntaxException e) {
            return WebhookFormat.GENERIC;
        }
    }
}
