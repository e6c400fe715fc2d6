package io.mailtap.util;

import io.mailtap.text.WireText;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place secrets are cut out of text meant for a log, an error message or a printout.
 * Config secrets are bearer tokens, basic-auth passwords, the user-info of URLs, and a webhook's
 * path and query (chat webhooks put their credential there). Every error path that may quote a
 * URL, a request or a receiver's answer passes the text through a {@code Redactor} built from the
 * secrets it knows, or through {@link #url} when all it has is a URL.
 */
public final class Redactor {
    public static final String MARK = "<redacted>";
    /** Credential-like query parameters, cut even when the redactor was not told their value. */
    private static final Pattern QUERY_SECRET = Pattern.compile(
            "(?i)([?&;](?:token|access_token|auth|key|api_key|apikey|secret|password|passwd|pwd|sig|signature|code)=)[^&\\s\"'<>#]*");
    /** {@code //user:password@}: the password part of any URL in the text. */
    private static final Pattern USERINFO = Pattern.compile("(//[^/@\\s:\"'<>]*:)[^/@\\s\"'<>]*@");
    /** Shorter values would cut ordinary words out of messages; such a secret is no secret anyway. */
    private static final int MIN_SECRET = 4;

    private static final Redactor NONE = new Redactor(List.of());

    private final List<String> secrets;

    private Redactor(Collection<String> secrets) {
        Set<String> all = new LinkedHashSet<>();
        for (String s : secrets) {
            if (s == null || s.strip().length() < MIN_SECRET) continue;
            all.add(s);
            all.add(s.strip());
            all.add(URLEncoder.encode(s, StandardCharsets.UTF_8));
            all.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        List<String> l = new ArrayList<>(all);
        l.sort(Comparator.comparingInt(String::length).reversed()); // the longest first: a secret may contain another
        this.secrets = List.copyOf(l);
    }

    /** Cuts only credential-like query parameters and URL passwords (no secret values known). */
    public static Redactor none() { return NONE; }

    /** A redactor for these secret values (nulls and blanks ignored). */
    public static Redactor of(Collection<String> secrets) { return new Redactor(secrets); }

    /** This redactor plus more secret values. */
    public Redactor and(Collection<String> more) {
        List<String> all = new ArrayList<>(secrets);
        all.addAll(more);
        return new Redactor(all);
    }

    /**
     * The secrets of one URL as configured: its user-info password (and the basic-auth header
     * value made from it), and when {@code pathIsSecret} its path and query.
     */
    public static List<String> secretsOfUrl(String url, boolean pathIsSecret) {
        List<String> out = new ArrayList<>();
        if (url == null) return out;
        String t = url.strip();
        int scheme = t.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int end = start;
        while (end < t.length() && "/?#".indexOf(t.charAt(end)) < 0) end++;
        String authority = t.substring(start, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) out.add(userInfo.substring(colon + 1));
            out.add(Base64.getEncoder().encodeToString(
                    URLDecoder.decode(userInfo.replace("+", "%2B"), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)));
        }
        if (pathIsSecret && end < t.length()) {
            String rest = t.substring(end);
            int hash = rest.indexOf('#');
            if (hash >= 0) rest = rest.substring(0, hash);
            int q = rest.indexOf('?');
            String path = q < 0 ? rest : rest.substring(0, q);
            if (path.length() > 1) out.add(path);
            if (q >= 0 && q + 1 < rest.length()) {
                out.add(rest.substring(q + 1));
                for (String param : rest.substring(q + 1).split("[&;]")) {
                    int eq = param.indexOf('=');
                    if (eq >= 0 && eq + 1 < param.length()) out.add(param.substring(eq + 1));
                }
            }
        }
        return out;
    }

    /** {@code text} with every known secret, URL password and credential-like query value replaced by {@value #MARK}. */
    public String scrub(String text) {
        if (text == null || text.isEmpty()) return text;
        String s = text;
        for (String secret : secrets) {
            if (s.contains(secret)) s = s.replace(secret, MARK);
        }
        s = USERINFO.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MARK + "@"));
        s = QUERY_SECRET.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MARK));
        return s;
    }

    /**
     * A URL fit for a log or an error message, even when it is malformed: {@code scheme://host[:port]},
     * followed by {@code /…} when it had a path or query (which may be the credential). User-info is
     * never shown.
     */
    public static String url(String text) {
        if (text == null) return "null";
        String t = text.strip();
        int scheme = t.indexOf("://");
        String prefix = scheme < 0 ? "" : t.substring(0, scheme + 3);
        int start = scheme < 0 ? 0 : scheme + 3;
        int end = start;
        while (end < t.length() && "/?#".indexOf(t.charAt(end)) < 0) end++;
        String authority = t.substring(start, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) authority = authority.substring(at + 1);
        String rest = t.substring(end);
        return WireText.forTerminal(prefix + authority) + (rest.isEmpty() || rest.equals("/") ? rest : "/…");
    }
}
