package io.mailtap.sensor;

import io.mailtap.bench.BenchGenerator;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

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

    private Path generate(String name, BenchGenerator.Options o) throws IOException {
        Path p = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(p)) {
            BenchGenerator.generate(o, out);
        }
        return p;
    }
}
