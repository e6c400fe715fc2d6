package io.mailtap.smtp;

import io.mailtap.settings.ConfigView;
import io.mailtap.settings.Section;

import java.util.List;

import static io.mailtap.settings.Leaf.live;
import static io.mailtap.settings.Leaf.restart;
import static io.mailtap.settings.ValueTypes.bool;
import static io.mailtap.settings.ValueTypes.bytes;
import static io.mailtap.settings.ValueTypes.integer;
import static io.mailtap.settings.ValueTypes.ports;

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

    /**
     * The {@code smtp} config section: which connections are SMTP (read by the flow table and the
     * capture filter, built once) and the analyzer's limits (restart); {@code policy_ports} is the
     * detection rules' and reloads live.
     */
    public static final Section SCHEMA = Section.of("smtp",
            "Which TCP connections are SMTP, and the analyzer's limits (each hit is counted).",
            restart("ports", ports(true), List.of(25, 465, 587, 2525),
                    "Server ports whose connections are followed as SMTP; they also pick the server side of a connection picked up mid-stream."),
            live("policy_ports", ports(false), List.of(25),
                    "Ports of server-to-server SMTP: egress_policy and bad_helo apply to them. Must be a subset of ports."),
            restart("detect_on_any_port", bool(), false,
                    "Also follow TCP on every other port and recognise SMTP by content (costs memory on busy links)."),
            restart("max_command_line_bytes", bytes(512, 1 << 20), 4096L,
                    "Longer client command lines are cut to this."),
            restart("max_reply_line_bytes", bytes(512, 1 << 20), 4096L,
                    "Longer server reply lines are cut to this."),
            restart("max_pending_commands", integer(1, 100_000), 256,
                    "Commands awaiting a reply under PIPELINING before the oldest is given up on."),
            restart("max_rcpt_per_transaction", integer(1, 100_000), 100,
                    "RCPT TO arguments listed per transaction in smtp.jsonl; the rest are only counted."),
            restart("max_reply_lines_kept", integer(1, 1000), 8,
                    "Lines of a multi-line reply whose text is kept."));

    /** The analyzer's settings from its config section. */
    public static SmtpSettings from(ConfigView root) {
        ConfigView s = root.section(SCHEMA.name());
        return new SmtpSettings(s.integer("max_command_line_bytes"), s.integer("max_reply_line_bytes"),
                s.integer("max_pending_commands"), s.integer("max_rcpt_per_transaction"), s.integer("max_reply_lines_kept"));
    }

    public static SmtpSettings defaults() {
        return new SmtpSettings(4096, 4096, 256, 100, 8);
    }
}
