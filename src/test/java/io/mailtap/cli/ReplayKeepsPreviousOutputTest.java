package io.mailtap.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A replay that cannot run leaves the previous smtp.jsonl and alerts.jsonl exactly as they were. */
class ReplayKeepsPreviousOutputTest {
    @TempDir
    Path dir;
    private byte[] log, alerts, anomalies;

    @BeforeEach
    void aFirstGoodReplay() throws IOException {
        Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", dir.toString(), "--show", "0",
                "samples/incident-1-helo-127.pcap");
        assertThat(r.exit()).as(r.err()).isZero();
        log = Files.readAllBytes(dir.resolve("smtp.jsonl"));
        alerts = Files.readAllBytes(dir.resolve("alerts.jsonl"));
        anomalies = Files.readAllBytes(dir.resolve("anomalies.jsonl"));
        assertThat(log).isNotEmpty();
        assertThat(alerts).isNotEmpty();
    }

    private void assertUntouched() throws IOException {
        assertThat(Files.readAllBytes(dir.resolve("smtp.jsonl"))).isEqualTo(log);
        assertThat(Files.readAllBytes(dir.resolve("alerts.jsonl"))).isEqualTo(alerts);
        assertThat(Files.readAllBytes(dir.resolve("anomalies.jsonl"))).isEqualTo(anomalies);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("smtp.jsonl", "alerts.jsonl", "anomalies.jsonl");
        }
    }

    @Test
    void aBadFilterIsAUsageErrorAndTouchesNothing() throws IOException {
        Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", dir.toString(), "--filter", "tcp port and and",
                "samples/incident-2-null-sender.pcap");
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).startsWith("mailtap: invalid BPF filter 'tcp port and and'");
        assertUntouched();
    }

    @Test
    void aMissingCaptureTouchesNothing() throws IOException {
        Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", dir.toString(),
                "samples/incident-2-null-sender.pcap", dir.resolve("nope.pcap").toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertUntouched();
    }

    @Test
    void aFileThatIsNotACaptureTouchesNothing() throws IOException {
        Path text = Files.writeString(dir.getParent().resolve(dir.getFileName() + "-notes.txt"), "not a capture\n");
        try {
            Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", dir.toString(),
                    "samples/incident-2-null-sender.pcap", text.toString());
            assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(r.err()).contains("-notes.txt");
            assertUntouched();
        } finally {
            Files.deleteIfExists(text);
        }
    }

    @Test
    void aGoodReplayReplacesBothFiles() throws IOException {
        Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", dir.toString(), "--show", "0",
                "samples/incident-2-null-sender.pcap");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("smtp.jsonl"))).isNotEqualTo(log);
        assertThat(Files.readString(dir.resolve("alerts.jsonl"))).contains("account:mallory").doesNotContain("127.0.0.1");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("smtp.jsonl", "alerts.jsonl", "anomalies.jsonl");
        }
    }
}
