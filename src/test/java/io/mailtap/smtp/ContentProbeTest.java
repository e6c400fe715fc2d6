package io.mailtap.smtp;

import io.mailtap.stream.ContentProbe;
import io.mailtap.stream.ContentProbe.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.mailtap.smtp.ProxyTunnelTest.b;
import static org.assertj.core.api.Assertions.assertThat;

/** The verdict rules of dynamic protocol detection (with SMTP's vocabulary) and the probe's bounds, on the probe alone. */
class ContentProbeTest {
    /** Largest allocation the bounds allow: two directions' bytes and the chunk index. */
    static final int MAX_ALLOCATED = 2 * ContentProbe.MAX_BYTES_PER_DIRECTION + ContentProbe.MAX_CHUNKS * (8 + 4);

    /**
     * Feeds "C:text" / "S:text" steps ({@code ~} stands for CRLF, {@code <TAB>} for a tab); returns the first
     * verdict that is not UNDECIDED, or the end verdict.
     */
    static Verdict verdict(String... steps) {
        ContentProbe p = new ContentProbe(true, true, SmtpWords.INSTANCE);
        long ts = 1;
        for (String st : steps) {
            byte[] bytes = st.substring(2).replace("~", "\r\n").replace("<TAB>", "\t").getBytes(StandardCharsets.ISO_8859_1);
            Verdict v = p.onData(st.charAt(0) == 'C', bytes, 0, bytes.length, ts++);
            if (v != Verdict.UNDECIDED) return v;
        }
        return p.atEnd();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "S:220 mx ESMTP~;C:EHLO x~|SMTP",
            "S:220-mx ESMTP~|SMTP",              // a greeting naming SMTP stands when the client never speaks
            "S:220 mx.example.com smtp ready~;C:QUIT~|SMTP",
            "S:220 mx ES;S:MTP~|SMTP",           // the word may straddle segments
            "S:220-mx~|NOT_SMTP",                // a bare 220 alone is no SMTP exchange (FTP greets so too)
            "S:220~;C:QUIT~|NOT_SMTP",           // QUIT, NOOP, HELP, AUTH: FTP has them too
            "S:220 (vsFTPd 2.3.4)~;C:NOOP~|NOT_SMTP",
            "S:220 hi~;C:RSET~|SMTP",           // a command only SMTP has answers the 220
            "S:220 ProFTPD 1.3.1 Server (Debian)~|NOT_SMTP",
            "S:220 ftp~smtp~|NOT_SMTP",          // only the greeting's first line is read
            "S:220 ProFTPD~;C:EHLO~;S:500 EHLO not understood~|NOT_SMTP", // a scanner's EHLO probe to FTP
            "S:220 hi~;C:EHLO x~;S:250 ok~|SMTP", // after a bare 220 the answer to the hello decides
            "S:220 hi~;C:EHLO x~|SMTP",           // no answer: the hello stands
            "S:220 mx ESMTP~;C:EHLO x~;S:500 no~|SMTP", // a greeting naming SMTP needs no answer
            "C:helo~|SMTP",
            "C:LHLO x|SMTP",
            "C:EHLO|NOT_SMTP",                      // the flow ends before the separator: not proven
            "C:EHLOX x~|NOT_SMTP",
            "C:HELO<TAB>x~;S:554 no~|NOT_SMTP",  // a tab is not the separator HELO proof asks for
            "S:220 ProFTPD~;C:USER x~|NOT_SMTP",
            "S:2200 x~;C:EHLO x~|SMTP",       // the client's hello proves it whatever the server said
            "S:2200 x~|NOT_SMTP",
            "S:250 ok~;C:MAIL FROM:<a@b>~|NOT_SMTP",
            "C:MAIL FROM:<a@b>~|NOT_SMTP",
            "C:MAIL FROM:<a@b>~;S:220 hi~|SMTP",
            "C:GET / HTTP/1.1~|NOT_SMTP",
            "C:~;S:220 hi~|NOT_SMTP",
            "S: 220 hi~|NOT_SMTP",
            "S:22|NOT_SMTP",
    })
    void rules(String steps, Verdict expected) {
        assertThat(verdict(steps.split(";"))).isEqualTo(expected);
    }

    @Test
    void theEhloRuleNeedsTheSeparator() {
        ContentProbe p = new ContentProbe(false, true, SmtpWords.INSTANCE);
        assertThat(p.onData(true, "EHLO".getBytes(StandardCharsets.US_ASCII), 0, 4, 1)).isEqualTo(Verdict.UNDECIDED);
        assertThat(p.onData(true, " x".getBytes(StandardCharsets.US_ASCII), 0, 2, 2)).isEqualTo(Verdict.SMTP);
    }

    @Test
    void nothingIsHeldWhenTheFirstSegmentDecides() {
        ContentProbe p = new ContentProbe(true, true, SmtpWords.INSTANCE);
        byte[] tls = b(0x16, 3, 1, 0, 0x30, 1, 0, 0, 0x2c);
        assertThat(p.onData(true, tls, 0, tls.length, 1)).isEqualTo(Verdict.NOT_SMTP);
        assertThat(p.allocatedBytes()).isZero();
    }

    @Test
    void heldChunksReplayInArrivalOrderWithTheirTimes() {
        ContentProbe p = new ContentProbe(true, true, SmtpWords.INSTANCE);
        byte[] g1 = "220-a\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] g2 = "220 b\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(p.onData(false, g1, 0, g1.length, 10)).isEqualTo(Verdict.UNDECIDED);
        assertThat(p.onData(false, g2, 0, g2.length, 10)).isEqualTo(Verdict.UNDECIDED); // merged: same time, same side
        byte[] early = "NOOP".getBytes(StandardCharsets.US_ASCII);
        assertThat(p.onData(true, early, 0, early.length, 11)).isEqualTo(Verdict.UNDECIDED);
        assertThat(p.heldBytes()).isEqualTo(g1.length + g2.length + early.length);

        List<String> calls = new ArrayList<>();
        SmtpSession recorder = new SmtpSession(Harness.connection(io.mailtap.flow.ClientBy.SYN), SmtpSettings.defaults(),
                new SmtpStats(), e -> calls.add(e.getClass().getSimpleName() + "@" + e.tsMicros()));
        p.replay(recorder);
        assertThat(calls).containsExactly("Greeting@10");
        assertThat(p.heldBytes()).isZero();
        assertThat(p.allocatedBytes()).isZero();
    }

    @Test
    void memoryStaysWithinTheBoundsWhateverArrives() {
        Random rnd = new Random(99);
        for (int run = 0; run < 2000; run++) {
            ContentProbe p = new ContentProbe(rnd.nextBoolean(), rnd.nextBoolean(), SmtpWords.INSTANCE);
            long ts = 0;
            Verdict v = Verdict.UNDECIDED;
            // Starts that keep the probe undecided as long as possible: a verb, a greeting, a tunnel.
            String[] starts = {"MAIL FROM:<", "220 ", "NOOP ", "CONNECT x:25 HTTP/1.0\r\nA: ", "", "EHL"};
            String start = starts[rnd.nextInt(starts.length)];
            boolean startClient = !start.startsWith("220");
            byte[] s0 = start.getBytes(StandardCharsets.ISO_8859_1);
            if (s0.length > 0) v = p.onData(startClient, s0, 0, s0.length, ts++);
            for (int step = 0; step < 400 && v == Verdict.UNDECIDED; step++) {
                byte[] chunk = new byte[1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 3000)];
                for (int i = 0; i < chunk.length; i++) chunk[i] = (byte) ('a' + rnd.nextInt(26));
                if (rnd.nextInt(4) > 0) ts++; // sometimes the same time: merged chunks
                v = p.onData(rnd.nextBoolean() == startClient, chunk, 0, chunk.length, ts);
                assertThat(p.allocatedBytes()).isLessThanOrEqualTo(MAX_ALLOCATED);
                assertThat(p.heldBytes()).isLessThanOrEqualTo(2 * ContentProbe.MAX_BYTES_PER_DIRECTION);
            }
            assertThat(v == Verdict.UNDECIDED ? p.atEnd() : v).isNotEqualTo(Verdict.UNDECIDED);
        }
    }

    @Test
    void manySmallSegmentsHitTheChunkBound() {
        ContentProbe p = new ContentProbe(true, true, SmtpWords.INSTANCE);
        byte[] one = {'a'};
        byte[] greeting = "220 x ESMTP".getBytes(StandardCharsets.US_ASCII);
        assertThat(p.onData(false, greeting, 0, greeting.length, 0)).isEqualTo(Verdict.UNDECIDED);
        Verdict v = Verdict.UNDECIDED;
        int n = 0;
        // One byte per packet time, so nothing merges; the greeting keeps the probe waiting for the client.
        while (v == Verdict.UNDECIDED && n < 1000) {
            v = p.onData(false, one, 0, 1, ++n);
        }
        assertThat(n).isLessThanOrEqualTo(ContentProbe.MAX_CHUNKS);
        assertThat(v).as("a greeting naming SMTP, with a silent client, stands at the bound").isEqualTo(Verdict.SMTP);
    }
}
