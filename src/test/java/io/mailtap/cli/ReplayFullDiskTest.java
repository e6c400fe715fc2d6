package io.mailtap.cli;

import io.mailtap.testutil.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A replay whose output directory is a full (real) file system fails with one line (root only). */
@EnabledIf("io.mailtap.testutil.Tmpfs#usable")
class ReplayFullDiskTest {
    @Test
    void replayOntoAFullDiskFailsWithOneLine(@TempDir Path dir) throws Exception {
        try (Tmpfs fs = Tmpfs.mount(dir, "64k")) {
            fs.fill();
            Cli r = Cli.run("replay", "--out", fs.dir().toString(), "samples/incident-2-null-sender.pcap");
            assertThat(r.exit()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(r.err().strip()).doesNotContain("\n").startsWith("mailtap: cannot write ")
                    .contains("smtp.jsonl").endsWith("No space left on device");
            assertThat(r.err()).doesNotContain("Exception", "\tat ");
            // The replay is staged: a failed one leaves neither a half-written log nor its temporary file.
            assertThat(fs.dir().resolve("smtp.jsonl")).doesNotExist();
            try (var left = Files.list(fs.dir())) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
            }
        }
    }
}
