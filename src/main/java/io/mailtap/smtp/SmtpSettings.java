package io.mailtap.smtp;

/**
 * Limits of the SMTP analyzer. Each has a config key, a default and a counter in
 * {@link SmtpStats} that rises when it is hit.
 *
 * @param maxCommandLineBytes     longer client lines are truncated to this (and counted)
 * @param maxReplyLineBytes       longer server lines are truncated to this (and counted)
 * @param maxPendingCommands      commands awaiting a reply under PIPELINING before the oldest
 *                                is given up on (counted)
 * @param maxRcptPerTransaction   RCPT TO arguments listed per transaction; the rest only counted
 * @param maxReplyLinesKept       lines of a multi-line reply whose text is kept
 */
public record SmtpSettings(
        int maxCommandLineBytes,
        int maxReplyLineBytes,
        int maxPendingCommands,
        int maxRcptPerTransaction,
        int maxReplyLinesKept) {

    public static SmtpSettings defaults() {
        return new SmtpSettings(4096, 4096, 256, 100, 8);
    }
}
