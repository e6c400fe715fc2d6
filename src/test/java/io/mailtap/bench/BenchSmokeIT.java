package io.mailtap.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the whole-process benchmark harness on a small capture (bench/run.sh --quick) so it cannot
 * rot: every row that has its tool must produce a number, and mailtap must process the whole file.
 * It asserts that the harness works, not how fast anything is (speed is for the full run, by hand).
 */
class BenchSmokeIT {
    @Test
    void quickBenchmarkRunsEndToEnd() throws IOException, InterruptedException {
        Path log = Files.createTempFile("bench-smoke", ".out");
        Process p = new ProcessBuilder("bash", "bench/run.sh", "--quick")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(done).as("bench/run.sh --quick finished in time:\n%s", out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).containsPattern("\\| C pcap_next_ex, counting \\(the limit\\) \\| \\d+ \\| [0-9.]+ \\| \\d+ \\|");
        assertThat(out).containsPattern("\\| mailtap replay \\(end to end\\) \\| \\d+ \\| [0-9.]+ \\| \\d+ \\|");
        assertThat(out).contains("mailtap: reported").contains("(all of the file)");
    }
}
