package io.mailtap.corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.sensor.ParallelIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code replay --threads N} on every capture of both corpora gives the one-pipeline smtp.jsonl,
 * anomalies.jsonl, alerts.jsonl, summary and counters, byte for byte: real captures have the
 * timestamp ties, reordering, gaps, port reuse and late packets the benchmark mix lacks.
 */
class ParallelReplayCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void everyCorpusCaptureGivesTheSerialOutputs() throws IOException {
        List<Corpus.Capture> captures = Corpus.captures();
        assertThat(captures).hasSizeGreaterThan(100);
        long lines = 0;
        int n = 0;
        for (Corpus.Capture c : captures) {
            var cfg = LogReplay.config(JSON.readTree(c.truth().toFile()));
            // 2 or 3 pipelines, alternately: both shard counts over the corpora at the cost of one extra replay each
            var serial = ParallelIdentity.assertSameAsSerial(cfg, List.of(c.file()), tmp.resolve("c" + n), 2 + n++ % 2);
            lines += serial.smtp().lines().count();
        }
        assertThat(lines).as("transactions compared").isGreaterThan(100);
    }

    @Test
    void bothCorporaAsOneTimelineGiveTheSerialOutputs() throws IOException {
        // Many captures in one replay: flows of different captures meet in one table and time out at each other's packets.
        List<Path> files = Corpus.captures().stream().map(Corpus.Capture::file).toList();
        ParallelIdentity.assertSameAsSerial(io.mailtap.config.ConfigLoader.defaults(), files, tmp.resolve("all"), 2, 5);
    }
}
