package io.mailtap.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.detect.AddressSet;
import io.mailtap.detect.NullSenderKey;
import io.mailtap.detect.Severity;
import io.mailtap.util.Redactor;

import java.net.URI;
import java.net.URISyntaxException;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The value types of config leaves: how each is read from YAML, validated and printed. */
final class Types {
    private Types() {}

    /** A leaf's type. {@code parse} returns the value, or null after adding a problem. */
    interface Type {
        Object parse(JsonNode n, String path, Problems p);

        /** The value as YAML text (a plain or double-quoted scalar, or a flow sequence). */
        String render(Object v);

        /** What the value is, for documentation ("duration", "list of CIDR blocks", ...). */
        String describe();

        /** Whether YAML null is a legal value. */
        default boolean nullable() { return false; }
    }

    // ---------------------------------------------------------------- helpers

    static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) return "nothing";
        if (n.isNull()) return "null";
        if (n.isBoolean()) return "a boolean (" + n.asText() + ")";
        if (n.isIntegralNumber()) return "an integer (" + n.asText() + ")";
        if (n.isNumber()) return "a number (" + n.asText() + ")";
        if (n.isTextual()) return "a string (" + Yaml.quote(n.asText()) + ")";
        if (n.isArray()) return "a list";
        if (n.isObject()) return "a mapping";
        return n.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static Object wrongType(JsonNode n, String path, Problems p, String expected) {
        p.add(path, "expected " + expected + ", got " + kind(n));
        return null;
    }

    // ---------------------------------------------------------------- scalars

    /** A string; {@code nullable}: YAML null allowed; empty strings are never allowed. */
    static Type string(boolean nullable) {
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a string");
                if (n.asText().isBlank()) {
                    p.add(path, "must not be empty" + (nullable ? " (use null to leave it unset)" : ""));
                    return null;
                }
                return n.asText();
            }

            public String render(Object v) { return Yaml.scalar((String) v); }

            public String describe() { return nullable ? "string or null" : "string"; }

            public boolean nullable() { return nullable; }
        };
    }

    /** A nullable secret: printed as {@code "<redacted>"} when set. */
    static Type secret() {
        Type s = string(true);
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) { return s.parse(n, path, p); }

            public String render(Object v) { return "\"<redacted>\""; }

            public String describe() { return "string or null (secret, never printed)"; }

            public boolean nullable() { return true; }
        };
    }

    /**
     * A nullable secret sent as an HTTP header value (a bearer token): one line of visible ASCII
     * (0x21-0x7e), so a trailing newline from a YAML block scalar is refused here, not by every send.
     */
    static Type headerSecret() {
        Type s = secret();
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                Object v = s.parse(n, path, p);
                if (v instanceof String t) {
                    for (int i = 0; i < t.length(); i++) {
                        char c = t.charAt(i);
                        if (c < 0x21 || c > 0x7e) {
                            String what = c == '\n' ? "a line break" : c == '\r' ? "a carriage return" : c == ' ' ? "a space"
                                    : c == '\t' ? "a tab" : String.format("U+%04X", (int) c);
                            p.add(path, "contains " + what + " at position " + (i + 1) + " of " + t.length()
                                    + ": an HTTP header value must be one line of visible ASCII (value not shown;"
                                    + " a YAML block scalar needs |- to drop its final newline)");
                            return null;
                        }
                    }
                }
                return v;
            }

            public String render(Object v) { return s.render(v); }

            public String describe() { return "string or null (secret, never printed; visible ASCII, one line)"; }

            public boolean nullable() { return true; }
        };
    }

    static Type bool() {
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isBoolean()) return wrongType(n, path, p, "true or false");
                return n.booleanValue();
            }

            public String render(Object v) { return v.toString(); }

            public String describe() { return "boolean"; }
        };
    }

    /** One of the given words (stored as given). */
    static Type choice(String... words) {
        List<String> allowed = List.of(words);
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isTextual() || !allowed.contains(n.asText())) return wrongType(n, path, p, "one of " + allowed);
                return n.asText();
            }

            public String render(Object v) { return (String) v; }

            public String describe() { return String.join(" | ", allowed); }
        };
    }

    /** An integer in [min, max]. */
    static Type integer(long min, long max) {
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isIntegralNumber() || !n.canConvertToLong()) return wrongType(n, path, p, "an integer");
                long v = n.longValue();
                if (v < min || v > max) {
                    p.add(path, rangeMessage(v, min, max));
                    return null;
                }
                return (int) v;
            }

            public String render(Object v) { return v.toString(); }

            public String describe() { return "integer " + min + ".." + max; }
        };
    }

    static String rangeMessage(long v, long min, long max) {
        if (v <= 0 && min >= 1) return "must be positive, got " + v;
        if (v < min) return "must be at least " + min + ", got " + v;
        return "must be at most " + max + ", got " + v;
    }

    /** A power of two in [min, max]. */
    static Type powerOfTwo(int min, int max) {
        Type i = integer(min, max);
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                Object v = i.parse(n, path, p);
                if (v == null) return null;
                int x = (Integer) v;
                if (Integer.bitCount(x) != 1) {
                    p.add(path, "must be a power of two (e.g. " + Integer.highestOneBit(x) + " or "
                            + (Integer.highestOneBit(x) << 1) + "), got " + x);
                    return null;
                }
                return x;
            }

            public String render(Object v) { return v.toString(); }

            public String describe() { return "power of two " + min + ".." + max; }
        };
    }

    /** A byte size: integer or "64MiB"-style string, in [min, max]; the value is a Long. */
    static Type bytes(long min, long max) {
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                Long v;
                if (n.isIntegralNumber() && n.canConvertToLong()) v = n.longValue();
                else if (n.isTextual()) {
                    v = Units.parseBytes(n.asText());
                    if (v == null) {
                        p.add(path, "expected a byte size such as 65536, \"4KiB\" or \"64MiB\", got " + kind(n));
                        return null;
                    }
                } else return wrongType(n, path, p, "a byte size (an integer or a string such as \"64MiB\")");
                if (v < min || v > max) {
                    p.add(path, rangeMessage(v, min, max) + " bytes");
                    return null;
                }
                return v;
            }

            public String render(Object v) {
                String t = Units.formatBytes((Long) v);
                return t.chars().allMatch(Character::isDigit) ? t : Yaml.scalar(t);
            }

            public String describe() { return "byte size"; }
        };
    }

    /** A positive duration ("500ms", "30s", "10m", "1h", "2d", "1h30m"); {@code nullable}: null allowed. */
    static Type duration(boolean nullable) {
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (n.isNumber()) {
                    p.add(path, "expected a duration with a unit such as \"30s\" or \"10m\", got the bare number "
                            + n.asText() + (n.asText().startsWith("-") ? "" : " (seconds? write \"" + n.asText() + "s\")"));
                    return null;
                }
                if (!n.isTextual()) return wrongType(n, path, p, "a duration such as \"30s\"");
                String t = n.asText().trim();
                if (t.startsWith("-")) {
                    p.add(path, "must be positive, got " + Yaml.quote(n.asText()));
                    return null;
                }
                Duration d = Units.parseDuration(t);
                if (d == null) {
                    p.add(path, "expected a duration such as \"500ms\", \"30s\", \"10m\", \"1h\" or \"2d\", got "
                            + Yaml.quote(n.asText()));
                    return null;
                }
                if (d.isZero()) {
                    p.add(path, "must be positive, got " + Yaml.quote(n.asText()));
                    return null;
                }
                return d;
            }

            public String render(Object v) { return Units.formatDuration((Duration) v); }

            public String describe() { return nullable ? "duration or null" : "duration"; }

            public boolean nullable() { return nullable; }
        };
    }

    /** A duration, or {@code 0} / {@code "0s"} for off (rendered as {@code 0s}). */
    static Type durationOrOff() {
        Type d = duration(false);
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                String t = n.asText().trim();
                if ((n.isNumber() && n.asDouble() == 0) || (n.isTextual() && t.matches("0+(ms|s|m|h|d)?"))) return Duration.ZERO;
                return d.parse(n, path, p);
            }

            public String render(Object v) { return ((Duration) v).isZero() ? "0s" : d.render(v); }

            public String describe() { return "duration or 0 (off)"; }
        };
    }

    /** One of the severities. */
    static Type severity() {
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a severity (critical, warning or info)");
                Severity s = Severity.fromLabel(n.asText());
                if (s == null) {
                    p.add(path, "unknown severity " + Yaml.quote(n.asText()) + "; valid: critical, warning, info");
                    return null;
                }
                return s;
            }

            public String render(Object v) { return ((Severity) v).label(); }

            public String describe() { return "critical | warning | info"; }
        };
    }

    /** An http(s) URL; {@code nullable}: null allowed. Stored as its text. */
    static Type url(boolean nullable) {
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a URL");
                String problem = urlProblem(n.asText());
                if (problem != null) {
                    p.add(path, problem);
                    return null;
                }
                return n.asText().trim();
            }

            // user:password@ and token-like query values are not printed
            public String render(Object v) { return Yaml.scalar(Redactor.none().scrub((String) v)); }

            public String describe() { return nullable ? "http(s) URL or null" : "http(s) URL"; }

            public boolean nullable() { return nullable; }
        };
    }

    /** Why {@code text} is not an http(s) URL, or null; the message shows it redacted (never its user-info). */
    static String urlProblem(String text) {
        String shown = Yaml.quote(Redactor.url(text));
        try {
            URI u = new URI(text.trim());
            if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
                return "bad URL " + shown + ": must start with http:// or https://";
            }
            if (u.getHost() == null || u.getHost().isEmpty()) return "bad URL " + shown + ": no host";
            if (u.getPort() > 65535) return "bad URL " + shown + ": port out of range";
            return null;
        } catch (URISyntaxException e) {
            // getReason() does not quote the input; the index says where the problem is
            return "bad URL " + shown + ": " + e.getReason() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "");
        }
    }

    /** {@code host:port} / {@code [v6]:port} for a listening socket, or null (disabled). */
    static Type listen() {
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "\"host:port\"");
                String t = n.asText().trim();
                int colon = t.lastIndexOf(':');
                String host = colon < 0 ? "" : t.substring(0, colon);
                String port = colon < 0 ? "" : t.substring(colon + 1);
                if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
                if (colon < 0 || host.isEmpty() || (host.contains(":") && !t.startsWith("["))) {
                    p.add(path, "expected \"host:port\" (IPv6 as \"[::1]:9725\"), got " + Yaml.quote(n.asText()));
                    return null;
                }
                if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                        || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                    p.add(path, "port out of range 1-65535 in " + Yaml.quote(n.asText()));
                    return null;
                }
                return t;
            }

            public String render(Object v) { return Yaml.scalar((String) v); }

            public String describe() { return "\"host:port\" or null"; }

            public boolean nullable() { return true; }
        };
    }

    /** An HTTP path starting with '/'. */
    static Type httpPath() {
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a path such as \"/metrics\"");
                String t = n.asText().trim();
                if (!t.startsWith("/") || t.contains(" ") || t.contains("?") || t.contains("#")) {
                    p.add(path, "must be a URL path starting with '/', got " + Yaml.quote(n.asText()));
                    return null;
                }
                return t;
            }

            public String render(Object v) { return Yaml.scalar((String) v); }

            public String describe() { return "URL path"; }
        };
    }

    // ---------------------------------------------------------------- lists

    /**
     * A list whose items are parsed by {@code item} (path {@code key[i]}); duplicates are an error
     * unless {@code allowDuplicates}. {@code nonEmpty}: an empty list is an error.
     */
    static Type list(String describe, Type item, boolean nonEmpty, Function<Object, Object> identity) {
        return new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isArray()) return wrongType(n, path, p, "a list (" + describe + ")");
                if (nonEmpty && n.isEmpty()) {
                    p.add(path, "must not be empty");
                    return null;
                }
                List<Object> out = new ArrayList<>(n.size());
                Set<Object> seen = new HashSet<>();
                int before = p.size();
                for (int i = 0; i < n.size(); i++) {
                    String ip = path + "[" + i + "]";
                    JsonNode e = n.get(i);
                    if (e.isNull()) {
                        p.add(ip, "must not be null");
                        continue;
                    }
                    Object v = item.parse(e, ip, p);
                    if (v == null) continue;
                    if (!seen.add(identity.apply(v))) {
                        p.add(ip, "duplicate entry " + item.render(v));
                        continue;
                    }
                    out.add(v);
                }
                return p.size() == before ? List.copyOf(out) : null;
            }

            public String render(Object v) {
                List<?> l = (List<?>) v;
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) b.append(", ");
                    b.append(item.render(l.get(i)));
                }
                return b.append(']').toString();
            }

            public String describe() { return "list of " + describe; }
        };
    }

    static Type list(String describe, Type item, boolean nonEmpty) {
        return list(describe, item, nonEmpty, Function.identity());
    }

    static Type ports(boolean nonEmpty) {
        return list("ports", integer(1, 65535), nonEmpty);
    }

    /** CIDR blocks (or single addresses); stored normalised ("10.0.0.0/8"). */
    static Type cidrs() {
        Type cidr = new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a CIDR block such as \"10.0.0.0/8\"");
                try {
                    return AddressSet.Cidr.parse(n.asText()).text();
                } catch (IllegalArgumentException e) {
                    p.add(path, "bad CIDR: " + e.getMessage());
                    return null;
                }
            }

            public String render(Object v) { return Yaml.scalar((String) v); }

            public String describe() { return "CIDR"; }
        };
        return list("CIDR blocks", cidr, false);
    }

    private static final Pattern HOST_NAME = Pattern.compile("[\\p{L}\\p{N}_-]+(\\.[\\p{L}\\p{N}_-]+)*");

    /** Host or domain names; stored lower-case (ROOT) without trailing dots. */
    static Type names(String describe) {
        Type name = new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a " + describe);
                String h = n.asText().trim().toLowerCase(Locale.ROOT);
                while (h.endsWith(".")) h = h.substring(0, h.length() - 1);
                if (!HOST_NAME.matcher(h).matches()) {
                    p.add(path, "not a valid " + describe + ": " + Yaml.quote(n.asText()));
                    return null;
                }
                return h;
            }

            public String render(Object v) { return Yaml.scalar((String) v); }

            public String describe() { return describe; }
        };
        return list(describe + "s", name, false);
    }

    /** Account local parts: stored lower-case (ROOT), NFC. */
    static Type accounts() {
        Type acct = new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "an account name");
                String a = Normalizer.normalize(n.asText().trim(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
                if (a.isEmpty()) {
                    p.add(path, "must not be empty");
                    return null;
                }
                return a;
            }

            public String render(Object v) { return Yaml.scalar((String) v); }

            public String describe() { return "account"; }
        };
        return list("account names", acct, false);
    }

    /** Blocklist patterns: case-insensitive substrings, or {@code re:<java regex>}. */
    static Type patterns() {
        Type pat = new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a pattern string");
                String t = n.asText();
                if (t.isBlank() || t.equals("re:")) {
                    p.add(path, "must not be empty");
                    return null;
                }
                if (t.startsWith("re:")) {
                    try {
                        io.mailtap.detect.BlocklistPatterns.compile(t.substring(3));
                    } catch (PatternSyntaxException e) {
                        p.add(path, "bad regular expression: " + e.getDescription() + " near index " + e.getIndex());
                        return null;
                    }
                }
                return t;
            }

            public String render(Object v) { return Yaml.scalar((String) v); }

            public String describe() { return "pattern"; }
        };
        return list("patterns (substring, or re:<regex>)", pat, false, v -> ((String) v).toLowerCase(Locale.ROOT));
    }

    /** A non-empty set of null_sender_burst key types. */
    static Type nullSenderKeys() {
        Type k = new Type() {
            public Object parse(JsonNode n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "client, account or server");
                NullSenderKey key = NullSenderKey.fromLabel(n.asText().trim().toLowerCase(Locale.ROOT));
                if (key == null) {
                    p.add(path, "unknown key type " + Yaml.quote(n.asText()) + "; valid: client, account, server");
                    return null;
                }
                return key;
            }

            public String render(Object v) { return ((NullSenderKey) v).label(); }

            public String describe() { return "key type"; }
        };
        return list("client | account | server", k, true);
    }
}
