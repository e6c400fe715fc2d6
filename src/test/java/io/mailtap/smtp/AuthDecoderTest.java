package io.mailtap.smtp;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;

import static io.mailtap.smtp.Auths.b64;
import static org.assertj.core.api.Assertions.assertThat;

class AuthDecoderTest {
    static byte[] b(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    @Test
    void plainExtractsAuthcidAndAuthzid() {
        AuthDecoder d = new AuthDecoder();
        byte[] in = b(b64("zid\0cid\0pw"));
        assertThat(d.plain(in, 0, in.length)).isTrue();
        assertThat(d.user).isEqualTo("cid");
        assertThat(d.authzid).isEqualTo("zid");
        in = b(b64("\0cid\0pw"));
        assertThat(d.plain(in, 0, in.length)).isTrue();
        assertThat(d.authzid).isNull();
    }

    @Test
    void plainStopsDecodingBeforeThePasswordAndWipesTheScratch() throws Exception {
        AuthDecoder d = new AuthDecoder();
        byte[] in = b(b64("\0cid\0hunter2-long-password"));
        assertThat(d.plain(in, 0, in.length)).isTrue();
        Field f = AuthDecoder.class.getDeclaredField("scratch");
        f.setAccessible(true);
        byte[] scratch = (byte[]) f.get(d);
        for (byte x : scratch) assertThat(x).isZero();
    }

    @Test
    void plainWithoutTwoNulsIsRejected() {
        AuthDecoder d = new AuthDecoder();
        byte[] in = b(b64("just-a-name"));
        assertThat(d.plain(in, 0, in.length)).isFalse();
        assertThat(d.user).isNull();
    }

    @Test
    void base64Validation() {
        AuthDecoder d = new AuthDecoder();
        assertThat(d.decode(b("QUIT"), 0, 4, (byte) 0, -1)).isEqualTo(3);
        assertThat(d.decode(b("Ym9i"), 0, 4, (byte) 0, -1)).isEqualTo(3);
        assertThat(d.decode(b("Ym9iYQ=="), 0, 8, (byte) 0, -1)).isEqualTo(4);
        assertThat(d.decode(b("Ym9iYQ"), 0, 6, (byte) 0, -1)).isEqualTo(4); // unpadded is tolerated
        assertThat(d.decode(b("Ym9iY"), 0, 5, (byte) 0, -1)).isEqualTo(-1);
        assertThat(d.decode(b("Ym9*"), 0, 4, (byte) 0, -1)).isEqualTo(-1);
        assertThat(d.decode(b("Ym9iYQ==="), 0, 9, (byte) 0, -1)).isEqualTo(-1);
        assertThat(d.decode(b("Y=9i"), 0, 4, (byte) 0, -1)).isEqualTo(-1);
    }

    @Test
    void loginUsernameKeepsControlBytesAndReplacesInvalidUtf8() {
        AuthDecoder d = new AuthDecoder();
        assertThat(d.login(b("QUIT"), 0, 4)).isEqualTo("AB\u0013");
        byte[] in = b(java.util.Base64.getEncoder().encodeToString(new byte[] {'a', (byte) 0xff, 'b'}));
        assertThat(d.login(in, 0, in.length)).isEqualTo("a\ufffdb");
        assertThat(d.login(b("%%%%"), 0, 4)).isNull();
    }

    @Test
    void cramMd5AndXoauth2() {
        AuthDecoder d = new AuthDecoder();
        byte[] in = b(b64("user name with spaces 0123456789abcdef0123456789abcdef"));
        assertThat(d.cramMd5(in, 0, in.length)).isEqualTo("user name with spaces");
        in = b(b64("user=someone@example.com\u0001auth=Bearer tok\u0001\u0001"));
        assertThat(d.xoauth2(in, 0, in.length)).isEqualTo("someone@example.com");
    }

    /**
     * A response with a bad character late in it: the bytes decoded before it (here the user and
     * most of the password) must not stay in the scratch buffer that the analyzer's other sessions share.
     */
    @Test
    void aBadCharacterStillWipesWhatWasDecodedBeforeIt() throws Exception {
        AuthDecoder d = new AuthDecoder();
        String good = b64("\0alice\0hunter2-long-password-here");
        byte[] in = b(good.substring(0, good.length() - 4) + "*AAA");
        assertThat(d.login(in, 0, in.length)).isNull();
        assertAllZero(d);
        assertThat(d.cramMd5(in, 0, in.length)).isNull();
        assertAllZero(d);
        assertThat(d.plain(in, 0, in.length)).isFalse();
        assertAllZero(d);
        String token = b64("user=someone@example.com\u0001auth=Bearer secret-token-value\u0001\u0001");
        in = b(token.substring(0, 60) + "*" + token.substring(61));
        assertThat(d.xoauth2(in, 0, in.length)).isNull();
        assertAllZero(d);
    }

    private static void assertAllZero(AuthDecoder d) throws Exception {
        Field f = AuthDecoder.class.getDeclaredField("scratch");
        f.setAccessible(true);
        byte[] scratch = (byte[]) f.get(d);
        assertThat(scratch).isNotNull();
        for (byte x : scratch) assertThat(x).isZero();
    }
}
