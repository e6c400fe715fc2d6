package io.mailtap.smtp;

import io.mailtap.util.Ascii;

import java.util.Set;

/**
 * SASL mechanism classes the analyzer counts separately. Only PLAIN and LOGIN reveal a user by
 * design; CRAM-MD5 names the user next to an HMAC; the rest are reported by name only.
 */
public enum AuthMechanism {
    PLAIN, LOGIN, CRAM_MD5, OTHER;

    /** What the log says for a word after AUTH that is no known mechanism (it may be a credential). */
    public static final String UNKNOWN_NAME = "unknown";

    /**
     * The mechanism names a record may carry: the IANA SASL registry (RFC 4422 §7.1, as of 2024)
     * plus the unregistered ones deployed on mail servers (LOGIN, XOAUTH, XOAUTH2, SRP). A client
     * that sends {@code AUTH <base64>} without a mechanism word puts its credential where the name
     * belongs, so only a name from this set is ever logged; anything else is {@link #UNKNOWN_NAME}.
     */
    private static final Set<String> KNOWN = Set.of(
            "PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "NTLM", "GSSAPI", "GSS-SPNEGO", "GS2-KRB5", "GS2-KRB5-PLUS",
            "KERBEROS_V4", "KERBEROS_V5", "XOAUTH", "XOAUTH2", "OAUTHBEARER", "OAUTH10A",
            "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS",
            "SCRAM-SHA-512", "SCRAM-SHA-512-PLUS", "SCRAM-SHA3-512", "SCRAM-SHA3-512-PLUS",
            "EXTERNAL", "ANONYMOUS", "OTP", "SKEY", "SECURID", "SRP", "SAML20", "OPENID20",
            "EAP-AES128", "EAP-AES128-PLUS", "NMAS_LOGIN", "NMAS_AUTHEN", "NMAS-SAMBA-AUTH",
            "9798-U-RSA-SHA1-ENC", "9798-M-RSA-SHA1-ENC", "9798-U-DSA-SHA1", "9798-M-DSA-SHA1",
            "9798-U-ECDSA-SHA1", "9798-M-ECDSA-SHA1");

    /** Classifies an upper-case mechanism name as sent after AUTH. */
    public static AuthMechanism of(String upperName) {
        switch (upperName) {
            case "PLAIN": return PLAIN;
            case "LOGIN": return LOGIN;
            case "CRAM-MD5": return CRAM_MD5;
            default: return OTHER;
        }
    }

    /**
     * The word {@code b[off, end)} after AUTH as the record names it: a known mechanism in upper
     * case, else {@link #UNKNOWN_NAME}. Compared in place, so a credential sent where the name
     * belongs never becomes a String.
     */
    static String name(byte[] b, int off, int end) {
        int len = end - off;
        // Registered names are 1 to 20 characters (RFC 4422 §3.1).
        if (len <= 0 || len > 20) return UNKNOWN_NAME;
        for (String k : KNOWN) {
            if (k.length() == len && Ascii.startsWithIgnoreCase(b, off, end, k)) return k;
        }
        return UNKNOWN_NAME;
    }
}
