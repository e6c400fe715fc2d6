package io.mailtap.smtp;

/** Counters of the SMTP stage (being written). */
public final class SmtpStats {
}
