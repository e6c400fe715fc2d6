package io.mailtap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** --show caps the findings table as it caps the transactions, and counts what it left out. */
class FindingsTableCapTest {
    @TempDir
    Path out;

    private Cli replay(String show) {
        Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", out.toString(), "--show", show,
                "samples/quickstart.pcap");
        assertThat(r.exit()).as(r.err()).isZero();
        return r;
    }

    private static long rows(Cli r) {
        return r.out().lines().filter(l -> l.matches("  [a-z_]+ +(critical|warning|info) .*")).count();
    }

    @Test
    void showZeroListsNoFindingButCountsThemAll() {
        Cli r = replay("0");
        assertThat(r.out()).contains("Findings: 13\n").doesNotContain("RULE ");
        assertThat(rows(r)).isZero();
        assertThat(r.out()).containsPattern("  \\.\\.\\. 13 more findings \\(10 critical, 3 warning\\) in .*alerts\\.jsonl");
    }

    @Test
    void showThreeListsTheFirstThree() {
        Cli r = replay("3");
        assertThat(rows(r)).isEqualTo(3);
        assertThat(r.out()).contains("  ... 10 more findings (");
    }

    @Test
    void theDefaultListsEveryFindingOfTheSample() {
        Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", out.toString(), "samples/quickstart.pcap");
        assertThat(rows(r)).isEqualTo(13);
        assertThat(r.out()).doesNotContain("more finding");
    }
}
