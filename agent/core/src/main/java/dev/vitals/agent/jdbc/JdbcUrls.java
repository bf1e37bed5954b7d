package dev.vitals.agent.jdbc;

import java.util.Locale;
import java.util.Set;

/**
 * Removes credentials from JDBC URLs before anything of ours shows them: {@code user:pass@} in
 * the authority, and parameters that carry secrets in either URL style ({@code ?password=x&…}
 * or {@code ;password=x;…}).
 */
public final class JdbcUrls {

    /** Parameter names whose values are removed, compared case-insensitively. */
    private static final Set<String> SECRET_PARAMETERS = Set.of("password", "pwd", "pass", "passwd", "user",
            "username", "secret", "token", "accesskey", "secretkey", "sslpassword", "sslkey", "credentials");

    private JdbcUrls() {
    }

    /** The URL without credentials; null stays null. */
    public static String scrub(String url) {
        if (url == null) {
            return null;
        }
        String result = url;
        // Oracle's thin form puts credentials before the host: jdbc:oracle:thin:user/password@host…
        int oracleAt = result.startsWith("jdbc:oracle:") ? result.indexOf('@') : -1;
        if (oracleAt > 0) {
            int colon = result.lastIndexOf(':', oracleAt);
            if (colon > 0 && colon < oracleAt) {
                result = result.substring(0, colon + 1) + result.substring(oracleAt);
            }
        }
        int scheme = result.indexOf("://");
        if (scheme >= 0) {
            int authorityStart = scheme + 3;
            int authorityEnd = indexOfAny(result, "/?;", authorityStart);
            int at = result.lastIndexOf('@', authorityEnd < 0 ? result.length() - 1 : authorityEnd - 1);
            if (at >= authorityStart && !result.startsWith("jdbc:oracle:")) {
                result = result.substring(0, authorityStart) + result.substring(at + 1);
            }
        }
        return dropSecretParameters(result);
    }

    private static String dropSecretParameters(String url) {
        StringBuilder out = new StringBuilder(url.length());
        int i = 0;
        int n = url.length();
        int firstSeparator = indexOfAny(url, "?;", url.indexOf("://") >= 0 ? url.indexOf("://") + 3 : 0);
        if (firstSeparator < 0) {
            return url;
        }
        out.append(url, 0, firstSeparator);
        i = firstSeparator;
        while (i < n) {
            char separator = url.charAt(i);
            int end = indexOfAny(url, "&;", i + 1);
            if (end < 0) {
                end = n;
            }
            String pair = url.substring(i + 1, end);
            int eq = pair.indexOf('=');
            String name = (eq < 0 ? pair : pair.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            if (!SECRET_PARAMETERS.contains(name)) {
                // Keep the first separator's kind ('?' or ';'), whatever was dropped before it.
                out.append(out.length() == firstSeparator ? url.charAt(firstSeparator) : separator).append(pair);
            }
            i = end;
        }
        return out.toString();
    }

    private static int indexOfAny(String text, String chars, int from) {
        for (int i = Math.max(from, 0); i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
