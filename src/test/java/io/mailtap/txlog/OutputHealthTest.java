package io.mailtap.txlog;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutputHealthTest {
    @Test
    void theStopLineSaysWhatWasLostPerOutput() {
        OutputHealth h = new OutputHealth();
        assertThat(h.summary()).isEqualTo("no output record lost");
        assertThat(h.failing()).isEmpty();
        h.of(Output.SMTP).lost.addAndGet(33_267);
        h.of(Output.SMTP).writeErrors.addAndGet(12);
        h.of(Output.SMTP).failing("No space left on device");
        assertThat(h.summary()).isEqualTo("smtp.jsonl lost 33267 records (12 write errors)");
        assertThat(h.failing()).containsExactly("smtp.jsonl: No space left on device");
    }
}
