package io.mailtap.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.sensor.Replay;
import io.mailtap.smtp.SmtpSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Replays captures as {@code mailtap replay} does and returns the smtp.jsonl lines an operator reads. */
final class ReplayRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplayRecords() {}

    static List<JsonNode> replay(FlowSettings flow, Path out, Path... pcaps) throws IOException {
        return replay(flow, List.of(), out, pcaps);
    }

    static List<JsonNode> replay(FlowSettings flow, List<io.mailtap.smtp.SmtpEventListener> consumers, Path out,
                                 Path... pcaps) throws IOException {
        new Replay(flow, SmtpSettings.defaults(), "test-sensor", consumers, 0).run(List.of(pcaps), null, out);
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve(Replay.TRANSACTION_LOG))) lines.add(JSON.readTree(l));
        return lines;
    }

    static FlowSettings ports(int... extra) {
        FlowSettings d = FlowSettings.defaults();
        int[] ports = java.util.stream.IntStream.concat(java.util.Arrays.stream(FlowSettings.DEFAULT_SMTP_PORTS),
                java.util.Arrays.stream(extra)).distinct().toArray();
        return new FlowSettings(ports, false, d.maxFlows(), d.maxBufferedBytesPerDirection(), d.maxBufferedBytesTotal(),
                d.attemptTimeoutMicros(), d.idleTimeoutMicros(), d.closedTimeoutMicros(),
                d.ackWaitMicros(), d.ackWaitMaxBytes());
    }
}
