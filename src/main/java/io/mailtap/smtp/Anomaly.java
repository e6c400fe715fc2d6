package io.mailtap.smtp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The catalogue of SMTP anomalies ("weirds" in Zeek, decoder events in Suricata): something on the
 * wire that is not SMTP as the RFCs describe it, or a limit of the analyzer that was hit. Each kind
 * is declared here once; the {@code id} is the stable name written to {@code anomalies.jsonl}, to the
 * {@code anomalies} field of {@code smtp.jsonl} and as the {@code kind} label of
 * {@code mailtap_anomalies_total}, and the README's anomaly table is checked against this enum.
 *
 * <p>Kinds a misbehaving peer can repeat at will are {@link #oncePerConnection() reported once per
 * connection} (their own counters in {@link SmtpStats} still count every occurrence), so one flood
 * cannot become an event storm; every occurrence still marks the transaction it happened in.
 */
public enum Anomaly {
    LINE_TOO_LONG("line_too_long", false, false,
            "A command or reply line exceeded smtp.max_command_line_bytes / max_reply_line_bytes; it was truncated."),
    NOT_SMTP("not_smtp", false, false,
            "The bytes on the connection are not SMTP (or a proxy handshake never completed); the analyzer gave up on it."),
    STARTTLS_NOT_TLS("starttls_not_tls", false, false,
            "STARTTLS was accepted but plaintext SMTP continued (a decrypted capture, or a broken server)."),
    PIPELINED_AFTER_STARTTLS("pipelined_after_starttls", false, false,
            "Commands were pipelined behind STARTTLS in plaintext (the CVE-2011-0411 injection pattern)."),
    PROXY_TUNNEL("proxy_tunnel", false, false,
            "The connection opened an HTTP CONNECT or SOCKS4/5 tunnel and SMTP was read inside it."),
    NO_GREETING("no_greeting", false, false,
            "The first server reply answers a command: the greeting is missing."),
    BAD_REPLY_LINE("bad_reply_line", true, false,
            "A server line is not a \"ddd[ -]text\" reply."),
    REPLY_CODE_CHANGED("reply_code_changed", false, false,
            "A multi-line reply was ended by a line with another code."),
    REPLY_SKIPPED_COMMANDS("reply_skipped_commands", false, false,
            "A reply answered a later command: the commands before it got no reply (logged with code 0)."),
    REPLY_DURING_DATA("reply_during_data", false, false,
            "The server replied before the end of the message text."),
    UNEXPECTED_354("unexpected_354", false, false,
            "A 354 came without a DATA command; what follows is read as message text."),
    UNPAIRED_REPLY("unpaired_reply", true, false,
            "A complete reply with no command waiting for it."),
    PIPELINE_OVERFLOW("pipeline_overflow", true, true,
            "More than smtp.max_pending_commands commands awaited replies; the oldest were given up, so the transaction's counts are lower bounds."),
    DATA_REFUSED_AFTER_TEXT("data_refused_after_text", false, false,
            "DATA was refused after the client had already sent message text (read as commands by the server)."),
    BDAT_BAD_SIZE("bdat_bad_size", false, false,
            "A BDAT size is missing, not a number, negative or too large."),
    BDAT_CHUNK_GAP("bdat_chunk_gap", false, false,
            "A gap ran past the end of a BDAT chunk; the analyzer resynchronised on the next line."),
    AUTH_UNDECODABLE("auth_undecodable", false, false,
            "An AUTH response that should carry a user is not valid base64 or lacks its fields."),
    AUTH_RESPONSE_IS_COMMAND("auth_response_is_command", false, false,
            "An SMTP verb was sent as an AUTH response (the server decodes it as a user name)."),
    ONE_WAY("one_way", true, false,
            "The capture holds one direction of the connection only (one-way mirror): the other side's facts are missing or inferred (see one_way)."),
    TCP_OVERLAP_REPLACED("tcp_overlap_replaced", false, false,
            "A later, different copy of bytes already read replaced them, because the receiver's ACKs showed it took that copy (possible TCP insertion/evasion)."),
    FLOW_SHED("flow_shed", true, false,
            "The event path was overloaded and this connection made most of the events: its per-command events were shed so other flows keep theirs."),
    INTERNAL_ERROR("internal_error", false, false,
            "A bug in the analyzer was caught; it stopped parsing the connection. Must never happen.");

    private final String id;
    private final boolean oncePerConnection;
    private final boolean capsCounts;
    private final String doc;

    Anomaly(String id, boolean oncePerConnection, boolean capsCounts, String doc) {
        this.id = id;
        this.oncePerConnection = oncePerConnection;
        this.capsCounts = capsCounts;
        this.doc = doc;
    }

    private static final Anomaly[] ALL = values();

    static {
        // Sessions keep the kinds seen as bits of an int, so one connection costs no list.
        if (ALL.length > Integer.SIZE) throw new AssertionError("more than 32 anomaly kinds: widen the masks");
    }

    /** The stable name in every output; never renamed. */
    public String id() { return id; }

    /** Reported once per connection however often it occurs. */
    public boolean oncePerConnection() { return oncePerConnection; }

    /** An occurrence makes the transaction's counts incomplete ({@code counts_capped} in smtp.jsonl). */
    public boolean capsCounts() { return capsCounts; }

    /** One line for operators (README, metric help). */
    public String doc() { return doc; }

    int bit() { return 1 << ordinal(); }

    /** The kinds whose {@link #bit()} is set in {@code mask}, in declaration order. */
    static List<Anomaly> of(int mask) {
        if (mask == 0) return List.of();
        List<Anomaly> list = new ArrayList<>(Integer.bitCount(mask));
        for (Anomaly a : ALL) if ((mask & a.bit()) != 0) list.add(a);
        return Collections.unmodifiableList(list);
    }

    /** The README's anomaly table (header included), generated from the catalogue. */
    public static String readmeTable() {
        StringBuilder b = new StringBuilder("| kind | once per connection | meaning |\n|---|---|---|\n");
        for (Anomaly a : ALL) {
            b.append("| `").append(a.id).append("` | ").append(a.oncePerConnection ? "yes" : "no").append(" | ")
                    .append(a.doc).append(" |\n");
        }
        return b.toString();
    }

    /** The id, so a kind reads in text as it does in the outputs. */
    @Override
    public String toString() { return id; }
}
