package io.mailtap.bench;

/** What a generator put into the capture, counted as it builds sessions (all of which it finishes). */
final class Counters {
    long smtpSessions, ipv6Sessions, vlanSessions, qinqSessions;
    long authSessions, authFailures;
    long transactions, mailCommands, nullSenders, rcptCommands, rcptRejected;
    long pipelinedTransactions, bdatTransactions, dataTransactions;
    long retransmissions, reorders;
    long noiseSessions;
    /** Packets scheduled (built into scripts) per class; used to steer the noise share. */
    long smtpPacketsBuilt, noisePacketsBuilt;
    /** Packets written per class. */
    long smtpPackets, noisePackets, synFloodPackets;
}
