package io.mailtap.smtp;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the SASL decoder with the property that matters: from a PLAIN
 * response built of any authzid, authcid and password (or any bytes at all), the decoder returns
 * the authcid and never anything that contains the password, and random bytes never throw.
 */
class AuthDecoderFuzzTest {
    private final AuthDecoder decoder = new AuthDecoder();

    @FuzzTest(maxDuration = "30s")
    void plainNeverYieldsThePassword(FuzzedDataProvider data) {
        String authzid = data.consumeString(40);
        String authcid = data.consumeString(40);
        String password = data.consumeString(40);
        boolean raw = data.consumeBoolean();
        byte[] wire;
        if (raw) {
            wire = data.consumeRemainingAsBytes();
        } else {
            byte[] sasl = (authzid + "\0" + authcid + "\0" + password).getBytes(StandardCharsets.UTF_8);
            wire = Base64.getEncoder().encode(sasl);
        }
        boolean ok = decoder.plain(wire, 0, wire.length);
        decoder.login(wire, 0, wire.length);
        if (raw || !ok) return;
        if (authzid.indexOf('\0') >= 0 || authcid.indexOf('\0') >= 0) return; // a NUL inside moves the fields
        assertThat(decoder.user).isEqualTo(new String(authcid.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        if (password.length() >= 4 && !authcid.contains(password) && !authzid.contains(password)) {
            assertThat(decoder.user).doesNotContain(password);
            assertThat(String.valueOf(decoder.authzid)).doesNotContain(password);
        }
    }
}
