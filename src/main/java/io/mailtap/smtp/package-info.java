/**
 * The SMTP stage: turns the two byte streams of a TCP connection into typed {@link io.mailtap.smtp.SmtpEvent}s
 * and one {@link io.mailtap.smtp.TransactionRecord} per mail transaction. It states what was said on
 * the wire and never judges it.
 *
 * <h2>Units</h2>
 * {@link io.mailtap.smtp.SmtpConversations} is SMTP as the protocol of {@code stream/ConnectionRouter}
 * (which decides which flows carry SMTP, by port or by content): it opens one
 * {@link io.mailtap.smtp.SmtpSession} per connection. The session extends
 * {@code stream/Conversation}, which has already read through TLS, proxy tunnels and bytes it cannot
 * read, so the session sees plain SMTP only. It uses
 * {@code LineFramer} (bounded lines), {@code CommandParser},
 * {@code ReplyAssembler} (multi-line replies), {@code BodyScanner} (DATA text, not kept),
 * {@code AuthTracker}/{@code AuthDecoder} (SASL user names, never passwords) and
 * {@code TransactionState}. The session holds the state and reads the bytes; what a line or a
 * reply then does is in stateless classes beside it that work on that state: {@code ClientCommands}
 * (a client line read as a command), {@code ReplyDispatch} (which command a reply answers),
 * {@code ReplyEffects} (what the reply does, per verb), {@code AuthExchange}, {@code Transactions}
 * (records), {@code OneWayCapture}, {@code GapsAndEnd} and {@code SessionReports} (anomalies,
 * rejections). Counters are in {@link io.mailtap.smtp.SmtpStats}.
 *
 * <h2>Memory</h2>
 * Sessions of one analyzer (one thread) borrow their working objects (line framers, reply
 * assembler, command queue, transaction builder) from {@code SessionResources} while bytes are
 * processed and give them back once they hold nothing; parser and SASL decoder are shared; the
 * last reply kept for the connection record is shared between sessions that got the same one
 * ({@code ReplyLines}). An idle established session (greeting and EHLO done) costs its 120-byte
 * object plus its HELO argument (about 64 bytes); with the flow table's share, about 660 bytes
 * per connection (the table is in {@code io.mailtap.flow.FlowTable}), where it was 2 KB.
 *
 * <h2>Decisions (where the RFCs leave a passive observer to guess)</h2>
 * <ul>
 * <li><b>Pairing.</b> Commands queue in wire order; each complete reply pairs with the oldest
 *   (RFC 2920). Effects (events, transaction boundaries) are applied at pairing time, hence in
 *   command order. Commands never answered are reported at the end with reply code 0.</li>
 * <li><b>Greeting.</b> The first server reply is the greeting even when the client spoke first
 *   (early talkers, PIPE_CONNECT), unless it is not 220/421/554 while commands wait: then the
 *   greeting was not captured and the reply answers the first command ({@code no_greeting}). A
 *   mid-stream pick-up never assumes a greeting and forgives one partial first line.</li>
 * <li><b>DATA.</b> As in Zeek, message text starts right after the DATA line (clients send DATA and
 *   the message in one segment) and ends at a "." line (CRLF or bare LF); lines after the dot are
 *   commands again. If the server refuses the DATA, it read those lines as commands and answers
 *   each: that many replies are absorbed ({@code data_refused_after_text}) so later pairings stay
 *   right. A 334/354 that would pair with a command it cannot answer skips the unanswered
 *   commands before the AUTH/DATA it belongs to ({@code reply_skipped_commands}).</li>
 * <li><b>BDAT.</b> Exactly the announced octets follow, whatever they contain. A malformed size
 *   ({@code bdat_bad_size}) is a syntax error the server refuses, so what follows is read as
 *   command lines and the open transaction is unaffected.</li>
 * <li><b>AUTH.</b> After a 334 the next client line is a SASL response (wire order, like a server).
 *   Right after AUTH the lines the mechanism still owes are taken as responses too, so a client
 *   that pipelines user and password blindly never has a base64 password parsed as a command.
 *   With LOGIN, which line is the user is decided by the server's prompt
 *   ("Username:" or "Password:"), else by position; the password line is never decoded. A client that answers the Username prompt with
 *   "QUIT" (suricata-verify smtp-long-command) gets the user name the server decoded from it
 *   ("AB" and the byte 0x13, as tshark reports) plus an {@code auth_response_is_command} anomaly.
 *   Events carry the user of the last <em>successful</em> AUTH; records carry the last attempt
 *   and its result.</li>
 * <li><b>TLS.</b> STARTTLS answered 220 and a first client record 0x16 0x03 0x00-0x04 make both
 *   directions opaque (counted, not parsed), even if plaintext follows as in decrypted captures.</li>
 * <li><b>Not SMTP.</b> A first server line without a reply code, or client HTTP/binary bytes before
 *   any command was answered: the session gives up ({@code not_smtp}) and still logs one record.</li>
 * <li><b>Proxy tunnels.</b> When the client's very first bytes (before the server said anything, on a
 *   connection whose start was seen) are an HTTP CONNECT request or a SOCKS4/4a/5 request, the
 *   handshake is read in both directions and what follows is a fresh SMTP conversation, greeting
 *   first. The tunnel is a {@code proxy_tunnel} anomaly ("http-connect to host:port", "socks5 to
 *   host:port user NAME"; a SOCKS password is skipped unread, HTTP headers are only counted). A
 *   refused, malformed, gap-cut or unfinished handshake gives up ({@code not_smtp}). Clients that
 *   send SMTP before the proxy answered are read as early talkers.</li>
 * <li><b>Other ports</b> ({@code smtp.detect_on_any_port}). Nothing is reported for a flow to a
 *   port that is not configured for SMTP until its first bytes prove SMTP: the client's first word
 *   is HELO/EHLO/LHLO followed by a space or line end, or the server's first line starts "220"
 *   followed by a space, dash or line end and the client's first word (if any) is an SMTP verb
 *   (that keeps FTP, whose servers also greet with 220, out). Inside a proxy tunnel the tunnelled
 *   bytes are judged. The probe holds at most 1 KiB per direction and 64 chunks; a gap in them
 *   gives up. A confirmed flow is then reported from its first packet with the original packet
 *   times; the rest are dropped without an event (counted).</li>
 * <li><b>Gaps.</b> The partial line is dropped. DATA text stays DATA until a "." line (or a reply
 *   that must be the verdict), BDAT chunks absorb the hole. After a hole in the replies the next
 *   reply line resynchronises the framing; a hole too short to hold a reply (under 4 bytes, at a
 *   line start) changes no pairing, a longer one pairs the waiting commands by position and code
 *   class ({@code ReplyPairing}) and flags their transaction
 *   {@code pairing_uncertain}. A hole in client commands keeps the queue as is:
 *   commands lost in it can shift the pairing of the ones after it (not detectable).</li>
 * <li><b>Unknown verbs</b> are counted and paired but their text is never reported
 *   (a Rejection names them "UNKNOWN"): blind AUTH traffic must not leak through them.</li>
 * </ul>
 */
package io.mailtap.smtp;
