package io.mailtap.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mailtap.txlog.SafeJson;
import io.mailtap.settings.Problems;
import io.mailtap.settings.Quoting;

import java.util.regex.Pattern;

/** The YAML parser (Jackson) and safe scalar rendering for the printer. */
final class Yaml {
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern PLAIN_CANDIDATE = Pattern.compile("[A-Za-z0-9_./-]+");

    private Yaml() {}

    /** The quoting the settings types use for messages and the printer. */
    static final Quoting QUOTING = new Quoting() {
        public String quote(String s) { return Yaml.quote(s); }

        public String scalar(String s) { return Yaml.scalar(s); }
    };

    /** A problem list that quotes as YAML does. */
    static Problems problems() { return new Problems(QUOTING); }

    /** Throws every collected problem together. */
    static void throwIfAny(Problems p) {
        if (!p.isEmpty()) throw new ConfigException(p.list());
    }

    static YAMLMapper mapper() { return MAPPER; }

    /** A string as a JSON-style double-quoted scalar (valid YAML; control characters escaped). */
    static String quote(String s) {
        try {
            return SafeJson.mapper().writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A string as a YAML scalar: plain when it reads back as the same string (e.g. {@code 10m},
     * {@code alerts.jsonl}), double-quoted otherwise ({@code "yes"}, {@code "127.0.0.1:9725"}).
     */
    static String scalar(String s) {
        if (s != null && PLAIN_CANDIDATE.matcher(s).matches()) {
            try {
                JsonNode n = MAPPER.readTree("v: " + s).get("v");
                if (n != null && n.isTextual() && n.asText().equals(s)) return s;
            } catch (JsonProcessingException e) {
                // fall through to quoting
            }
        }
        return quote(s);
    }
}
