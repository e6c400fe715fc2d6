package io.mailtap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `mailtap run` start-up failures: exit codes and one clear line each (the running sensor is tested in io.mailtap.sensor). */
class RunCommandTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    private Path config(String yaml) throws Exception {
        Path f = dir.resolve("mailtap.yml");
        Files.writeString(f, yaml + "output:\n  dir: " + dir.resolve("out") + "\nmetrics:\n  listen: null\n");
        return f;
    }

    @Test
    void isListedInTheHelp() {
        assertThat(run("--help").out()).contains("run").contains("replay");
        assertThat(run("help", "run").out()).contains("--config").contains("CAP_NET_RAW");
    }

    @Test
    void aBadConfigurationExitsTwo() throws Exception {
        Result r = run("run", "--config", config("capture:\n  workers: 0\n").toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).startsWith("config error: capture.workers");
        assertThat(run("run", "--config", dir.resolve("missing.yml").toString()).code()).isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void anUnknownInterfaceExitsOneAndNamesIt() throws Exception {
        Result r = run("run", "--config", config("capture:\n  interface: mailtap-nosuch0\n").toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.err()).startsWith("mailtap: cannot open interface 'mailtap-nosuch0': ");
        assertThat(r.err().strip()).doesNotContain("\n");
    }

    @Test
    void anInvalidFilterIsABadConfiguration() throws Exception {
        // refused before the interface is opened (the same check as check-config's), so no capture rights are needed
        Result r = run("run", "--config", config("capture:\n  interface: lo\n  filter: \"tcp port\"\n").toString());
        assertThat(r.code()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).startsWith("config error: capture.filter: invalid BPF filter 'tcp port' for link type 1: ");
    }
}
