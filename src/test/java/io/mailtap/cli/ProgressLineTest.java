package io.mailtap.cli;

import io.mailtap.sensor.ReplayProgress;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The replay's progress line, on a clock the test moves (no timing). */
class ProgressLineTest {
    private long now;
    private final StringWriter err = new StringWriter();
    private final ProgressLine line = new ProgressLine(new PrintWriter(err), () -> now);

    @Test
    void showsPacketsRateShareAndTimeLeft() {
        assertThat(ProgressLine.format(3_000_000, 250, 1000, 10_000_000_000L))
                .isEqualTo("replay: 3,000,000 packets · 300,000 packets/s · 25% · ETA 0:30");
        assertThat(ProgressLine.format(10, 500, 1000, 4_000_000_000_000L)).endsWith("50% · ETA 1:06:40");
        assertThat(ProgressLine.format(10, 1000, 1000, 1_000_000_000L)).isEqualTo("replay: 10 packets · 10 packets/s · 100%");
        assertThat(ProgressLine.format(10, 2000, 1000, 1_000_000_000L)).as("an estimate past the end").endsWith("100%");
    }

    @Test
    void nothingDuringTheFirstSecondThenAtMostFourRedrawsASecondThenErased() {
        now = 999_000_000L;
        line.update(4096, 10, 100);
        assertThat(err.toString()).isEmpty();
        now = 1_000_000_000L;
        line.update(8192, 20, 100);
        assertThat(err.toString()).isEqualTo("\rreplay: 8,192 packets · 8,192 packets/s · 20% · ETA 0:04");
        now += 100_000_000L;
        line.update(12288, 30, 100);
        assertThat(err.toString()).as("too soon to redraw").doesNotContain("12,288");
        now += 150_000_000L;
        line.update(16384, 40, 100);
        assertThat(err.toString()).contains("\rreplay: 16,384 packets");
        int drawn = err.toString().length();
        line.done();
        String erase = err.toString().substring(drawn);
        assertThat(erase).matches("\r +\r");
    }

    @Test
    void aShortReplayPrintsNothingAtAll() {
        line.update(100, 100, 100);
        line.done();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void notATerminalMeansNoProgress() {
        assertThat(ProgressLine.onTerminal(null)).isFalse();
        // the test JVM's output goes to files: no console, so the command gets the silent progress
        if (System.console() == null) {
            assertThat(ProgressLine.forTerminal(new PrintWriter(err))).isSameAs(ReplayProgress.NONE);
        }
    }
}
