package io.mailtap.detect;

import io.mailtap.settings.Problems;
import io.mailtap.settings.Quoting;
import io.mailtap.settings.RawValue;
import io.mailtap.settings.Type;

import java.util.Locale;
import java.util.regex.PatternSyntaxException;

import static io.mailtap.settings.ValueTypes.list;
import static io.mailtap.settings.ValueTypes.wrongType;

/** The config value types of detection's own values: severities, CIDR blocks, blocklist patterns, key kinds. */
public final class DetectTypes {
    private DetectTypes() {}

    /** One of the severities. */
    public static Type severity() {
        return new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a severity (critical, warning or info)");
                Severity s = Severity.fromLabel(n.asText());
                if (s == null) {
                    p.add(path, "unknown severity " + p.quote(n.asText()) + "; valid: critical, warning, info");
                    return null;
                }
                return s;
            }

            public String render(Object v, Quoting q) { return ((Severity) v).label(); }

            public String describe() { return "critical | warning | info"; }
        };
    }

    /** CIDR blocks (or single addresses); stored normalised ("10.0.0.0/8"). */
    public static Type cidrs() {
        Type cidr = new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a CIDR block such as \"10.0.0.0/8\"");
                try {
                    return AddressSet.Cidr.parse(n.asText()).text();
                } catch (IllegalArgumentException e) {
                    p.add(path, "bad CIDR: " + e.getMessage());
                    return null;
                }
            }

            public String render(Object v, Quoting q) { return q.scalar((String) v); }

            public String describe() { return "CIDR"; }
        };
        return list("CIDR blocks", cidr, false);
    }

    /** Blocklist patterns: case-insensitive substrings, or {@code re:<java regex>}. */
    static Type patterns() {
        Type pat = new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "a pattern string");
                String t = n.asText();
                if (t.isBlank() || t.equals("re:")) {
                    p.add(path, "must not be empty");
                    return null;
                }
                if (t.startsWith("re:")) {
                    try {
                        BlocklistPatterns.compile(t.substring(3));
                    } catch (PatternSyntaxException e) {
                        p.add(path, "bad regular expression: " + e.getDescription() + " near index " + e.getIndex());
                        return null;
                    }
                }
                return t;
            }

            public String render(Object v, Quoting q) { return q.scalar((String) v); }

            public String describe() { return "pattern"; }
        };
        return list("patterns (substring, or re:<regex>)", pat, false, v -> ((String) v).toLowerCase(Locale.ROOT));
    }

    /** A non-empty set of null_sender_burst key types. */
    static Type nullSenderKeys() {
        Type k = new Type() {
            public Object parse(RawValue n, String path, Problems p) {
                if (!n.isTextual()) return wrongType(n, path, p, "client, account or server");
                NullSenderKey key = NullSenderKey.fromLabel(n.asText().trim().toLowerCase(Locale.ROOT));
                if (key == null) {
                    p.add(path, "unknown key type " + p.quote(n.asText()) + "; valid: client, account, server");
                    return null;
                }
                return key;
            }

            public String render(Object v, Quoting q) { return ((NullSenderKey) v).label(); }

            public String describe() { return "key type"; }
        };
        return list("client | account | server", k, true);
    }
}
