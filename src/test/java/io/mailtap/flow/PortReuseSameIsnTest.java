package io.mailtap.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.testutil.CorpusDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/**
 * Issue 8 item 9: the two captures of zeek's eml-reextraction test are the same client port,
 * ISN 0 and timestamps 0, one after the other. Appended, they are two SMTP sessions, not one.
 */
class PortReuseSameIsnTest {
    private static final String DIR = "../pcaps2/zeek-zeek/old/eml-reextraction/text/";

    @TempDir Path tmp;

    @Test
    void aSynAfterACompletedCloseWithTheSameIsnIsANewConnection() throws Exception {
        Path a = CorpusDir.file(DIR + "43a21580619bc8b129eb50cad9505a8469685149.pcap");
        Path b = CorpusDir.file(DIR + "ee93d96ae2b5883e8dfe02aca71f799f2b47f1f6.pcap");
        Path merged = tmp.resolve("appended.pcap");
        Process p = new ProcessBuilder("mergecap", "-a", "-F", "pcap", "-w", merged.toString(), a.toString(), b.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();

        List<JsonNode> one = ReplayRecords.replay(FlowSettings.defaults(), tmp.resolve("a"), a);
        List<JsonNode> two = ReplayRecords.replay(FlowSettings.defaults(), tmp.resolve("b"), b);
        List<JsonNode> both = ReplayRecords.replay(FlowSettings.defaults(), tmp.resolve("ab"), merged);

        assertThat(one).hasSize(1);
        assertThat(two).hasSize(1);
        assertThat(both).hasSize(2);
        assertThat(both.get(0).get("uid").asText()).isNotEqualTo(both.get(1).get("uid").asText());
        // Each session's record is what its own capture gives, field for field, except the uid.
        assertThat(withoutUid(both.get(0))).isEqualTo(withoutUid(one.get(0)));
        assertThat(withoutUid(both.get(1))).isEqualTo(withoutUid(two.get(0)));
        assertThat(both.get(0).get("uid")).isEqualTo(one.get(0).get("uid")); // the first keeps its name
        for (JsonNode l : both) {
            assertThat(l.get("helo").asText()).isEqualTo("localhost");
            assertThat(l.get("gaps").asBoolean()).isFalse();
            assertThat(l.get("rcpt_accepted").asInt()).isEqualTo(1);
        }
    }

    private static JsonNode withoutUid(JsonNode n) {
        var copy = n.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove("uid");
        return copy;
    }
}
