package io.mailtap.smtp;

import io.mailtap.smtp.SmtpEvent.Auth;
import io.mailtap.smtp.SmtpEvent.AuthResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.mailtap.smtp.Auths.b64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every SASL mechanism the analyzer knows (RFC 4954, 4616, 2195; LOGIN and XOAUTH2 as deployed):
 * the user it names, and that the password reaches no event, record or anomaly in any form.
 */
class AuthScenarioTest {
    static final String PW = "Tr0ub4dor&3-secret";

    record Scenario(String name, Harness harness, String mech, String user, String authzid, AuthResult result,
                    List<String> secrets) {
        @Override
        public String toString() { return name; }
    }

    static Harness greeted() {
        return SmtpSessionTest.greeted();
    }

    static Stream<Arguments> scenarios() {
        List<Scenario> l = new ArrayList<>();
        String plain = b64("\0alice@example.org\0" + PW);
        l.add(new Scenario("PLAIN initial response",
                greeted().c("AUTH PLAIN " + plain + "\r\n").s("235 2.7.0 ok\r\n"),
                "PLAIN", "alice@example.org", null, AuthResult.SUCCESS, List.of(PW, plain)));
        l.add(new Scenario("PLAIN after an empty 334",
                greeted().c("AUTH PLAIN\r\n").s("334 \r\n").c(plain + "\r\n").s("235 2.7.0 ok\r\n"),
                "PLAIN", "alice@example.org", null, AuthResult.SUCCESS, List.of(PW, plain)));
        String withAuthzid = b64("admin\0alice\0" + PW);
        l.add(new Scenario("PLAIN with authzid",
                greeted().c("auth plain " + withAuthzid + "\r\n").s("235 ok\r\n"),
                "PLAIN", "alice", "admin", AuthResult.SUCCESS, List.of(PW, withAuthzid)));
        String authzOnly = b64("username\0\0" + PW); // bruteshark smtp-auth-plain: empty authcid
        l.add(new Scenario("PLAIN with empty authcid",
                greeted().c("AUTH PLAIN " + authzOnly + "\r\n").s("235 ok\r\n"),
                "PLAIN", "", "username", AuthResult.SUCCESS, List.of(PW, authzOnly)));
        l.add(new Scenario("LOGIN with initial response",
                greeted().c("AUTH LOGIN " + b64("bob") + "\r\n").s("334 UGFzc3dvcmQ6\r\n").c(b64(PW) + "\r\n").s("235 ok\r\n"),
                "LOGIN", "bob", null, AuthResult.SUCCESS, List.of(PW, b64(PW))));
        l.add(new Scenario("LOGIN two steps",
                greeted().c("AUTH LOGIN\r\n").s("334 VXNlcm5hbWU6\r\n").c(b64("raul@wanadoo.example") + "\r\n")
                        .s("334 UGFzc3dvcmQ6\r\n").c(b64(PW) + "\r\n").s("235 2.7.0 Authentication successful\r\n"),
                "LOGIN", "raul@wanadoo.example", null, AuthResult.SUCCESS, List.of(PW, b64(PW))));
        l.add(new Scenario("LOGIN pipelined blindly in one write",
                greeted().c("AUTH LOGIN\r\n" + b64("carol") + "\r\n" + b64(PW) + "\r\nMAIL FROM:<c@x>\r\n")
                        .s("334 VXNlcm5hbWU6\r\n334 UGFzc3dvcmQ6\r\n235 ok\r\n250 ok\r\n"),
                "LOGIN", "carol", null, AuthResult.SUCCESS, List.of(PW, b64(PW))));
        l.add(new Scenario("LOGIN with lower-case prompts",
                greeted().c("AUTH LOGIN\r\n").s("334 dXNlcm5hbWU6\r\n").c(b64("dave") + "\r\n")
                        .s("334 cGFzc3dvcmQ6\r\n").c(b64(PW) + "\r\n").s("235 ok\r\n"),
                "LOGIN", "dave", null, AuthResult.SUCCESS, List.of(PW, b64(PW))));
        l.add(new Scenario("LOGIN failure",
                greeted().c("AUTH LOGIN\r\n").s("334 VXNlcm5hbWU6\r\n").c(b64("Guest") + "\r\n")
                        .s("334 UGFzc3dvcmQ6\r\n").c(b64(PW) + "\r\n").s("535 5.7.8 authentication failed\r\n"),
                "LOGIN", "Guest", null, AuthResult.FAILURE, List.of(PW, b64(PW))));
        // RFC 2195 example: the response is "user hexdigest"; the digest is an HMAC, not the password.
        l.add(new Scenario("CRAM-MD5",
                greeted().c("AUTH CRAM-MD5\r\n").s("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n")
                        .c(b64("tim b913a602c7eda7a495b4e6e7334d3890") + "\r\n").s("235 ok\r\n"),
                "CRAM-MD5", "tim", null, AuthResult.SUCCESS, List.of(PW)));
        l.add(new Scenario("NTLM: mechanism only",
                greeted().c("AUTH NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==\r\n")
                        .s("334 TlRMTVNTUAACAAAADAAMADgAAAAFgomiESIzRFVmd4gAAAAAAAAAAAAAAAAAAAAA\r\n")
                        .c("TlRMTVNTUAADAAAAGAAYAEAAAAAYABgAWAAAAAAAAABwAAAACAAIAHAAAAAIAAgAeAAAAA==\r\n").s("235 ok\r\n"),
                "NTLM", null, null, AuthResult.SUCCESS, List.of(PW)));
        String xoauth = b64("user=erin@example.org\u0001auth=Bearer " + PW + "\u0001\u0001");
        l.add(new Scenario("XOAUTH2 user only",
                greeted().c("AUTH XOAUTH2 " + xoauth + "\r\n").s("235 ok\r\n"),
                "XOAUTH2", "erin@example.org", null, AuthResult.SUCCESS, List.of(PW, xoauth)));
        l.add(new Scenario("PLAIN rejected with 535",
                greeted().c("AUTH PLAIN " + plain + "\r\n").s("535 5.7.8 Error: authentication failed\r\n"),
                "PLAIN", "alice@example.org", null, AuthResult.FAILURE, List.of(PW, plain)));
        // Issue 9 item 6: the first line does not decode, the server asks "Username:" again, and
        // the client (which took the first prompt's answer as given) sends its password.
        l.add(new Scenario("LOGIN re-prompted for the user after an undecodable line",
                greeted().c("AUTH LOGIN\r\n").s("334 VXNlcm5hbWU6\r\n").c("bob@example.org\r\n")
                        .s("334 VXNlcm5hbWU6\r\n").c(b64(PW) + "\r\n").s("235 ok\r\n"),
                "LOGIN", null, null, AuthResult.SUCCESS, List.of(PW, b64(PW))));
        l.add(new Scenario("LOGIN whose server only ever prompts for the user",
                greeted().c("AUTH LOGIN\r\n").s("334 VXNlcm5hbWU6\r\n").c(b64("frank") + "\r\n")
                        .s("334 VXNlcm5hbWU6\r\n").c(b64(PW) + "\r\n").s("235 ok\r\n"),
                "LOGIN", "frank", null, AuthResult.SUCCESS, List.of(PW, b64(PW))));
        // A capture hole swallows the user line: every line after it is at an unknown position. Here
        // the first one after the hole is dropped as the rest of a cut line, the server prompts for
        // the user again and the client answers with its password: still not decoded.
        l.add(new Scenario("LOGIN whose user line fell into a capture hole, then a re-prompt",
                greeted().c("AUTH LOGIN\r\n").s("334 VXNlcm5hbWU6\r\n").clientGap(b64("dave").length() + 2)
                        .s("334 UGFzc3dvcmQ6\r\n").c(b64(PW) + "\r\n").s("334 VXNlcm5hbWU6\r\n")
                        .c(b64(PW) + "\r\n").s("235 ok\r\n"),
                "LOGIN", null, null, AuthResult.SUCCESS, List.of(PW, b64(PW))));
        l.add(new Scenario("CRAM-MD5 with a hole before its response",
                greeted().c("AUTH CRAM-MD5\r\n").s("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UuZXhhbXBsZT4=\r\n").clientGap(30)
                        .c(b64("x " + PW) + "\r\n").s("235 ok\r\n"),
                "CRAM-MD5", null, null, AuthResult.SUCCESS, List.of(PW, b64("x " + PW))));
        // Issue 9 item 7: a credential where the mechanism name belongs is no mechanism.
        l.add(new Scenario("AUTH with a base64 blob and no mechanism word",
                greeted().c("AUTH " + plain + "\r\n").s("504 5.5.4 Unrecognized authentication type\r\n"),
                "unknown", null, null, AuthResult.FAILURE, List.of(PW, plain)));
        String shortBlob = b64("\0al\0" + "pw12345"); // 20 characters: as long as a mechanism name may be
        l.add(new Scenario("AUTH with a short blob shaped like a mechanism name",
                greeted().c("AUTH " + shortBlob + "\r\n").s("504 5.5.4 Unrecognized authentication type\r\n"),
                "unknown", null, null, AuthResult.FAILURE, List.of("pw12345", shortBlob)));
        l.add(new Scenario("a known mechanism in lower case",
                greeted().c("AUTH scram-sha-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8=\r\n")
                        .s("334 cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=\r\n")
                        .c("Yz1iaXdzLHI9ck9wck5HZndFYmVSV2diTkVrcU8laHZZRHBXVWEyUmFUQ0FmdXhGSWxqKWhObEYkazAscD1kSHpiWmFwV0lrNGpVaE4rVXRlOXl0YWc5empmTUhnc3FtbWl6N0FuZFZRPQ==\r\n")
                        .s("235 ok\r\n"),
                "SCRAM-SHA-256", null, null, AuthResult.SUCCESS, List.of(PW)));
        return l.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void userAndResult(Scenario sc) {
        Harness.Run r = sc.harness.c("MAIL FROM:<m@x>\r\n").s("250 ok\r\n").run();
        Auth a = r.one(Auth.class);
        assertThat(a.mechanism()).isEqualTo(sc.mech);
        assertThat(a.user()).isEqualTo(sc.user);
        assertThat(a.authzid()).isEqualTo(sc.authzid);
        assertThat(a.result()).isEqualTo(sc.result);
        assertThat(r.stats.commands(SmtpVerb.UNKNOWN)).isZero();
        TransactionRecord t = r.all(SmtpEvent.Transaction.class).get(0).record();
        assertThat(t.authMech()).isEqualTo(sc.mech);
        assertThat(t.authUser()).isEqualTo(sc.user);
        assertThat(t.authResult()).isEqualTo(sc.result.name().toLowerCase(java.util.Locale.ROOT));
        assertThat(r.stats.auth(AuthMechanism.of(sc.mech), sc.result)).isEqualTo(1);
        assertThat(r.stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void passwordNeverAppearsInAnyOutput(Scenario sc) {
        for (Harness.Run r : List.of(sc.harness.run(), sc.harness.runByteAtATime(), sc.harness.runRandomSplits(new Random(7)))) {
            String everything = r.dump();
            for (String secret : sc.secrets) {
                assertThat(everything).doesNotContain(secret);
                assertThat(everything.toUpperCase(java.util.Locale.ROOT)).doesNotContain(secret.toUpperCase(java.util.Locale.ROOT));
            }
        }
    }
}
