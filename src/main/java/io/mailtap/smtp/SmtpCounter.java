package io.mailtap.smtp;

import io.mailtap.util.MeterSpec;

import static io.mailtap.util.MeterSpec.counter;

/**
 * The SMTP stage's counters, one slot each in {@link SmtpStats}; each is exported as declared here.
 * Counters by verb, reply class, AUTH outcome and anomaly kind are arrays over their own enums.
 */
public enum SmtpCounter implements MeterSpec.Counter {
    SESSIONS(counter("mailtap_smtp_sessions_total", "SMTP sessions (connections that carried data).")),
    TRANSACTIONS(counter("mailtap_smtp_transactions_total", "Transactions logged (smtp.jsonl lines).")),
    MAIL_FROM(counter("mailtap_smtp_mail_from_total", "MAIL FROM commands.")),
    NULL_SENDER(counter("mailtap_smtp_null_sender_total", "MAIL FROM:<> (empty sender) commands.")),
    RCPT_ACCEPTED(counter("mailtap_smtp_rcpt_total", "RCPT TO commands by reply.").label("result", "accepted")),
    RCPT_REJECTED(counter("mailtap_smtp_rcpt_total", "RCPT TO commands by reply.").label("result", "rejected")),
    RCPT_DROPPED(counter("mailtap_smtp_rcpt_not_listed_total",
            "RCPT TO arguments not listed because smtp.max_rcpt_per_transaction was reached (still counted).")),
    STARTTLS_ISSUED(counter("mailtap_smtp_starttls_total", "STARTTLS commands issued, and accepted by the server.")
            .label("result", "issued")),
    STARTTLS_ACCEPTED(counter("mailtap_smtp_starttls_total", "STARTTLS commands issued, and accepted by the server.")
            .label("result", "accepted")),
    IMPLICIT_TLS(counter("mailtap_smtp_implicit_tls_total", "Connections whose client opened with a TLS record (SMTPS, port 465 style).")),
    LINES_TRUNCATED(counter("mailtap_smtp_lines_truncated_total", "SMTP lines cut at the configured maximum length.")),
    PIPELINE_OVERFLOW(counter("mailtap_smtp_pipeline_overflow_total",
            "Commands given up on because more than smtp.max_pending_commands awaited a reply.")),
    NOT_SMTP(counter("mailtap_smtp_not_smtp_total", "Connections on SMTP ports whose bytes were not SMTP.")),
    GAPS(counter("mailtap_smtp_gaps_total", "Holes in either direction of an SMTP session.")),
    GAP_UNPAIRED(counter("mailtap_smtp_gap_unpaired_commands_total",
            "Commands still awaiting a reply when a gap made pairing unreliable (logged with code 0).")),
    BDAT_BAD_SIZE(counter("mailtap_smtp_bdat_bad_size_total", "BDAT commands whose size was missing, not a number, negative or too large.")),
    OPAQUE_BYTES(counter("mailtap_smtp_opaque_bytes_total",
            "Bytes not parsed: after STARTTLS, implicit TLS, or after giving up on a connection.")),
    MESSAGE_BYTES(counter("mailtap_smtp_message_bytes_total", "Message bytes skipped (DATA after unstuffing, BDAT chunks).")),
    UNPAIRED_REPLIES(counter("mailtap_smtp_unpaired_replies_total", "Complete replies no command could be paired with.")),
    BAD_REPLY_LINES(counter("mailtap_smtp_bad_reply_lines_total", "Server lines that are not \"ddd[ -]text\" replies.")),
    AUTH_UNDECODABLE(counter("mailtap_smtp_auth_undecodable_total",
            "AUTH responses that should carry a user but were not valid base64 (or not the expected shape).")),
    ONE_WAY_CLIENT_ONLY(counter("mailtap_smtp_one_way_total",
            "Connections of which the capture holds one direction only (one-way mirror), by the side seen.").label("seen", "client_only")),
    ONE_WAY_SERVER_ONLY(counter("mailtap_smtp_one_way_total",
            "Connections of which the capture holds one direction only (one-way mirror), by the side seen.").label("seen", "server_only")),
    AUTH_INFERRED(counter("mailtap_smtp_auth_inferred_total",
            "AUTH results inferred from the client's next commands on a client-only connection.")),
    PROXY_TUNNELS(counter("mailtap_smtp_proxy_tunnels_total", "Proxy tunnels (HTTP CONNECT, SOCKS4/5) read through.")),
    DPD_CONFIRMED(counter("mailtap_smtp_dpd_total",
            "Flows on non-SMTP ports probed by smtp.detect_on_any_port, by verdict.").label("result", "confirmed")),
    DPD_REJECTED(counter("mailtap_smtp_dpd_total",
            "Flows on non-SMTP ports probed by smtp.detect_on_any_port, by verdict.").label("result", "rejected")),
    DPD_GAVE_UP(counter("mailtap_smtp_dpd_total",
            "Flows on non-SMTP ports probed by smtp.detect_on_any_port, by verdict.").label("result", "gave_up")),
    EVENTS_SHED(counter("mailtap_events_shed_total",
            "Per-command events of a connection that overloaded the event queue, shed before the queue (flow_shed anomaly); other flows keep theirs.")),
    INTERNAL_ERRORS(counter("mailtap_smtp_internal_errors_total",
            "Bugs caught at the session boundary; must stay 0 (the session then stops parsing the flow)."));

    private final MeterSpec meter;

    SmtpCounter(MeterSpec meter) { this.meter = meter; }

    @Override
    public MeterSpec meter() { return meter; }
}
