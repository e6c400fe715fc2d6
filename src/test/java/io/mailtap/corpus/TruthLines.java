package io.mailtap.corpus;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The {@code smtp.jsonl} lines one truth session implies, by the log's documented semantics (README,
 * "The transaction log"): one line per MAIL FROM, or one line for a connection that never sent one.
 *
 * <p>The truth lists HELO/MAIL/RCPT/AUTH with their reply codes and the client's verbs in order;
 * walking the verbs puts every command in its place:
 * <ul>
 * <li>a HELO/EHLO/LHLO the server did not refuse sets the line's {@code helo} and ends the open
 *     transaction (RFC 5321 4.1.4); a refused one changes nothing;</li>
 * <li>AUTH sets {@code auth_mech}/{@code auth_user}/{@code auth_result} (2xx success, 4xx/5xx
 *     failure, no final reply unknown) for the lines that follow;</li>
 * <li>a MAIL starts a line, except a 503 "nested MAIL" while an accepted MAIL is open (RFC 5321
 *     3.3: it does not start a transaction);</li>
 * <li>a RCPT belongs to the open line and counts in {@code rcpt_accepted} (2xx) or
 *     {@code rcpt_rejected} (4xx/5xx), listed up to {@code smtp.max_rcpt_per_transaction}, the
 *     rest in {@code rcpt_not_listed}; a RCPT after DATA, RSET or QUIT without a new MAIL belongs
 *     to no transaction;</li>
 * <li>{@code tls}: implicit TLS, or a STARTTLS the server accepted before the line's MAIL.</li>
 * </ul>
 * Where tshark is wrong or the capture needs more than this walk, {@link LogDeviations} gives the
 * wire value.
 */
final class TruthLines {
    private TruthLines() {}

    static LogLine.Lines of(JsonNode session, int maxRcpt) {
        Iterator<JsonNode> helos = session.get("helo").iterator();
        Iterator<JsonNode> mails = session.get("mail_from").iterator();
        Iterator<JsonNode> rcpts = session.get("rcpt_to").iterator();
        Iterator<JsonNode> auths = session.get("auth").iterator();
        boolean starttlsAccepted = session.get("starttls").get("accepted").asBoolean();

        String helo = null;
        String[] auth = null;
        boolean tls = session.get("implicit_tls").asBoolean();
        List<LogLine> lines = new ArrayList<>();
        LogLine open = null;
        boolean openAccepted = false;
        int listed = 0;
        for (JsonNode c : session.get("commands")) {
            String verb = c.asText().toUpperCase(Locale.ROOT);
            switch (verb) {
                case "HELO", "EHLO", "LHLO" -> {
                    JsonNode h = next(helos, "helo", session);
                    int code = code(h, "reply_code");
                    if (code == 0 || code < 400) {
                        helo = text(h.get("argument"));
                        open = null;
                    }
                }
                case "AUTH" -> {
                    JsonNode a = next(auths, "auth", session);
                    auth = new String[] {a.get("mechanism").asText(), text(a.get("username")), result(code(a, "result_code"))};
                }
                case "MAIL" -> {
                    JsonNode m = next(mails, "mail_from", session);
                    int code = code(m, "reply_code");
                    if (code == 503 && open != null && openAccepted) break;
                    open = LogLine.tx(helo, text(m.get("argument"))).set("tls", tls);
                    if (auth != null) open.auth(auth[0], auth[1], auth[2]);
                    openAccepted = code >= 200 && code < 300;
                    listed = 0;
                    lines.add(open);
                }
                case "RCPT" -> {
                    JsonNode r = next(rcpts, "rcpt_to", session);
                    if (open == null) break;
                    int code = code(r, "reply_code");
                    if (listed < maxRcpt) {
                        open.rcpt(text(r.get("argument")), code);
                        listed++;
                    } else {
                        open.set("rcpt_not_listed", (Integer) open.get("rcpt_not_listed") + 1);
                        if (code >= 200 && code < 300) open.set("rcpt_accepted", (Integer) open.get("rcpt_accepted") + 1);
                        else if (code >= 400) open.set("rcpt_rejected", (Integer) open.get("rcpt_rejected") + 1);
                    }
                }
                case "DATA", "RSET", "QUIT" -> open = null;
                default -> {
                    if (verb.startsWith("STARTTLS") && starttlsAccepted) tls = true;
                }
            }
        }
        if (lines.isEmpty()) {
            LogLine l = LogLine.empty().set("helo", helo).set("tls", tls);
            if (auth != null) l.auth(auth[0], auth[1], auth[2]);
            lines.add(l);
        }
        return new LogLine.Lines(lines);
    }

    private static JsonNode next(Iterator<JsonNode> it, String list, JsonNode session) {
        if (!it.hasNext()) {
            throw new AssertionError("truth session of client port " + session.get("client_port")
                    + ": more commands than entries in " + list);
        }
        return it.next();
    }

    private static int code(JsonNode n, String field) {
        JsonNode c = n.get(field);
        return c == null || c.isNull() ? 0 : c.asInt();
    }

    private static String result(int code) {
        if (code >= 200 && code < 300) return "success";
        if (code >= 400) return "failure";
        return "unknown";
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : CorpusAgreementTest.Expected.unescape(n.asText());
    }
}
