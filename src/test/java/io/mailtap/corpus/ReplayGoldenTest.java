package io.mailtap.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The refactoring guard rail: {@code mailtap replay} writes byte for byte the same
 * {@code smtp.jsonl}, {@code alerts.jsonl} and {@code anomalies.jsonl} as the build that recorded
 * {@code src/test/resources/golden/replay-outputs.sha256}, for every capture in {@code samples/}
 * and in both corpora. It goes through the command line, as an operator does, so it holds whatever
 * the code behind the command becomes.
 *
 * <p>A change that alters a record on purpose re-records the file with
 * {@code ./mvnw -B -o test -Dtest=ReplayGoldenTest -Dmailtap.golden.update=true} and says in its
 * commit which lines changed and why ({@code git diff} of the digest file names the captures).
 */
class ReplayGoldenTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden", "replay-outputs.sha256");
    private static final List<String> OUTPUTS = List.of("smtp.jsonl", "alerts.jsonl", "anomalies.jsonl");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The lab's address plan, so the samples' findings (not only their transactions) are in the record. */
    private static final Path LAB = Path.of("samples", "lab.yml");

    @TempDir
    Path tmp;

    @Test
    void replayOutputsAreByteIdenticalToTheRecordedOnes() throws Exception {
        Map<String, String> actual = new LinkedHashMap<>();
        for (Path sample : samples()) actual.put("samples/" + sample.getFileName(), replay(sample, LAB));
        for (Corpus.Capture c : Corpus.captures()) {
            Path cfg = tmp.resolve("ports.yml");
            Files.writeString(cfg, portsConfig(JSON.readTree(c.truth().toFile())));
            actual.put(c.name(), replay(c.file(), cfg));
        }

        if (Boolean.getBoolean("mailtap.golden.update")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, actual.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n")));
            return;
        }

        Map<String, String> expected = new LinkedHashMap<>();
        for (String line : Files.readAllLines(GOLDEN)) {
            if (line.isBlank()) continue;
            int sp = line.indexOf(' ');
            expected.put(line.substring(0, sp), line.substring(sp + 1));
        }
        List<String> differ = new ArrayList<>();
        for (var e : actual.entrySet()) {
            String want = expected.get(e.getKey());
            if (want == null) differ.add(e.getKey() + ": not recorded");
            else if (!want.equals(e.getValue())) differ.add(e.getKey() + ": " + changed(want, e.getValue()));
        }
        for (String k : expected.keySet()) if (!actual.containsKey(k)) differ.add(k + ": recorded, no longer replayed");
        if (!differ.isEmpty()) {
            fail(differ.size() + " of " + actual.size() + " captures replay differently from the recorded outputs"
                    + " (re-record with -Dmailtap.golden.update=true only for an intended change):\n  "
                    + String.join("\n  ", differ));
        }
        assertEquals(expected.size(), actual.size());
    }

    /** Every {@code samples/*.pcap}. */
    private static List<Path> samples() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("samples"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pcap")).sorted().toList();
        }
    }

    private static String portsConfig(JsonNode truth) {
        return "smtp:\n  ports: [" + LogReplay.ports(truth).stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + "]\n";
    }

    /** Replays one capture through {@code mailtap replay} and returns "output=digest ..." for its files. */
    private String replay(Path capture, Path config) throws Exception {
        Path out = Files.createTempDirectory(tmp, "out");
        List<String> args = new ArrayList<>(List.of("replay", "--show", "0", "--out", out.toString()));
        if (config != null) args.addAll(List.of("--config", config.toString()));
        args.add(capture.toString());
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int code = Main.run(new PrintWriter(stdout, true), new PrintWriter(stderr, true), args.toArray(String[]::new));
        // a damaged capture (a truncated record in the corpus) ends the replay with exit 1: that
        // exit and the files it left are part of the record too
        StringBuilder sb = new StringBuilder("exit=").append(code);
        for (String name : OUTPUTS) {
            Path f = out.resolve(name);
            sb.append(' ').append(name).append('=').append(Files.exists(f) ? sha256(Files.readAllBytes(f)) : "absent");
        }
        return sb.toString();
    }

    private static String changed(String want, String got) {
        String[] w = want.split(" ");
        String[] g = got.split(" ");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < Math.min(w.length, g.length); i++) {
            if (!w[i].equals(g[i])) names.add(g[i].substring(0, g[i].indexOf('=')));
        }
        return String.join(", ", names) + " changed";
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
    }
}
