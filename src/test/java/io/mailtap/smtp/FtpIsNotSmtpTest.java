package io.mailtap.smtp;

import io.mailtap.testutil.CorpusDir;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pcaps2/ACandeias-IntrusionDetection/ircdAttack.pcapng: an nmap scan and Metasploitable attacks,
 * with ProFTPD on 2121 and vsftpd on 21 greeting "220 ProFTPD 1.3.1 Server (Debian) [...]" and
 * "220 (vsFTPd 2.3.4)" to clients that never speak. With smtp.detect_on_any_port none of that is
 * SMTP: a bare 220 is no SMTP exchange.
 */
class FtpIsNotSmtpTest {
    static Path capture() {
        Path p = CorpusDir.get().resolveSibling("pcaps2").resolve("ACandeias-IntrusionDetection/ircdAttack.pcapng");
        if (!Files.exists(p)) throw new AssertionError("not in the second corpus: " + p);
        return p;
    }

    @Test
    void ftpGreetingsOnAnyPortAreNotSmtpSessions() {
        DpdCorpusTest.Replay with = DpdCorpusTest.replay(capture(), true);
        DpdCorpusTest.Replay without = DpdCorpusTest.replay(capture(), false);
        var defaults = DpdCorpusTest.settings(false);
        assertThat(with.events()).as("nothing reported on a port that is not an SMTP port")
                .allSatisfy(e -> assertThat(defaults.isSmtpPort(e.conn().serverPort())).as(e.toString()).isTrue());
        assertThat(with.stats().get(SmtpCounter.DPD_CONFIRMED)).isZero();
        assertThat(with.stats().get(SmtpCounter.DPD_REJECTED)).as("the FTP flows among them").isPositive();
        // and the real SMTP server on port 25 is reported exactly as without detection
        assertThat(with.events()).isEqualTo(without.events()).isNotEmpty();
    }
}
