package io.mailtap.sensor;

import io.mailtap.bench.BenchGenerator;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.smtp.SmtpEventListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code replay --threads N} gives the one-pipeline outputs byte for byte (the corpora: ParallelReplayCorpusTest). */
class ParallelReplayTest {
    @TempDir
    Path tmp;

    @Test
    void everySampleGivesTheSerialOutputs() throws IOException {
        List<Path> samples;
        try (Stream<Path> s = Files.list(Path.of("samples"))) {
            samples = s.filter(p -> p.toString().endsWith(".pcap")).sorted().toList();
        }
        assertThat(samples).hasSizeGreaterThanOrEqualTo(4);
        for (Path pcap : samples) {
            Path beside = pcap.resolveSibling(pcap.getFileName().toString().replace(".pcap", ".mailtap.yml"));
            MailtapConfig cfg = Files.exists(beside) ? ConfigLoader.load(beside) : ConfigLoader.load(Path.of("samples/lab.yml"));
            var out = ParallelIdentity.assertSameAsSerial(cfg, List.of(pcap), tmp.resolve(pcap.getFileName().toString()), 2, 3);
            assertThat(out.smtp()).as(pcap.toString()).isNotEmpty();
        }
    }

    @Test
    void allSamplesAsOneTimelineGiveTheSerialOutputs() throws IOException {
        List<Path> samples;
        try (Stream<Path> s = Files.list(Path.of("samples"))) {
            samples = s.filter(p -> p.toString().endsWith(".pcap")).sorted().toList();
        }
        ParallelIdentity.assertSameAsSerial(ConfigLoader.load(Path.of("samples/lab.yml")), samples, tmp, 2, 4);
    }

    @Test
    void benchmarkMixGivesTheSerialOutputs() throws IOException {
        Path pcap = generate("mix.pcap", BenchGenerator.Options.defaults(BenchGenerator.Variant.MIX)
                .withSeed(1).withPackets(150_000).withConcurrency(400));
        var out = ParallelIdentity.assertSameAsSerial(ConfigLoader.defaults(), List.of(pcap), tmp, 2, 3);
        assertThat(out.smtp().lines().count()).isGreaterThan(1000);
        assertThat(out.alerts()).isNotEmpty();
    }

    @Test
    void manyOpenFlowsFlushedAtTheEndGiveTheSerialOutputs() throws IOException {
        Path pcap = generate("many.pcap", BenchGenerator.Options.defaults(BenchGenerator.Variant.MANY_FLOWS)
                .withSeed(3).withFlows(20_000).withCloseFlows(false));
        var out = ParallelIdentity.assertSameAsSerial(ConfigLoader.defaults(), List.of(pcap), tmp, 2);
        assertThat(out.metrics()).contains("mailtap_flows_active_peak");
    }

    @Test
    void aFlowLimitOneTableWouldReachIsReportedNotHidden() throws IOException {
        // 20,000 connections open at once against a table of 5,000: one table evicts, N tables cannot evict as it does
        Path pcap = generate("many.pcap", BenchGenerator.Options.defaults(BenchGenerator.Variant.MANY_FLOWS)
                .withSeed(3).withFlows(20_000).withCloseFlows(false));
        MailtapConfig cfg = ConfigLoader.parse("flow:\n  max_flows: 5000\n", "test");
        var serial = ParallelIdentity.replay(cfg, List.of(pcap), 1, tmp.resolve("t1"));
        var parallel = ParallelIdentity.replay(cfg, List.of(pcap), 2, tmp.resolve("t2"));
        assertThat(serial.limitsReached()).isEmpty(); // one table is the reference: nothing to warn about
        assertThat(serial.metrics()).contains("mailtap_flows_evicted_total{sensor=\"mailtap\"} 15000.0");
        assertThat(parallel.limitsReached()).containsExactly("flow.max_flows");
    }

    @Test
    void theSumOfTheShardsFlowsDecidesNotEachShardsOwnCount() throws IOException {
        // 20,000 at once, limit 12,000: neither of 2 shards (about 10,000 each) reaches it, one table does
        Path pcap = generate("many.pcap", BenchGenerator.Options.defaults(BenchGenerator.Variant.MANY_FLOWS)
                .withSeed(3).withFlows(20_000).withCloseFlows(false));
        MailtapConfig cfg = ConfigLoader.parse("flow:\n  max_flows: 12000\n", "test");
        var parallel = ParallelIdentity.replay(cfg, List.of(pcap), 2, tmp.resolve("t2"));
        assertThat(parallel.metrics()).contains("mailtap_flows_evicted_total{sensor=\"mailtap\"} 0.0");
        assertThat(parallel.limitsReached()).containsExactly("flow.max_flows");
    }

    @Test
    void aFailingConsumerStopsTheParallelReplayWithItsReasonAndKeepsThePreviousLog() throws IOException {
        Path pcap = generate("mix.pcap", BenchGenerator.Options.defaults(BenchGenerator.Variant.MIX)
                .withSeed(2).withPackets(60_000).withConcurrency(100));
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve(Replay.TRANSACTION_LOG), "previous\n");
        int[] seen = {0};
        SmtpEventListener failing = e -> {
            if (++seen[0] == 500) throw new IllegalStateException("cannot write out/smtp.jsonl: No space left on device");
        };
        MailtapConfig cfg = ConfigLoader.defaults();
        Replay replay = new Replay(cfg.flowSettings(), cfg.smtpSettings(), "s", List.of(failing), 0).threads(2);
        assertThatThrownBy(() -> replay.run(List.of(pcap), null, out))
                .isInstanceOf(ParallelReplay.Failed.class)
                .hasMessage("cannot write out/smtp.jsonl: No space left on device");
        assertThat(seen[0]).isEqualTo(500); // nothing delivered after the failure
        assertThat(Files.readString(out.resolve(Replay.TRANSACTION_LOG))).isEqualTo("previous\n");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("mailtap-shard-"));
    }

    private Path generate(String name, BenchGenerator.Options o) throws IOException {
        Path p = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(p)) {
            BenchGenerator.generate(o, out);
        }
        return p;
    }
}
