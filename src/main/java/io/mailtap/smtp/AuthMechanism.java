package io.mailtap.smtp;

/**
 * SASL mechanism classes the analyzer counts separately. Only PLAIN and LOGIN reveal a user by
 * design; CRAM-MD5 names the user next to an HMAC; the rest are reported by name only.
 */
public enum AuthMechanism {
    PLAIN, LOGIN, CRAM_MD5, OTHER;

    /** Classifies an upper-case mechanism name as sent after AUTH. */
    public static AuthMechanism of(String upperName) {
        switch (upperName) {
            case "PLAIN": return PLAIN;
            case "LOGIN": return LOGIN;
            case "CRAM-MD5": return CRAM_MD5;
            default: return OTHER;
        }
    }
}
