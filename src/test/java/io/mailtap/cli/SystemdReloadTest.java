package io.mailtap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code systemctl reload mailtap} runs the unit's ExecReload lines in order and stops at the first
 * that fails: the validation must come before the SIGHUP and must fail on an invalid file. The
 * command after {@code mailtap.jar} is run here for real, on the unit's own arguments.
 */
class SystemdReloadTest {
    private static final String JAR = "/opt/mailtap/mailtap.jar";
    private static final String CONFIG = "/etc/mailtap/mailtap.yml";

    @TempDir
    Path dir;

    private static List<String> directives(String key) throws IOException {
        return Files.readAllLines(Path.of("systemd/mailtap.service")).stream()
                .filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).toList();
    }

    /** The mailtap arguments of the first ExecReload, with the unit's config file replaced by {@code file}. */
    private static String[] checkArgs(Path file) throws IOException {
        String check = directives("ExecReload").get(0);
        assertThat(check).contains(" -jar " + JAR + " ");
        return Arrays.stream(check.substring(check.indexOf(JAR) + JAR.length()).trim().split(" +"))
                .map(a -> a.equals(CONFIG) ? file.toString() : a).toArray(String[]::new);
    }

    @Test
    void reloadValidatesTheRunningFileBeforeSignalling() throws IOException {
        List<String> reload = directives("ExecReload");
        assertThat(reload).hasSize(2);
        assertThat(reload.get(0)).contains(" check-config ").endsWith(" " + CONFIG);
        assertThat(reload.get(1)).isEqualTo("/bin/kill -HUP $MAINPID");
        assertThat(directives("ExecStart")).singleElement().asString().endsWith(" run --config " + CONFIG);
    }

    @Test
    void anInvalidFileFailsTheReload() throws IOException {
        Path bad = Files.writeString(dir.resolve("mailtap.yml"), "network:\n  internal: [10.0.0.0/33]\n");
        Cli r = Cli.run(checkArgs(bad));
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("network.internal");
    }

    @Test
    void aValidFilePassesQuietly() throws IOException {
        Path good = Files.writeString(dir.resolve("mailtap.yml"), "network:\n  internal: [10.0.0.0/8]\n");
        Cli r = Cli.run(checkArgs(good));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aConfigurationErrorIsNotRestartedForever() throws IOException {
        assertThat(directives("RestartPreventExitStatus")).containsExactly(String.valueOf(Main.EXIT_USAGE));
    }
}
