package io.mailtap.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.cli.CliReplay;
import io.mailtap.testutil.TcpConversation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped Elasticsearch ingest pipeline ({@code ops/elastic/mailtap-ingest-pipeline.json})
 * against the ECS field definitions (vendored from {@code @elastic/ecs}, see
 * {@code src/test/resources/ecs/README.md}) and against real lines: smtp.jsonl and alerts.jsonl of
 * {@code samples/quickstart.pcap}, and an anomalies.jsonl line.
 */
class EcsIngestPipelineTest {
    static final Path PIPELINE = Path.of("ops/elastic/mailtap-ingest-pipeline.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static JsonNode ecs;
    static IngestPipeline pipeline;
    static List<String> smtp, alerts, anomalies;

    @BeforeAll
    static void replay() throws Exception {
        try (InputStream in = EcsIngestPipelineTest.class.getResourceAsStream("/ecs/ecs-fields-subset.json")) {
            ecs = JSON.readTree(in).get("fields");
        }
        pipeline = new IngestPipeline(JSON.readTree(PIPELINE.toFile()));
        Path q = dir.resolve("q");
        CliReplay.replay(q, "samples/quickstart.pcap");
        smtp = Files.readAllLines(q.resolve("smtp.jsonl"), StandardCharsets.UTF_8);
        alerts = Files.readAllLines(q.resolve("alerts.jsonl"), StandardCharsets.UTF_8);
        Path pcap = new TcpConversation(TcpConversation.ethernetPcap(), "10.0.0.5", 40000, "203.0.113.9", 25, 1_700_000_000_000_000L)
                .handshake().server("220 mx ESMTP\r\n").client("EHLO a.example\r\n").server("250 mx\r\n")
                .server("250 nobody asked\r\n").client("QUIT\r\n").server("221 bye\r\n").close()
                .write(dir.resolve("unpaired.pcap"));
        Path a = dir.resolve("a");
        CliReplay.replay(a, pcap.toString());
        anomalies = Files.readAllLines(a.resolve("anomalies.jsonl"), StandardCharsets.UTF_8);
    }

    /** Every field a processor writes: (target, source) with source null for constants. */
    static List<String[]> targets(IngestPipeline p) {
        List<String[]> l = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : p.processors()) {
            JsonNode o = e.getValue();
            switch (e.getKey()) {
                case "rename", "json", "date" -> l.add(new String[]{o.get("target_field").asText(), o.get("field").asText()});
                case "set" -> l.add(new String[]{o.get("field").asText(), o.has("copy_from") ? o.get("copy_from").asText() : null});
                case "gsub" -> l.add(new String[]{o.get("field").asText(), o.get("field").asText()});
                default -> throw new AssertionError(e.getKey());
            }
        }
        return l;
    }

    @Test
    void everyTargetIsAnEcsFieldOrUnderMailtap() {
        Set<String> written = new HashSet<>();
        for (String[] t : targets(pipeline)) {
            if (t[0].equals("mailtap") || t[0].startsWith("mailtap.")) continue;
            assertThat(ecs.has(t[0])).as("%s is an ECS %s field", t[0], "9.4.0").isTrue();
            written.add(t[0]);
        }
        List<String> vendored = new ArrayList<>();
        ecs.fieldNames().forEachRemaining(vendored::add);
        assertThat(written).as("the vendored subset is exactly the pipeline's targets").containsExactlyInAnyOrderElementsOf(vendored);
        assertThat(written).contains("@timestamp", "source.ip", "source.port", "destination.ip", "destination.port",
                "network.community_id", "network.transport", "email.from.address", "email.to.address", "user.name",
                "tls.established", "observer.name", "event.kind", "event.category", "event.type", "event.dataset",
                "event.module", "rule.name");
    }

    @Test
    void everyDocumentOfTheThreeLogsHasEcsTypedFieldsAndAllowedCategories() throws Exception {
        int docs = 0;
        for (List<String> log : List.of(smtp, alerts, anomalies)) {
            assertThat(log).isNotEmpty();
            for (String line : log) {
                Map<String, Object> flat = IngestPipeline.flatten(ingest(line));
                for (Map.Entry<String, Object> f : flat.entrySet()) {
                    if (f.getKey().startsWith("mailtap.")) continue;
                    assertThat(ecs.has(f.getKey())).as(f.getKey()).isTrue();
                    assertCompatible(f.getKey(), ecs.get(f.getKey()), f.getValue());
                }
                String kind = (String) flat.get("event.kind");
                assertThat(allowed("event.kind")).contains(kind);
                @SuppressWarnings("unchecked") List<String> cats = (List<String>) flat.get("event.category");
                @SuppressWarnings("unchecked") List<String> types = (List<String>) flat.get("event.type");
                assertThat(allowed("event.category")).containsAll(cats);
                assertThat(allowed("event.type")).containsAll(types);
                Set<String> expected = new HashSet<>();
                for (JsonNode v : ecs.get("event.category").get("allowed_values"))
                    if (cats.contains(v.get("name").asText())) v.get("expected_event_types").forEach(t -> expected.add(t.asText()));
                assertThat(expected).as("every event.type is expected by one of the categories").containsAll(types);
                docs++;
            }
        }
        assertThat(docs).isEqualTo(80 + 19 + 1);
    }

    @Test
    void anSmtpLineBecomesTheEcsDocument() throws Exception {
        String line = smtp.stream().filter(l -> l.contains("\"auth_user\":\"mallory\"") && l.contains("\"rcpt_to\":[\"<"))
                .findFirst().orElseThrow();
        JsonNode orig = JSON.readTree(line);
        Map<String, Object> doc = ingest(line);
        Map<String, Object> flat = IngestPipeline.flatten(doc);
        assertThat(flat.get("@timestamp")).isEqualTo(orig.get("ts").asText().substring(0, 23) + "Z");
        assertThat(flat.get("event.original")).isEqualTo(line);
        assertThat(flat.get("event.kind")).isEqualTo("event");
        assertThat(flat.get("event.dataset")).isEqualTo("mailtap.smtp");
        assertThat(flat.get("event.module")).isEqualTo("mailtap");
        assertThat(flat.get("source.ip")).isEqualTo(orig.get("client_ip").asText());
        assertThat(flat.get("source.port")).isEqualTo(orig.get("client_port").asInt());
        assertThat(flat.get("destination.ip")).isEqualTo(orig.get("server_ip").asText());
        assertThat(flat.get("destination.port")).isEqualTo(orig.get("server_port").asInt());
        assertThat(flat.get("network.community_id")).isEqualTo(orig.get("community_id").asText());
        assertThat(flat.get("network.transport")).isEqualTo("tcp");
        assertThat(flat.get("user.name")).isEqualTo("mallory");
        assertThat(flat.get("observer.name")).isEqualTo("lab-sensor");
        assertThat(flat.get("tls.established")).isEqualTo(orig.get("tls").asBoolean());
        String from = orig.get("mail_from").asText();
        assertThat(flat.get("email.from.address")).isEqualTo(from.substring(1, from.length() - 1)).asString().doesNotContain("<", ">");
        List<String> to = new ArrayList<>();
        orig.get("rcpt_to").forEach(r -> to.add(r.asText().replaceAll("^<|>$", "")));
        assertThat(flat.get("email.to.address")).isEqualTo(to);
        assertThat(flat).doesNotContainKey("rule.name");
        // the whole original record stays under mailtap.*
        assertThat((JsonNode) JSON.valueToTree(doc.get("mailtap"))).isEqualTo(orig);
    }

    @Test
    void alertAndAnomalyLinesMapTheirOwnFields() throws Exception {
        String line = alerts.stream().filter(l -> l.contains("\"key\":\"account:mallory\"")).findFirst().orElseThrow();
        JsonNode orig = JSON.readTree(line);
        Map<String, Object> a = IngestPipeline.flatten(ingest(line));
        assertThat(a.get("event.kind")).isEqualTo("alert");
        assertThat(a.get("event.dataset")).isEqualTo("mailtap.alert");
        assertThat(a.get("rule.name")).isEqualTo("null_sender_burst");
        assertThat(a.get("user.name")).isEqualTo("mallory");
        assertThat(a.get("source.ip")).isEqualTo(orig.get("src_ip").asText());
        assertThat(a.get("network.community_id")).isEqualTo(orig.get("community_id").asText());
        assertThat(a.get("message")).isEqualTo(orig.get("summary").asText());
        assertThat(a).doesNotContainKeys("email.from.address", "source.port", "tls.established");

        Map<String, Object> n = IngestPipeline.flatten(ingest(anomalies.get(0)));
        assertThat(n.get("event.dataset")).isEqualTo("mailtap.anomaly");
        assertThat(n.get("event.action")).isEqualTo("unpaired_reply");
        assertThat(n.get("source.ip")).isEqualTo("10.0.0.5");
        assertThat(n.get("destination.port")).isEqualTo(25);
        assertThat(n.get("network.community_id")).isEqualTo(JSON.readTree(anomalies.get(0)).get("community_id").asText());
    }

    @Test
    void theInterpreterRefusesWhatItCannotCheck() {
        for (String p : List.of("{\"processors\":[{\"script\":{\"source\":\"ctx.x=1\"}}]}",
                "{\"processors\":[{\"set\":{\"field\":\"a\",\"value\":1,\"if\":\"ctx.a != null\"}}]}",
                "{\"processors\":[{\"set\":{\"field\":\"a\",\"value\":1,\"override\":false}}]}")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new IngestPipeline(JSON.readTree(p)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    static Map<String, Object> ingest(String line) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("message", line);
        return pipeline.run(doc);
    }

    private static Set<String> allowed(String field) {
        Set<String> s = new HashSet<>();
        ecs.get(field).get("allowed_values").forEach(v -> s.add(v.get("name").asText()));
        return s;
    }

    /** The value indexes as the ECS type says (what Elasticsearch would accept for that mapping). */
    private static void assertCompatible(String name, JsonNode def, Object v) {
        String type = def.get("type").asText();
        boolean array = false;
        for (JsonNode n : def.get("normalize")) array |= n.asText().equals("array");
        if (v instanceof List<?> l) {
            assertThat(array).as("%s is an array only where ECS says so", name).isTrue();
            for (Object o : l) assertCompatible(name, def, o);
            return;
        }
        switch (type) {
            case "keyword", "match_only_text" -> assertThat(v).as(name).isInstanceOf(String.class);
            case "long" -> assertThat(v).as(name).isInstanceOfAny(Integer.class, Long.class);
            case "boolean" -> assertThat(v).as(name).isInstanceOf(Boolean.class);
            case "ip" -> {
                assertThat(v).as(name).isInstanceOf(String.class);
                assertThat((String) v).as(name).matches("[0-9a-fA-F:.]+");
                assertThat(isLiteral((String) v)).as(name + " " + v).isTrue();
            }
            case "date" -> assertThat(Instant.parse((String) v)).as(name).isNotNull();
            default -> throw new AssertionError("ECS type not handled: " + type + " (" + name + ")");
        }
    }

    private static boolean isLiteral(String s) {
        try {
            return java.net.InetAddress.getByName(s) != null; // a literal (checked above): no lookup
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
