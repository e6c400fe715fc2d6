package io.mailtap.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.flow.FlowSettings;
import io.mailtap.sensor.Replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs a capture through the real replay path ({@link Replay}, as {@code mailtap replay --config}
 * does) and reads back the {@code smtp.jsonl} it wrote: the file an operator reads.
 */
final class LogReplay {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LogReplay() {}

    /**
     * The SMTP ports of the replay: the default ones plus every port the truth file decoded as SMTP
     * with {@code -d} and every server port it reports (tcp/225 of bug-5867, 1224, 8240, ...).
     */
    static TreeSet<Integer> ports(JsonNode truth) {
        TreeSet<Integer> ports = new TreeSet<>();
        for (int p : FlowSettings.DEFAULT_SMTP_PORTS) ports.add(p);
        truth.path("decode_as_smtp_ports").forEach(p -> ports.add(p.asInt()));
        truth.path("sessions").forEach(s -> ports.add(s.get("server_port").asInt()));
        return ports;
    }

    /** The default configuration with {@code smtp.ports} set to {@link #ports}, parsed as a YAML file would be. */
    static MailtapConfig config(JsonNode truth) {
        String ports = ports(truth).stream().map(String::valueOf).collect(Collectors.joining(", "));
        return ConfigLoader.parse("smtp:\n  ports: [" + ports + "]\n", "corpus test");
    }

    /** Replays {@code capture} into {@code outDir} and returns the lines of its smtp.jsonl, parsed. */
    static List<JsonNode> run(Path capture, JsonNode truth, Path outDir) throws IOException {
        MailtapConfig cfg = config(truth);
        Replay.Report report = new Replay(cfg.flowSettings(), cfg.smtpSettings(), cfg.sensor().name(), List.of(), 0)
                .run(List.of(capture), null, outDir);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(report.transactionLog())) {
            if (!line.isBlank()) lines.add(JSON.readTree(line));
        }
        return lines;
    }
}
