package io.mailtap.corpus;

import io.mailtap.capture.OfflineSource;
import io.mailtap.capture.PacketSource;
import io.mailtap.capture.RawFrame;
import io.mailtap.cli.Main;
import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.FrameDecoder;
import io.mailtap.decode.PacketView;
import io.mailtap.flow.EndReason;
import io.mailtap.flow.Flow;
import io.mailtap.flow.FlowListener;
import io.mailtap.flow.FlowSettings;
import io.mailtap.flow.FlowStats;
import io.mailtap.flow.FlowTable;
import io.mailtap.testutil.CorpusDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No AUTH password that crosses the wire in the corpora (pcaps and pcaps2) or in our lab samples may appear in
 * anything mailtap writes: smtp.jsonl, alerts.jsonl, the printed summary, the log.
 *
 * <p>The passwords are scraped from the client streams by a deliberately naive parser of its own
 * (not mailtap's SMTP decoder, whose output is what is being checked): PLAIN's third field, the
 * line LOGIN sends after the username, CRAM-MD5's digest. Each is searched for as text and as
 * the base64 it crossed the wire in.
 */
class NoPasswordLeakTest {
    @TempDir
    Path out;

    @Test
    void noCorpusOrSamplePasswordReachesAnyOutput() throws Exception {
        List<Path> captures = new ArrayList<>();
        for (CorpusDir.Corpus corpus : CorpusDir.Corpus.values()) {
            try (Stream<Path> s = Files.walk(corpus.dir())) {
                s.filter(p -> p.toString().matches(".*\\.(pcap(ng)?|trace)$")).sorted().forEach(captures::add);
            }
        }
        try (Stream<Path> s = Files.list(Path.of("samples"))) {
            s.filter(p -> p.toString().endsWith(".pcap")).sorted().forEach(captures::add);
        }

        Set<String> secrets = new LinkedHashSet<>();
        for (Path c : captures) secrets.addAll(ClientStreams.passwords(c));
        // the lab's accounts (lab/users.txt) are known to be used in samples/
        for (String u : List.of("alice", "mallory", "guest")) secrets.add("S3cret-" + u);
        assertThat(secrets).as("the scraper must find the corpus passwords, else this test proves nothing")
                .hasSizeGreaterThanOrEqualTo(10);

        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        List<String> args = new ArrayList<>(List.of("replay", "--out", out.toString(), "--show", "100000"));
        captures.forEach(c -> args.add(c.toString()));
        Main.run(new PrintWriter(stdout), new PrintWriter(stderr), args.toArray(String[]::new));
        // the parallel replay writes through its own merge of the shards' events: checked the same way
        List<String> parallel = new ArrayList<>(List.of("replay", "--threads", "3", "--out", out.resolve("parallel").toString(),
                "--show", "100000"));
        captures.forEach(c -> parallel.add(c.toString()));
        Main.run(new PrintWriter(stdout), new PrintWriter(stderr), parallel.toArray(String[]::new));

        StringBuilder everything = new StringBuilder(stdout.toString()).append(stderr);
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                everything.append(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        assertThat(everything.toString()).as("replay wrote its transaction log").contains("\"auth_user\":\"gurpartap@patriots.in\"");
        assertThat(Files.readString(out.resolve("parallel").resolve("smtp.jsonl"), StandardCharsets.UTF_8))
                .as("the parallel replay wrote its transaction log").contains("\"auth_user\":\"gurpartap@patriots.in\"");
        String all = everything.toString();
        for (String secret : secrets) {
            String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
            // whole tokens only: the corpus password 1234567 is legitimately part of the logged
            // username 12345678@aol.com
            assertThat(all).as("password leaked").doesNotContainPattern(token(secret));
            assertThat(all).as("base64 password leaked").doesNotContainPattern(token(b64));
        }
    }

    /** Client byte streams per connection, via the flow layer, and a naive AUTH scraper over them. */
    static final class ClientStreams implements FlowListener {
        private final Map<Flow, ByteArrayOutputStream> streams = new IdentityHashMap<>();

        static Set<String> passwords(Path capture) throws Exception {
            ClientStreams cs = new ClientStreams();
            FlowSettings d = FlowSettings.defaults();
            FlowTable table = new FlowTable(new FlowSettings(new int[] {25, 465, 587, 2525, 1224, 1080, 8240}, true,
                    d.maxFlows(), d.maxBufferedBytesPerDirection(), d.maxBufferedBytesTotal(),
                    d.attemptTimeoutMicros(), d.idleTimeoutMicros(), d.closedTimeoutMicros()), cs, new FlowStats());
            FrameDecoder decoder = new FrameDecoder(new DecodeStats());
            PacketView v = new PacketView();
            try (PacketSource src = OfflineSource.open(capture, null)) {
                RawFrame f = new RawFrame();
                while (src.read(f) == PacketSource.PACKET) {
                    if (decoder.decode(src.linkType(), f.data, f.capturedLength, f.wireLength, f.tsMicros, v)) table.onPacket(v);
                }
            }
            table.flushAll(Long.MAX_VALUE / 2);
            Set<String> found = new LinkedHashSet<>();
            for (ByteArrayOutputStream s : cs.streams.values()) scrape(s.toString(StandardCharsets.ISO_8859_1), found);
            return found;
        }

        private static void scrape(String stream, Set<String> found) {
            String[] lines = stream.split("\r?\n");
            for (int i = 0; i < lines.length; i++) {
                String[] w = lines[i].trim().split("\\s+");
                if (w.length < 2 || !w[0].equalsIgnoreCase("AUTH")) continue;
                String mech = w[1].toUpperCase(Locale.ROOT);
                String initial = w.length > 2 ? w[2] : null;
                List<String> next = new ArrayList<>();
                for (int j = i + 1; j < lines.length && j <= i + 3; j++) next.add(lines[j].trim());
                switch (mech) {
                    case "PLAIN" -> {
                        String blob = initial != null ? initial : next.isEmpty() ? null : next.get(0);
                        String[] parts = decode(blob).split("\0", -1);
                        if (parts.length >= 3) keep(parts[2], found);
                    }
                    case "LOGIN" -> keep(decode(initial != null ? first(next, 0) : first(next, 1)), found);
                    case "CRAM-MD5" -> {
                        String resp = decode(first(next, 0));
                        int sp = resp.lastIndexOf(' ');
                        if (sp > 0) keep(resp.substring(sp + 1), found);
                    }
                    default -> { }
                }
            }
        }

        private static String first(List<String> l, int i) {
            return i < l.size() ? l.get(i) : null;
        }

        private static String decode(String b64) {
            if (b64 == null) return "";
            try {
                return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return "";
            }
        }

        /** Very short strings would match by accident anywhere; every corpus password is longer. */
        private static void keep(String secret, Set<String> found) {
            if (secret.length() >= 5) found.add(secret);
        }

        @Override public void onFlowStart(Flow flow, long ts) { }
        @Override public void onEstablished(Flow flow, long ts) { }
        @Override public void onData(Flow flow, boolean fromClient, byte[] data, int off, int len, long ts) {
            if (fromClient) streams.computeIfAbsent(flow, f -> new ByteArrayOutputStream()).write(data, off, len);
        }
        @Override public void onGap(Flow flow, boolean fromClient, long bytes, long ts) { }
        @Override public void onFlowEnd(Flow flow, EndReason reason, long ts) { }
    }

    private static java.util.regex.Pattern token(String s) {
        return java.util.regex.Pattern.compile("(?<![A-Za-z0-9])" + java.util.regex.Pattern.quote(s) + "(?![A-Za-z0-9])");
    }
}
