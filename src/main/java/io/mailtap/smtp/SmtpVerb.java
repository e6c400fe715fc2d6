package io.mailtap.smtp;

import io.mailtap.util.Ascii;

/**
 * The client command verbs the analyzer tells apart. A fixed set so that counters are arrays and
 * event fields have bounded values: anything else is {@link #UNKNOWN}, whose text is never
 * reported (a blindly pipelined AUTH response would otherwise leak a base64 password as a "verb").
 */
public enum SmtpVerb {
    HELO, EHLO, LHLO, AUTH, MAIL, RCPT, DATA, BDAT, RSET, QUIT, STARTTLS, NOOP, VRFY, EXPN, HELP, UNKNOWN;

    private static final SmtpVerb[] KNOWN = {
        HELO, EHLO, LHLO, AUTH, MAIL, RCPT, DATA, BDAT, RSET, QUIT, STARTTLS, NOOP, VRFY, EXPN, HELP
    };

    /** The verb spelled by {@code b[off, off+len)} in any letter case, or {@link #UNKNOWN}. */
    public static SmtpVerb of(byte[] b, int off, int len) {
        for (SmtpVerb v : KNOWN) {
            String name = v.name();
            if (name.length() != len) continue;
            int i = 0;
            while (i < len && Ascii.upper(b[off + i]) == name.charAt(i)) i++;
            if (i == len) return v;
        }
        return UNKNOWN;
    }

    public boolean isHello() {
        return this == HELO || this == EHLO || this == LHLO;
    }
}
