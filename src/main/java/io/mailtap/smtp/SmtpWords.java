package io.mailtap.smtp;

import io.mailtap.stream.ClientWords;

/** SMTP's verbs as content detection ({@code stream/ContentProbe}) asks about a client's first word. */
public enum SmtpWords implements ClientWords {
    INSTANCE;

    @Override
    public Kind firstWord(byte[] word, int len) {
        SmtpVerb v = SmtpVerb.of(word, 0, len);
        if (v == SmtpVerb.UNKNOWN) return Kind.NOT_A_VERB;
        if (v.isHello()) return Kind.HELLO;
        return sharedWithFtp(v) ? Kind.SHARED_VERB : Kind.OWN_VERB;
    }

    /** Verbs FTP (RFC 959, 2228) has too: an answer to a 220 in one of them does not tell the two apart. */
    private static boolean sharedWithFtp(SmtpVerb v) {
        return v == SmtpVerb.QUIT || v == SmtpVerb.NOOP || v == SmtpVerb.HELP || v == SmtpVerb.AUTH;
    }
}
