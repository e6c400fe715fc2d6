package io.mailtap.bench;

import io.mailtap.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BenchGeneratorCliTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int run(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "bench-gen";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.run(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true), all);
    }

    @Test
    void writesTheFileAndPrintsOneSummaryLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/mix.pcap");
        assertThat(run("--out", file.toString(), "--packets", "2k", "--seed=9")).isEqualTo(0);
        String line = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(line).doesNotContain("\n").startsWith("bench-gen: variant=mix seed=9 packets=")
                .contains("bytes=" + Files.size(file)).contains("smtp_sessions=").endsWith("file=" + file);
        assertThat(Files.exists(dir.resolve("sub/mix.pcap.part"))).isFalse();
    }

    @Test
    void badUsageExitsWithTwo() {
        assertThat(run("--packets", "10")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Missing required option: '--out=FILE'");
        assertThat(run("--out", "x.pcap", "--variant", "tsunami")).isEqualTo(2);
        assertThat(run("--out", "x.pcap", "--packets", "lots")).isEqualTo(2);
        assertThat(run("--out", "x.pcap", "--reorder-rate", "2")).isEqualTo(2);
        assertThat(run("--out")).isEqualTo(2);
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(run("--help")).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: mailtap bench-gen").contains("--retransmit-rate=P");
    }

    @Test
    void tcpdumpReadsEveryPacket(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tcpdump")) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")),
                "tcpdump is not installed");
        Path file = dir.resolve("mix.pcap");
        assertThat(run("--out", file.toString(), "--packets", "3000", "--concurrency", "20")).isEqualTo(0);
        long packets = Long.parseLong(out.toString(StandardCharsets.UTF_8).replaceAll("(?s).* packets=(\\d+) .*", "$1"));

        Process p = new ProcessBuilder("tcpdump", "-nn", "-r", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long lines;
        try (var r = p.inputReader(StandardCharsets.UTF_8)) {
            lines = r.lines().count();
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(0);
        assertThat(lines).isEqualTo(packets);
    }
}
