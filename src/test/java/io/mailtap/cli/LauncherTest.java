package io.mailtap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./mailtap} launcher's libpcap check and its choice of jar and JVM options, run for real
 * with a stand-in {@code ldconfig} and {@code java} first on PATH (the jars are present and newer than
 * the absent sources, so no build).
 */
@EnabledOnOs(OS.LINUX)
class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void aLongLibraryListWithLibpcapEarlyIsNotAFalseAlarm() throws Exception {
        // libpcap first, then far more than a pipe buffer: `grep -q` exits early and ldconfig dies of SIGPIPE
        Result r = launch("echo '\tlibpcap.so.0.8 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpcap.so.0.8'\n"
                + "for i in $(seq 1 200000); do echo \"\tlibfoo$i.so (libc6,x86-64) => /lib/libfoo$i.so\"; done\n");
        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("java ran: ").contains("-jar").contains("replay x.pcap").doesNotContain("not installed");
    }

    @Test
    void noLibpcapIsReportedWithTheDebianPackage() throws Exception {
        Result r = launch("echo '\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6'\n");
        assertThat(r.exit).isEqualTo(1);
        assertThat(r.output).contains("libpcap is not installed").contains("apt-get install libpcap0.8")
                .doesNotContain("java ran");
    }

    private static final String LIBPCAP = "echo '\tlibpcap.so.0.8 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpcap.so.0.8'\n";

    @Test
    void aReplayRunsOnC1AndTheSerialCollectorTheLiveSensorOnTheDefaults() throws Exception {
        assertThat(launch(LIBPCAP, null, "replay", "x.pcap").output)
                .contains("java ran: -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar ");
        assertThat(launch(LIBPCAP, null, "run", "--config", "c.yml").output).contains("java ran: -jar ");
    }

    @Test
    void javaOptionsFromTheEnvironmentReplaceTheReplayDefaults() throws Exception {
        assertThat(launch(LIBPCAP, "-Xmx2g", "replay", "x.pcap").output).contains("java ran: -Xmx2g -jar ");
        assertThat(launch(LIBPCAP, "", "replay", "x.pcap").output).contains("java ran: -jar ");
    }

    @Test
    void benchGenRunsTheToolingJarEveryOtherCommandTheProductJar() throws Exception {
        assertThat(launch(LIBPCAP, null, "bench-gen", "--out", "x.pcap").output)
                .containsPattern("java ran: -jar \\S*/target/mailtap-0\\.1-bench\\.jar bench-gen --out x\\.pcap");
        assertThat(launch(LIBPCAP, null, "interfaces").output).containsPattern("java ran: -jar \\S*/target/mailtap\\.jar interfaces");
    }

    private record Result(int exit, String output) {}

    private Result launch(String ldconfigBody) throws IOException, InterruptedException {
        return launch(ldconfigBody, null, "replay", "x.pcap");
    }

    private Result launch(String ldconfigBody, String javaOpts, String... args) throws IOException, InterruptedException {
        Path home = Files.createDirectories(dir.resolve("mailtap"));
        Files.copy(Path.of("mailtap"), home.resolve("mailtap"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(home.resolve("target"));
        Files.writeString(home.resolve("target/mailtap.jar"), "stand-in");
        Files.writeString(home.resolve("target/mailtap-0.1-bench.jar"), "stand-in");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("ldconfig"), ldconfigBody);
        script(bin.resolve("java"), "echo \"java ran: $*\"\n");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("bash", home.resolve("mailtap").toString()));
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().remove("MAILTAP_JAVA_OPTS");
        if (javaOpts != null) pb.environment().put("MAILTAP_JAVA_OPTS", javaOpts);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static void script(Path p, String body) throws IOException {
        Files.writeString(p, "#!/bin/bash\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
