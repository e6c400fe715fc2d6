package io.mailtap.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs an Elasticsearch ingest pipeline's processors on a document, for the few processor types
 * and options mailtap's pipeline uses, each with Elasticsearch's documented semantics: {@code rename},
 * {@code json} (with {@code target_field}), {@code date} (ISO8601 only; default output format),
 * {@code set} ({@code value} with {@code {{{path}}}} templates, {@code copy_from},
 * {@code ignore_empty_value}), {@code gsub} (Java regex on a string or each string of a list,
 * {@code ignore_missing}), and an {@code if} of exactly the form {@code ctx.a?.b == 'x'}. Anything
 * else — another processor, option or condition — is refused, so the shipped pipeline stays
 * checkable (no script).
 */
final class IngestPipeline {
    private static final Pattern IF = Pattern.compile("ctx\\.([a-z_]+)\\?\\.([a-z_]+) == '([a-z_]+)'");
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{\\{([A-Za-z_.@]+)}}}");
    /** Elasticsearch's date processor output format ({@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX}), in UTC. */
    private static final DateTimeFormatter ES_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            "rename", Set.of("field", "target_field"),
            "json", Set.of("field", "target_field"),
            "date", Set.of("field", "target_field", "formats"),
            "set", Set.of("field", "value", "copy_from", "ignore_empty_value", "if"),
            "gsub", Set.of("field", "pattern", "replacement", "ignore_missing"));

    private final List<JsonNode> processors = new ArrayList<>();
    private final ObjectMapper mapper = new ObjectMapper();

    IngestPipeline(JsonNode pipeline) {
        for (JsonNode p : pipeline.get("processors")) {
            if (p.size() != 1) throw new IllegalArgumentException("one processor per entry: " + p);
            String type = p.fieldNames().next();
            Set<String> allowed = OPTIONS.get(type);
            if (allowed == null) throw new IllegalArgumentException("processor type not supported (keep the pipeline simple): " + type);
            p.get(type).fieldNames().forEachRemaining(o -> {
                if (!allowed.contains(o)) throw new IllegalArgumentException(type + ": option not supported: " + o);
            });
            if (p.get(type).has("if") && !IF.matcher(p.get(type).get("if").asText()).matches())
                throw new IllegalArgumentException("condition not supported: " + p.get(type).get("if"));
            processors.add(p);
        }
    }

    /** Processor type, then its options, in pipeline order. */
    List<Map.Entry<String, JsonNode>> processors() {
        List<Map.Entry<String, JsonNode>> l = new ArrayList<>();
        for (JsonNode p : processors) {
            String t = p.fieldNames().next();
            l.add(Map.entry(t, p.get(t)));
        }
        return l;
    }

    /** The document after every processor; {@code doc} holds plain Java maps/lists/scalars. */
    Map<String, Object> run(Map<String, Object> doc) throws Exception {
        for (Map.Entry<String, JsonNode> e : processors()) {
            JsonNode o = e.getValue();
            if (o.has("if") && !holds(doc, o.get("if").asText())) continue;
            switch (e.getKey()) {
                case "rename" -> {
                    Object v = remove(doc, o.get("field").asText());
                    if (v == null) throw new IllegalStateException("rename: field missing: " + o.get("field"));
                    put(doc, o.get("target_field").asText(), v);
                }
                case "json" -> put(doc, o.get("target_field").asText(),
                        mapper.readValue(String.valueOf(get(doc, o.get("field").asText())), Object.class));
                case "date" -> {
                    for (JsonNode f : o.get("formats")) if (!f.asText().equals("ISO8601")) throw new IllegalArgumentException("date format " + f);
                    String v = (String) get(doc, o.get("field").asText());
                    put(doc, o.get("target_field").asText(), OffsetDateTime.parse(v).withOffsetSameInstant(ZoneOffset.UTC).format(ES_DATE));
                }
                case "set" -> {
                    boolean ignoreEmpty = o.path("ignore_empty_value").asBoolean(false);
                    Object v = o.has("copy_from") ? deepCopy(get(doc, o.get("copy_from").asText())) : value(doc, o.get("value"));
                    if (ignoreEmpty && (v == null || "".equals(v))) continue;
                    put(doc, o.get("field").asText(), v);
                }
                case "gsub" -> {
                    String field = o.get("field").asText();
                    Object v = get(doc, field);
                    if (v == null) {
                        if (o.path("ignore_missing").asBoolean(false)) continue;
                        throw new IllegalStateException("gsub: field missing: " + field);
                    }
                    Pattern p = Pattern.compile(o.get("pattern").asText());
                    String r = o.get("replacement").asText();
                    if (v instanceof List<?> l) {
                        List<Object> out = new ArrayList<>();
                        for (Object s : l) out.add(p.matcher((String) s).replaceAll(r));
                        put(doc, field, out);
                    } else {
                        put(doc, field, p.matcher((String) v).replaceAll(r));
                    }
                }
                default -> throw new AssertionError(e.getKey());
            }
        }
        return doc;
    }

    private static boolean holds(Map<String, Object> doc, String cond) {
        Matcher m = IF.matcher(cond);
        if (!m.matches()) throw new IllegalArgumentException(cond);
        return m.group(3).equals(get(doc, m.group(1) + "." + m.group(2)));
    }

    private Object value(Map<String, Object> doc, JsonNode v) {
        if (v.isTextual()) {
            Matcher m = TEMPLATE.matcher(v.asText());
            StringBuilder b = new StringBuilder();
            while (m.find()) m.appendReplacement(b, Matcher.quoteReplacement(java.util.Objects.toString(get(doc, m.group(1)), "")));
            m.appendTail(b);
            return b.toString();
        }
        return mapper.convertValue(v, Object.class);
    }

    @SuppressWarnings("unchecked")
    private static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) c.put((String) e.getKey(), deepCopy(e.getValue()));
            return c;
        }
        if (v instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            for (Object o : l) c.add(deepCopy(o));
            return c;
        }
        return v;
    }

    /** Dotted path lookup through nested maps (null when any step is missing). */
    @SuppressWarnings("unchecked")
    static Object get(Map<String, Object> doc, String path) {
        if (doc.containsKey(path)) return doc.get(path); // "@timestamp" and other top-level names
        Object cur = doc;
        for (String part : path.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) return null;
            cur = ((Map<String, Object>) m).get(part);
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> doc, String path, Object v) {
        String[] parts = path.split("\\.");
        Map<String, Object> cur = doc;
        for (int i = 0; i < parts.length - 1; i++) {
            Object next = cur.get(parts[i]);
            if (!(next instanceof Map)) {
                next = new LinkedHashMap<String, Object>();
                cur.put(parts[i], next);
            }
            cur = (Map<String, Object>) next;
        }
        cur.put(parts[parts.length - 1], v);
    }

    @SuppressWarnings("unchecked")
    private static Object remove(Map<String, Object> doc, String path) {
        String[] parts = path.split("\\.");
        Map<String, Object> cur = doc;
        for (int i = 0; i < parts.length - 1; i++) {
            if (!(cur.get(parts[i]) instanceof Map<?, ?> m)) return null;
            cur = (Map<String, Object>) m;
        }
        return cur.remove(parts[parts.length - 1]);
    }

    /** Every leaf of {@code doc} as dotted path → value (lists are leaves). */
    static Map<String, Object> flatten(Map<String, Object> doc) {
        Map<String, Object> out = new LinkedHashMap<>();
        flatten("", doc, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> m, Map<String, Object> out) {
        for (Iterator<Map.Entry<String, Object>> it = m.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Object> e = it.next();
            String k = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue() instanceof Map<?, ?> sub) flatten(k, (Map<String, Object>) sub, out);
            else out.put(k, e.getValue());
        }
    }
}
