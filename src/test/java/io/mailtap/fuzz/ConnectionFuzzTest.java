package io.mailtap.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mailtap.flow.FlowSettings;
import io.mailtap.sensor.PacketPipeline;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpSettings;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of everything behind the decoder for one TCP connection: the flow table,
 * reassembly (segments in order, out of order, overlapping with other bytes, retransmitted,
 * SYN/FIN/RST anywhere) and the SMTP state machine in both directions, through the same
 * {@link PacketPipeline} the sensor runs. The input is a script of segments ({@link SegmentScript});
 * the seeds are the client and server payloads of real sessions from both corpora
 * ({@code make_seeds.py} next to the inputs).
 *
 * <p>Invariants, whatever the bytes: nothing escapes the pipeline's error guard (internal errors
 * stay 0, no {@code internal_error} anomaly), and every connection that produced an event ends with
 * exactly one ConnectionEnd once the pipeline is finished.
 *
 * <p>{@code ./mvnw verify} fuzzes for {@code maxDuration} (JAZZER_FUZZ=1, a failsafe execution);
 * {@code ./mvnw test} replays the seeds and every crash found so far (the crash files Jazzer writes
 * into the inputs directory are committed as regression inputs).
 */
class ConnectionFuzzTest {
    private static final SmtpSettings TIGHT = new SmtpSettings(64, 96, 4, 3, 2);

    @FuzzTest(maxDuration = "45s")
    void connection(byte[] input) {
        if (input.length == 0) return;
        // The first byte picks default or tight SMTP limits, so the caps' edges are fuzzed too.
        SmtpSettings smtp = (input[0] & 1) == 0 ? SmtpSettings.defaults() : TIGHT;
        Map<String, Integer> ends = new HashMap<>();
        Map<String, Boolean> seen = new HashMap<>();
        PacketPipeline pipeline = new PacketPipeline(FlowSettings.defaults(), smtp, e -> {
            seen.put(e.conn().uid(), true);
            if (e instanceof SmtpEvent.ConnectionEnd) ends.merge(e.conn().uid(), 1, Integer::sum);
            if (e instanceof SmtpEvent.Anomaly a) {
                assertThat(String.valueOf(a.kind())).as("anomaly kind").doesNotContainIgnoringCase("internal_error");
            }
        });
        SegmentScript.play(input, 1, pipeline);
        pipeline.finish();
        assertThat(pipeline.internalErrors()).as("frames a stage failed on").isZero();
        for (String uid : seen.keySet()) {
            assertThat(ends.getOrDefault(uid, 0)).as("ConnectionEnd events of %s", uid).isEqualTo(1);
        }
    }
}
