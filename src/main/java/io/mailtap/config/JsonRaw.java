package io.mailtap.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.settings.RawValue;

import java.util.Locale;

/** A YAML tree node (Jackson) as the settings types read it. */
final class JsonRaw implements RawValue {
    private final JsonNode n;

    JsonRaw(JsonNode n) {
        this.n = n;
    }

    /** What {@code n} is, for a message ("nothing" for an absent node). */
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

    public boolean isNull() { return n.isNull(); }
    public boolean isTextual() { return n.isTextual(); }
    public String asText() { return n.asText(); }
    public boolean isBoolean() { return n.isBoolean(); }
    public boolean booleanValue() { return n.booleanValue(); }
    public boolean isNumber() { return n.isNumber(); }
    public boolean isIntegralNumber() { return n.isIntegralNumber(); }
    public boolean canConvertToLong() { return n.canConvertToLong(); }
    public long longValue() { return n.longValue(); }
    public double asDouble() { return n.asDouble(); }
    public boolean isArray() { return n.isArray(); }
    public int size() { return n.size(); }
    public RawValue get(int i) { return new JsonRaw(n.get(i)); }
    public String kind() { return kind(n); }
}
