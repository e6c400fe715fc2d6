package io.mailtap.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * check-config refuses exactly what run refuses, with the same lines: a file that passes
 * check-config (and so `systemctl reload`) is one the sensor starts with.
 */
class CheckConfigParityTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bad BPF filter       | capture:\\n  interface: lo\\n  filter: \"tcp port and and\"\\n | config error: capture.filter: invalid BPF filter 'tcp port and and'",
            "unresolvable listen  | metrics:\\n  listen: \"no-such-host.invalid:9725\"\\n        | config error: metrics.listen: cannot resolve the host of no-such-host.invalid:9725",
            "output.dir is a file | output:\\n  dir: FILE\\n                                    | config error: output.dir: FILE: is a file, not a directory",
            "under a file         | output:\\n  dir: FILE/logs\\n                               | config error: output.dir: FILE/logs: FILE is a file, not a directory",
            "missing TLS key      | metrics:\\n  listen: \"127.0.0.1:9725\"\\n  tls:\\n    cert: NOPE\\n    key: NOPE\\n | config error: metrics.tls.cert: NOPE: no such file",
    })
    void runAndCheckConfigRefuseTheSameFileWithTheSameProblem(String what, String yaml, String problem) throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Path nope = dir.resolve("nope.pem");
        String y = yaml.replace("\\n", "\n").replace("FILE", file.toString()).replace("NOPE", nope.toString());
        if (!y.contains("output:")) y += "output:\n  dir: " + dir.resolve("out") + "\n";
        if (!y.contains("metrics:")) y += "metrics:\n  listen: null\n";
        Path cfg = Files.writeString(dir.resolve("mailtap.yml"), y);
        String expected = problem.replace("FILE", file.toString()).replace("NOPE", nope.toString());

        Cli check = Cli.run("check-config", cfg.toString());
        Cli run = Cli.run("run", "--config", cfg.toString());
        assertThat(check.exit()).as(check.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(run.exit()).as(run.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(check.err()).contains(expected);
        assertThat(check.out()).isEmpty();
        assertThat(run.err().lines().filter(l -> l.startsWith("config error: ")))
                .isEqualTo(check.err().lines().filter(l -> l.startsWith("config error: ")).toList());
    }
}
