package io.mailtap.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mailtap.sensor.Replay;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code ops/vector/mailtap.yaml} (Vector is not installable on the build machines): valid YAML,
 * wired source → transforms → Loki and Elasticsearch sinks, reading the three logs, and its ECS
 * remap is the ingest pipeline statement for statement (same sources, same targets, same
 * conditions, in the same order), so the two mappings cannot drift. The remap is read by a parser
 * of exactly the statement forms it uses: any other VRL line fails the test.
 */
class VectorConfigTest {
    static final Path VECTOR = Path.of("ops/vector/mailtap.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern RENAME = Pattern.compile("\\.([\\w.]+) = del\\(\\.([\\w.]+)\\)");
    private static final Pattern PARSE_JSON = Pattern.compile("\\.([\\w.]+) = parse_json!\\(\\.([\\w.]+)\\)");
    private static final Pattern DATE = Pattern.compile("\\.\"(@timestamp)\" = parse_timestamp!\\(\\.([\\w.]+), format: \"%\\+\"\\)");
    private static final Pattern TEMPLATE = Pattern.compile("\\.([\\w.]+) = \"([^\"]*)\" \\+ string!\\(\\.([\\w.]+)\\)");
    private static final Pattern CONST = Pattern.compile("\\.([\\w.]+) = (\"[^\"]*\"|\\[[^]]*])");
    private static final Pattern COPY = Pattern.compile("if !is_nullish\\(\\.([\\w.]+)\\) \\{ \\.([\\w.]+) = \\.\\1 }");
    private static final Pattern GSUB_STRING = Pattern.compile(
            "if is_string\\(\\.([\\w.]+)\\) \\{ \\.\\1 = replace\\(string!\\(\\.\\1\\), r'([^']*)', \"([^\"]*)\"\\) }");
    private static final Pattern GSUB_ARRAY = Pattern.compile(
            "if is_array\\(\\.([\\w.]+)\\) \\{ \\.\\1 = map_values\\(array!\\(\\.\\1\\)\\) -> \\|v\\| \\{ replace\\(string!\\(v\\), r'([^']*)', \"([^\"]*)\"\\) } }");
    private static final Pattern IF_TYPE = Pattern.compile("if \\.mailtap\\.event_type == \"(\\w+)\" \\{");
    /** Fields Vector's file source adds itself; ECS has other uses for `host`, and none for the rest. */
    private static final Pattern DEL_VECTOR_METADATA = Pattern.compile("del\\(\\.(file|host|source_type|timestamp)\\)");
    private static final Pattern PIPELINE_IF = Pattern.compile("ctx\\.mailtap\\?\\.event_type == '(\\w+)'");

    static JsonNode config() throws Exception {
        return new YAMLMapper().readTree(VECTOR.toFile());
    }

    @Test
    void readsTheThreeLogsAndFeedsLokiAndElasticsearch() throws Exception {
        JsonNode c = config();
        JsonNode files = c.at("/sources/mailtap_files");
        assertThat(files.get("type").asText()).isEqualTo("file");
        List<String> names = new ArrayList<>();
        files.get("include").forEach(p -> names.add(Path.of(p.asText()).getFileName().toString()));
        assertThat(names).containsExactlyInAnyOrder(Replay.TRANSACTION_LOG, "alerts.jsonl", Replay.ANOMALY_LOG);
        for (String t : List.of("mailtap_loki", "mailtap_ecs")) {
            assertThat(c.at("/transforms/" + t + "/type").asText()).isEqualTo("remap");
            assertThat(c.at("/transforms/" + t + "/inputs/0").asText()).isEqualTo("mailtap_files");
        }
        assertThat(c.at("/sinks/loki/type").asText()).isEqualTo("loki");
        assertThat(c.at("/sinks/loki/inputs/0").asText()).isEqualTo("mailtap_loki");
        assertThat(c.at("/sinks/loki/labels/event_type").asText()).isEqualTo("{{ event_type }}");
        assertThat(c.at("/sinks/elasticsearch/type").asText()).isEqualTo("elasticsearch");
        assertThat(c.at("/sinks/elasticsearch/inputs/0").asText()).isEqualTo("mailtap_ecs");
    }

    @Test
    void theEcsRemapIsTheIngestPipelineStatementForStatement() throws Exception {
        List<String> vrl = fromVrl(config().at("/transforms/mailtap_ecs/source").asText());
        List<String> pipeline = fromPipeline(new IngestPipeline(JSON.readTree(EcsIngestPipelineTest.PIPELINE.toFile())));
        assertThat(vrl).isEqualTo(pipeline);
        assertThat(pipeline).contains("copy mailtap.client_ip -> source.ip", "copy mailtap.auth_user -> user.name",
                "alert: set event.kind = \"alert\"");
    }

    static List<String> fromPipeline(IngestPipeline p) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : p.processors()) {
            JsonNode o = e.getValue();
            String cond = "";
            if (o.has("if")) {
                Matcher m = PIPELINE_IF.matcher(o.get("if").asText());
                assertThat(m.matches()).isTrue();
                cond = m.group(1) + ": ";
            }
            out.add(cond + switch (e.getKey()) {
                case "rename" -> "rename " + o.get("field").asText() + " -> " + o.get("target_field").asText();
                case "json" -> "json " + o.get("field").asText() + " -> " + o.get("target_field").asText();
                case "date" -> "date " + o.get("field").asText() + " -> " + o.get("target_field").asText();
                case "gsub" -> "gsub " + o.get("field").asText() + " " + o.get("pattern").asText() + " " + o.get("replacement").asText();
                case "set" -> o.has("copy_from")
                        ? "copy " + o.get("copy_from").asText() + " -> " + o.get("field").asText()
                        : "set " + o.get("field").asText() + " = " + o.get("value");
                default -> throw new AssertionError(e.getKey());
            });
        }
        return out;
    }

    static List<String> fromVrl(String source) throws Exception {
        List<String> out = new ArrayList<>();
        String cond = "";
        for (String raw : source.split("\n")) {
            String l = raw.strip();
            Matcher m;
            if (l.isEmpty() || l.startsWith("#") || DEL_VECTOR_METADATA.matcher(l).matches()) continue;
            if ((m = IF_TYPE.matcher(l)).matches()) { cond = m.group(1) + ": "; continue; }
            if (l.equals("}")) { cond = ""; continue; }
            if ((m = RENAME.matcher(l)).matches()) out.add(cond + "rename " + m.group(2) + " -> " + m.group(1));
            else if ((m = PARSE_JSON.matcher(l)).matches()) out.add(cond + "json " + m.group(2) + " -> " + m.group(1));
            else if ((m = DATE.matcher(l)).matches()) out.add(cond + "date " + m.group(2) + " -> " + m.group(1));
            else if ((m = TEMPLATE.matcher(l)).matches())
                out.add(cond + "set " + m.group(1) + " = " + JSON.writeValueAsString(m.group(2) + "{{{" + m.group(3) + "}}}"));
            else if ((m = CONST.matcher(l)).matches())
                out.add(cond + "set " + m.group(1) + " = " + JSON.writeValueAsString(JSON.readTree(m.group(2))));
            else if ((m = COPY.matcher(l)).matches()) out.add(cond + "copy " + m.group(1) + " -> " + m.group(2));
            else if ((m = GSUB_STRING.matcher(l)).matches() || (m = GSUB_ARRAY.matcher(l)).matches())
                out.add(cond + "gsub " + m.group(1) + " " + m.group(2) + " " + m.group(3));
            else fail("a VRL statement the mapping check does not know (mirror it in the pipeline and here): " + l);
        }
        return out;
    }
}
