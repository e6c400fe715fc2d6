package io.mailtap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mailtap replay --threads N} as the operator runs it: same files and the same summary as one pipeline. */
class ReplayThreadsCliTest {
    @TempDir
    Path tmp;

    @Test
    void twoPipelinesPrintTheSameSummaryAndWriteTheSameFiles() throws Exception {
        Path one = tmp.resolve("one"), two = tmp.resolve("two");
        Cli a = Cli.run("replay", "--config", "samples/lab.yml", "--out", one.toString(), "samples/blocklist-two-lists.pcap");
        Cli b = Cli.run("replay", "--config", "samples/lab.yml", "--threads", "2", "--out", two.toString(),
                "samples/blocklist-two-lists.pcap");
        assertThat(b.exit()).isZero();
        assertThat(a.exit()).isZero();
        // the first line holds the run time, and the paths name the output directories
        assertThat(summary(b.out(), two)).isEqualTo(summary(a.out(), one));
        assertThat(b.out()).doesNotContain("Parallel replay");
        for (String f : new String[]{"smtp.jsonl", "alerts.jsonl", "anomalies.jsonl"}) {
            assertThat(Files.readString(two.resolve(f))).as(f).isEqualTo(Files.readString(one.resolve(f)));
        }
        assertThat(Files.readString(one.resolve("alerts.jsonl"))).isNotEmpty(); // the blocklist findings
    }

    @Test
    void aLimitOneTableMightHaveReachedIsPrintedInTheSummary() throws Exception {
        Path cfg = tmp.resolve("small.yml");
        Files.writeString(cfg, "flow:\n  max_flows: 2\n");
        Cli r = Cli.run("replay", "--config", cfg.toString(), "--threads", "3", "--out", tmp.resolve("o").toString(),
                "samples/quickstart.pcap");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Parallel replay: one flow table might have reached flow.max_flows; "
                + "the output may differ from --threads 1");
    }

    @Test
    void threadsOutsideOneToSixtyFourIsAUsageError() {
        Cli r = Cli.run("replay", "--threads", "0", "--out", tmp.toString(), "samples/quickstart.pcap");
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err().strip()).isEqualTo("mailtap: --threads must be 1..64, not 0");
        assertThat(tmp.resolve("smtp.jsonl")).doesNotExist();
    }

    private static String summary(String out, Path dir) {
        return out.substring(out.indexOf('\n') + 1).replace(dir.toString(), "DIR");
    }
}
