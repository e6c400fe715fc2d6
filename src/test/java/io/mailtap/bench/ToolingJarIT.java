package io.mailtap.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jars, as `package` leaves them: the product jar is the sensor alone (no benchmark
 * generator, no tooling command), and the tooling jar beside it runs bench-gen on mailtap's CLI.
 */
class ToolingJarIT {
    private static final Path PRODUCT = Path.of("target/mailtap.jar");

    @TempDir
    Path dir;

    @Test
    void theProductJarCarriesNoTooling() throws IOException, InterruptedException {
        try (JarFile jar = new JarFile(PRODUCT.toFile())) {
            List<String> tooling = jar.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("io/mailtap/bench/") || n.equals("META-INF/services/io.mailtap.cli.ToolCommand"))
                    .toList();
            assertThat(tooling).isEmpty();
            assertThat(jar.getEntry("io/mailtap/cli/Main.class")).isNotNull();
        }
        Run r = java("-jar", PRODUCT.toString(), "bench-gen", "--out", dir.resolve("x.pcap").toString());
        assertThat(r.exit).as(r.output).isEqualTo(2);
        assertThat(dir.resolve("x.pcap")).doesNotExist();
        assertThat(r.output).contains("Unmatched argument");
    }

    @Test
    void theToolingJarRunsBenchGenOnTheProductsCli() throws IOException, InterruptedException {
        Path tools;
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            tools = s.filter(p -> p.getFileName().toString().matches("mailtap-.*-bench\\.jar")).findFirst().orElseThrow();
        }
        try (JarFile jar = new JarFile(tools.toFile())) {
            assertThat(jar.getEntry("io/mailtap/bench/BenchGenerator.class")).isNotNull();
            assertThat(jar.getEntry("io/mailtap/cli/Main.class")).as("the CLI comes from the product jar").isNull();
        }
        Path pcap = dir.resolve("small.pcap");
        Run gen = java("-jar", tools.toString(), "bench-gen", "--out", pcap.toString(), "--packets", "2k", "--seed", "5");
        assertThat(gen.exit).as(gen.output).isZero();
        assertThat(gen.output).startsWith("bench-gen: variant=mix seed=5 packets=");
        Run replay = java("-jar", PRODUCT.toString(), "replay", "--out", dir.resolve("out").toString(), "--show", "0", pcap.toString());
        assertThat(replay.exit).as(replay.output).isZero();
        assertThat(replay.output).containsPattern("SMTP: [1-9][0-9,]* connections");
    }

    private record Run(int exit, String output) {}

    private static Run java(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }
}
