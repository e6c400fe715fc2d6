package io.mailtap.settings;

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

/**
 * The value types of config leaves: how each is read from the file's tree, validated and printed.
 * Types that know a stage's values (severities, CIDR blocks, rule key kinds) are declared by that stage.
 */
public final class ValueTypes {
    private ValueTypes() {}

    // ---------------------------------------------------------------- helpers

    public static Object wrongType(RawValue n, String path, Problems p, String expected) {
        p.add(path, "expected " + expected + ", got " + n.kind());
        return null;
    }

    // ---------------------------------------------------------------- scalars

    /** A string; {@code nullable}: YAML null allowed; empty strings are never allowed. */
    public static Type string(boolean nullable) {
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a string");
                if (n.asText().isBlank()) {
                    p.add(path, "must not be empty" + (nullable ? " (use null to leave it unset)" : ""));
                    return null;
                }
                return n.asText();
            }

            public String render(Object v, Quoting q) { return q.scalar((String) v); }

            public String describe() { return nullable ? "string or null" : "string"; }

            public boolean nullable() { return nullable; }
        };
    }

    /** A nullable secret: printed as {@code "<redacted>"} when set. */
    public static Type secret() {
        Type s = string(true);
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) { return s.parse(n, path, p); }

            public String render(Object v, Quoting q) { return "\"<redacted>\""; }

            public String describe() { return "string or null (secret, never printed)"; }

            public boolean nullable() { return true; }
        };
    }

    /**
     * A nullable secret sent as an HTTP header value (a bearer token): one line of visible ASCII
     * (0x21-0x7e), so a trailing newline from a YAML block scalar is refused here, not by every send.
     */
    public static Type headerSecret() {
        Type s = secret();
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
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

            public String render(Object v, Quoting q) { return s.render(v, q); }

            public String describe() { return "string or null (secret, never printed; visible ASCII, one line)"; }

            public boolean nullable() { return true; }
        };
    }

    public static Type bool() {
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isBoolean()) return wrongType(n, path, p, "true or false");
                return n.booleanValue();
            }

            public String render(Object v, Quoting q) { return v.toString(); }

            public String describe() { return "boolean"; }
        };
    }

    /** One of the given words (stored as given). */
    public static Type choice(String... words) {
        List<String> allowed = List.of(words);
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isTextual() || !allowed.contains(n.asText())) return wrongType(n, path, p, "one of " + allowed);
                return n.asText();
            }

            public String render(Object v, Quoting q) { return (String) v; }

            public String describe() { return String.join(" | ", allowed); }
        };
    }

    /** An integer in [min, max]. */
    public static Type integer(long min, long max) {
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isIntegralNumber() || !n.canConvertToLong()) return wrongType(n, path, p, "an integer");
                long v = n.longValue();
                if (v < min || v > max) {
                    p.add(path, rangeMessage(v, min, max));
                    return null;
                }
                return (int) v;
            }

            public String render(Object v, Quoting q) { return v.toString(); }

            public String describe() { return "integer " + min + ".." + max; }
        };
    }

    public static String rangeMessage(long v, long min, long max) {
        if (v <= 0 && min >= 1) return "must be positive, got " + v;
        if (v < min) return "must be at least " + min + ", got " + v;
        return "must be at most " + max + ", got " + v;
    }

    /** A power of two in [min, max]. */
    public static Type powerOfTwo(int min, int max) {
        Type i = integer(min, max);
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
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

            public String render(Object v, Quoting q) { return v.toString(); }

            public String describe() { return "power of two " + min + ".." + max; }
        };
    }

    /** A byte size: integer or "64MiB"-style string, in [min, max]; the value is a Long. */
    public static Type bytes(long min, long max) {
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                Long v;
                if (n.isIntegralNumber() && n.canConvertToLong()) v = n.longValue();
                else if (n.isTextual()) {
                    v = Units.parseBytes(n.asText());
                    if (v == null) {
                        p.add(path, "expected a byte size such as 65536, \"4KiB\" or \"64MiB\", got " + n.kind());
                        return null;
                    }
                } else return wrongType(n, path, p, "a byte size (an integer or a string such as \"64MiB\")");
                if (v < min || v > max) {
                    p.add(path, rangeMessage(v, min, max) + " bytes");
                    return null;
                }
                return v;
            }

            public String render(Object v, Quoting q) {
                String t = Units.formatBytes((Long) v);
                return t.chars().allMatch(Character::isDigit) ? t : q.scalar(t);
            }

            public String describe() { return "byte size"; }
        };
    }

    /** A positive duration ("500ms", "30s", "10m", "1h", "2d", "1h30m"); {@code nullable}: null allowed. */
    public static Type duration(boolean nullable) {
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (n.isNumber()) {
                    p.add(path, "expected a duration with a unit such as \"30s\" or \"10m\", got the bare number "
                            + n.asText() + (n.asText().startsWith("-") ? "" : " (seconds? write \"" + n.asText() + "s\")"));
                    return null;
                }
                if (!n.isTextual()) return wrongType(n, path, p, "a duration such as \"30s\"");
                String t = n.asText().trim();
                if (t.startsWith("-")) {
                    p.add(path, "must be positive, got " + p.quote(n.asText()));
                    return null;
                }
                Duration d = Units.parseDuration(t);
                if (d == null) {
                    p.add(path, "expected a duration such as \"500ms\", \"30s\", \"10m\", \"1h\" or \"2d\", got "
                            + p.quote(n.asText()));
                    return null;
                }
                if (d.isZero()) {
                    p.add(path, "must be positive, got " + p.quote(n.asText()));
                    return null;
                }
                return d;
            }

            public String render(Object v, Quoting q) { return Units.formatDuration((Duration) v); }

            public String describe() { return nullable ? "duration or null" : "duration"; }

            public boolean nullable() { return nullable; }
        };
    }

    /** A duration, or {@code 0} / {@code "0s"} for off (rendered as {@code 0s}). */
    public static Type durationOrOff() {
        Type d = duration(false);
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                String t = n.asText().trim();
                if ((n.isNumber() && n.asDouble() == 0) || (n.isTextual() && t.matches("0+(ms|s|m|h|d)?"))) return Duration.ZERO;
                return d.parse(n, path, p);
            }

            public String render(Object v, Quoting q) { return ((Duration) v).isZero() ? "0s" : d.render(v, q); }

            public String describe() { return "duration or 0 (off)"; }
        };
    }

    /** An http(s) URL; {@code nullable}: null allowed. Stored as its text. */
    public static Type url(boolean nullable) {
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a URL");
                String problem = urlProblem(n.asText(), p.quoting());
                if (problem != null) {
                    p.add(path, problem);
                    return null;
                }
                return n.asText().trim();
            }

            // user:password@ and token-like query values are not printed
            public String render(Object v, Quoting q) { return q.scalar(Redactor.none().scrub((String) v)); }

            public String describe() { return nullable ? "http(s) URL or null" : "http(s) URL"; }

            public boolean nullable() { return nullable; }
        };
    }

    /** Why {@code text} is not an http(s) URL, or null; the message shows it redacted (never its user-info). */
    public static String urlProblem(String text, Quoting q) {
        String shown = q.quote(Redactor.url(text));
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
    public static Type listen() {
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "\"host:port\"");
                String t = n.asText().trim();
                int colon = t.lastIndexOf(':');
                String host = colon < 0 ? "" : t.substring(0, colon);
                String port = colon < 0 ? "" : t.substring(colon + 1);
                if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
                if (colon < 0 || host.isEmpty() || (host.contains(":") && !t.startsWith("["))) {
                    p.add(path, "expected \"host:port\" (IPv6 as \"[::1]:9725\"), got " + p.quote(n.asText()));
                    return null;
                }
                if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                        || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                    p.add(path, "port out of range 1-65535 in " + p.quote(n.asText()));
                    return null;
                }
                return t;
            }

            public String render(Object v, Quoting q) { return q.scalar((String) v); }

            public String describe() { return "\"host:port\" or null"; }

            public boolean nullable() { return true; }
        };
    }

    /** An HTTP path starting with '/'. */
    public static Type httpPath() {
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a path such as \"/metrics\"");
                String t = n.asText().trim();
                if (!t.startsWith("/") || t.contains(" ") || t.contains("?") || t.contains("#")) {
                    p.add(path, "must be a URL path starting with '/', got " + p.quote(n.asText()));
                    return null;
                }
                return t;
            }

            public String render(Object v, Quoting q) { return q.scalar((String) v); }

            public String describe() { return "URL path"; }
        };
    }

    // ---------------------------------------------------------------- lists

    /**
     * A list whose items are parsed by {@code item} (path {@code key[i]}); duplicates are an error
     * unless {@code allowDuplicates}. {@code nonEmpty}: an empty list is an error.
     */
    public static Type list(String describe, Type item, boolean nonEmpty, Function<Object, Object> identity) {
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
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
                    RawValue e = n.get(i);
                    if (e.isNull()) {
                        p.add(ip, "must not be null");
                        continue;
                    }
                    Object v = item.parse(e, ip, p);
                    if (v == null) continue;
                    if (!seen.add(identity.apply(v))) {
                        p.add(ip, "duplicate entry " + item.render(v, p.quoting()));
                        continue;
                    }
                    out.add(v);
                }
                return p.size() == before ? List.copyOf(out) : null;
            }

            public String render(Object v, Quoting q) {
                List<?> l = (List<?>) v;
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) b.append(", ");
                    b.append(item.render(l.get(i), q));
                }
                return b.append(']').toString();
            }

            public String describe() { return "list of " + describe; }
        };
    }

    public static Type list(String describe, Type item, boolean nonEmpty) {
        return list(describe, item, nonEmpty, Function.identity());
    }

    public static Type ports(boolean nonEmpty) {
        return list("ports", integer(1, 65535), nonEmpty);
    }

    private static final Pattern HOST_NAME = Pattern.compile("[\\p{L}\\p{N}_-]+(\\.[\\p{L}\\p{N}_-]+)*");

    /** Host or domain names; stored lower-case (ROOT) without trailing dots. */
    public static Type names(String describe) {
        Type name = new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a " + describe);
                String h = n.asText().trim().toLowerCase(Locale.ROOT);
                while (h.endsWith(".")) h = h.substring(0, h.length() - 1);
                if (!HOST_NAME.matcher(h).matches()) {
                    p.add(path, "not a valid " + describe + ": " + p.quote(n.asText()));
                    return null;
                }
                return h;
            }

            public String render(Object v, Quoting q) { return q.scalar((String) v); }

            public String describe() { return describe; }
        };
        return list(describe + "s", name, false);
    }

    /** Account local parts: stored lower-case (ROOT), NFC. */
    public static Type accounts() {
        Type acct = new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "an account name");
                String a = Normalizer.normalize(n.asText().trim(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
                if (a.isEmpty()) {
                    p.add(path, "must not be empty");
                    return null;
                }
                return a;
            }

            public String render(Object v, Quoting q) { return q.scalar((String) v); }

            public String describe() { return "account"; }
        };
        return list("account names", acct, false);
    }
}
