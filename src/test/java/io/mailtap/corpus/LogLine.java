package io.mailtap.corpus;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The facts of one {@code smtp.jsonl} line that the corpus test compares with the wire, keyed by
 * the log's own field names. Built from a log line ({@link #of(JsonNode)}) or from the truth
 * ({@link TruthLines}), so both sides are compared field by field with the names an operator reads.
 */
final class LogLine {
    /** The compared fields, in the order of the log. */
    static final List<String> FIELDS = List.of("helo", "auth_mech", "auth_user", "auth_result", "mail_from",
            "null_sender", "rcpt_to", "rcpt_accepted", "rcpt_rejected", "rcpt_not_listed", "tls");

    /**
     * Fields the truth has no column for (whether data was missing): compared only on the lines
     * where a {@link LogDeviations} entry states the wire value.
     */
    static final List<String> EXTRA_FIELDS = List.of("gaps");

    private final Map<String, Object> values = new LinkedHashMap<>();

    private LogLine() {}

    /** A line with no HELO, AUTH, MAIL or RCPT and no TLS: a connection that said nothing SMTP. */
    static LogLine empty() {
        LogLine l = new LogLine();
        for (String f : FIELDS) l.values.put(f, null);
        return l.set("null_sender", false).set("rcpt_to", List.of()).set("rcpt_accepted", 0)
                .set("rcpt_rejected", 0).set("rcpt_not_listed", 0).set("tls", false);
    }

    /** A transaction line: MAIL FROM {@code mailFrom} after HELO {@code helo}; recipients added with {@link #rcpt}. */
    static LogLine tx(String helo, String mailFrom) {
        return empty().set("helo", helo).set("mail_from", mailFrom).set("null_sender", "<>".equals(mailFrom));
    }

    static LogLine of(JsonNode line) {
        LogLine l = new LogLine();
        for (String f : FIELDS) {
            JsonNode v = line.get(f);
            Object value;
            if (v == null) {
                if (!f.equals("rcpt_not_listed")) throw new AssertionError("smtp.jsonl line without " + f + ": " + line);
                value = 0; // written only when positive
            } else if (v.isNull()) {
                value = null;
            } else if (v.isArray()) {
                List<String> list = new ArrayList<>();
                v.forEach(e -> list.add(e.asText()));
                value = List.copyOf(list);
            } else if (v.isBoolean()) {
                value = v.asBoolean();
            } else if (v.isInt()) {
                value = v.asInt();
            } else {
                value = v.asText();
            }
            l.values.put(f, value);
        }
        for (String f : EXTRA_FIELDS) l.values.put(f, line.get(f).asBoolean());
        return l;
    }

    LogLine set(String field, Object value) {
        if (!FIELDS.contains(field) && !EXTRA_FIELDS.contains(field)) throw new IllegalArgumentException("not a compared field: " + field);
        values.put(field, value instanceof List<?> list ? List.copyOf(list) : value);
        return this;
    }

    Object get(String field) { return values.get(field); }

    /** Appends a recipient; {@code reply} is its reply code, or 0 when no reply was captured. */
    LogLine rcpt(String argument, int reply) {
        List<Object> list = new ArrayList<>((List<?>) values.get("rcpt_to"));
        list.add(argument);
        values.put("rcpt_to", List.copyOf(list));
        if (reply >= 200 && reply < 300) count("rcpt_accepted");
        else if (reply >= 400) count("rcpt_rejected");
        return this;
    }

    LogLine auth(String mech, String user, String result) {
        return set("auth_mech", mech).set("auth_user", user).set("auth_result", result);
    }

    private void count(String field) {
        values.put(field, (Integer) values.get(field) + 1);
    }

    LogLine copy() {
        LogLine l = new LogLine();
        l.values.putAll(values);
        return l;
    }

    /** The fields where {@code other} differs, as {@code field: this → other}. */
    String diff(LogLine other) {
        StringBuilder b = new StringBuilder();
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(values.keySet());
        keys.addAll(other.values.keySet());
        for (String f : keys) {
            if (!Objects.equals(values.get(f), other.values.get(f))) {
                if (b.length() > 0) b.append(", ");
                b.append(f).append(": ").append(show(values.get(f))).append(" → ").append(show(other.values.get(f)));
            }
        }
        return b.toString();
    }

    private static String show(Object v) {
        return v instanceof String s ? '"' + s + '"' : String.valueOf(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogLine l && values.equals(l.values);
    }

    @Override
    public int hashCode() { return values.hashCode(); }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        values.forEach((k, v) -> {
            if (b.length() > 1) b.append(", ");
            b.append(k).append('=').append(show(v));
        });
        return b.append('}').toString();
    }

    /** The lines of one connection (one 4-tuple), in the order the log wrote them. */
    static final class Lines {
        final List<LogLine> list;

        Lines(List<LogLine> list) {
            this.list = new ArrayList<>(list);
        }

        LogLine line(int i) { return list.get(i); }

        /** Sets {@code field} on every line. */
        Lines all(String field, Object value) {
            list.forEach(l -> l.set(field, value));
            return this;
        }

        Lines add(LogLine l) {
            list.add(l);
            return this;
        }

        Lines replace(LogLine... lines) {
            list.clear();
            list.addAll(List.of(lines));
            return this;
        }

        Lines copy() {
            return new Lines(list.stream().map(LogLine::copy).toList());
        }

        /** These lines (the log's) without the extra fields {@code wire} states no value for. */
        Lines comparableWith(Lines wire) {
            Lines c = copy();
            for (int i = 0; i < c.list.size(); i++) {
                LogLine w = i < wire.list.size() ? wire.list.get(i) : null;
                for (String f : EXTRA_FIELDS) if (w == null || !w.values.containsKey(f)) c.list.get(i).values.remove(f);
            }
            return c;
        }

        /** What differs, line by line, from {@code other} (the log), for an assertion message. */
        String diff(Lines other) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < Math.max(list.size(), other.list.size()); i++) {
                LogLine a = i < list.size() ? list.get(i) : null;
                LogLine g = i < other.list.size() ? other.list.get(i) : null;
                if (a == null) b.append("\n    line ").append(i + 1).append(" not expected: ").append(g);
                else if (g == null) b.append("\n    line ").append(i + 1).append(" missing: ").append(a);
                else if (!a.equals(g)) b.append("\n    line ").append(i + 1).append(": ").append(a.diff(g));
            }
            return b.toString();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Lines l && list.equals(l.list);
        }

        @Override
        public int hashCode() { return list.hashCode(); }

        @Override
        public String toString() { return list.toString(); }
    }
}
