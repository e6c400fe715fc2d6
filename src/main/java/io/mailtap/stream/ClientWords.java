package io.mailtap.stream;

/**
 * The protocol's vocabulary as {@link ContentProbe} needs it: what the client's first word says.
 * The protocol package declares it (its verbs are its own), so content detection here knows no
 * command by name.
 */
public interface ClientWords {
    enum Kind {
        /** The protocol's greeting command (SMTP's HELO/EHLO/LHLO). */
        HELLO,
        /** A command only this protocol has. */
        OWN_VERB,
        /** A command of this protocol that a look-alike protocol has too (SMTP and FTP share QUIT). */
        SHARED_VERB,
        /** Not a command of this protocol. */
        NOT_A_VERB
    }

    /** What {@code word[0, len)} (letters only, at most 8) says, in any case. */
    Kind firstWord(byte[] word, int len);
}
