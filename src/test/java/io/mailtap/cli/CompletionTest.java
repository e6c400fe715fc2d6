package io.mailtap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** `mailtap generate-completion` prints picocli's bash completion script, and bash completes from it. */
class CompletionTest {
    @Test
    @EnabledOnOs(OS.LINUX)
    void bashCompletesTheCommandsAndTheirOptions(@TempDir Path dir) throws Exception {
        Cli r = Cli.run("generate-completion");
        assertThat(r.exit()).as(r.err()).isZero();
        Path script = Files.writeString(dir.resolve("mailtap-completion.bash"), r.out());
        // what bash offers after "mailtap " and after "mailtap replay --c"
        String probe = "source " + script + "\n"
                + "COMP_WORDS=(mailtap ''); COMP_CWORD=1; _complete_mailtap; echo \"top: ${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(mailtap replay --c); COMP_CWORD=2; _complete_mailtap; echo \"replay: ${COMPREPLY[*]}\"\n";
        Process p = new ProcessBuilder("bash", "-c", probe).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).containsPattern("top: .*\\brun\\b").contains("replay").contains("check-config").contains("interfaces");
        assertThat(out).containsPattern("replay: .*--config");
    }
}
