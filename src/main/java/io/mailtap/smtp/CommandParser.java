package io.mailtap.smtp;

import io.mailtap.util.Ascii;

/**
 * Parses one client command line in place. The parser is reused for every line of a session and
 * only records offsets into the line; callers build Strings for the few fields they report.
 *
 * <p>MAIL FROM / RCPT TO (RFC 5321 section 4.1.1.2/3, loosened the way servers are loose): after
 * the verb, optional blanks, the keyword {@code FROM:}/{@code TO:}, optional blanks, then the path:
 * if it starts with '&lt;' it runs to the matching '&gt;' (a quoted local part may contain '&gt;'),
 * otherwise to the first blank. What follows are the ESMTP parameters.
 */
final class CommandParser {
    SmtpVerb verb;
    /** Whole argument after the verb: leading and trailing blanks removed. */
    int argStart, argEnd;
    /** MAIL/RCPT: the path exactly as sent; params after it. keywordOk false if FROM:/TO: was missing. */
    int pathStart, pathEnd, paramsStart, paramsEnd;
    boolean keywordOk;
    /** BDAT: chunk size, LAST flag; badSize when the arguments are not "size [LAST]". */
    long bdatSize;
    boolean bdatLast, bdatBadSize;
    /** AUTH: mechanism word and optional initial response word. */
    int mechStart, mechEnd, irStart, irEnd;

    void parse(byte[] b, int len) {
        int i = 0;
        while (i < len && b[i] != ' ' && b[i] != '\t') i++;
        verb = SmtpVerb.of(b, 0, i);
        argStart = Ascii.skipBlanks(b, i, len);
        argEnd = Ascii.trimTrailingBlanks(b, argStart, len);
        switch (verb) {
            case MAIL: parsePath(b, "FROM:"); break;
            case RCPT: parsePath(b, "TO:"); break;
            case BDAT: parseBdat(b); break;
            case AUTH: parseAuth(b); break;
            default: break;
        }
    }

    private void parsePath(byte[] b, String keyword) {
        int i = argStart;
        int end = argEnd;
        keywordOk = Ascii.startsWithIgnoreCase(b, i, end, keyword);
        if (!keywordOk) {
            pathStart = i;
            pathEnd = end;
            paramsStart = paramsEnd = end;
            return;
        }
        i = Ascii.skipBlanks(b, i + keyword.length(), end);
        pathStart = i;
        pathEnd = i < end && b[i] == '<' ? bracketEnd(b, i, end) : blankOrEnd(b, i, end);
        paramsStart = Ascii.skipBlanks(b, pathEnd, end);
        paramsEnd = end;
    }

    /** Index after the '>' that closes the '<' at {@code i}, skipping quoted strings. */
    private static int bracketEnd(byte[] b, int i, int end) {
        boolean quoted = false;
        for (int j = i + 1; j < end; j++) {
            byte c = b[j];
            if (quoted) {
                if (c == '\\') j++;
                else if (c == '"') quoted = false;
            } else if (c == '"') {
                quoted = true;
            } else if (c == '>') {
                return j + 1;
            }
        }
        // No closing bracket: take what a server would most likely take, up to the first blank.
        return blankOrEnd(b, i, end);
    }

    private static int blankOrEnd(byte[] b, int i, int end) {
        while (i < end && !Ascii.isBlank(b[i])) i++;
        return i;
    }

    private void parseBdat(byte[] b) {
        bdatSize = 0;
        bdatLast = false;
        bdatBadSize = true;
        int i = argStart;
        int end = argEnd;
        int digitsStart = i;
        long v = 0;
        while (i < end && Ascii.isDigit(b[i])) {
            int d = b[i] - '0';
            if (v > (Long.MAX_VALUE - d) / 10) return; // does not fit: > 2^63 - 1
            v = v * 10 + d;
            i++;
        }
        if (i == digitsStart) return; // no size, or "-1", or a word
        if (i < end && !Ascii.isBlank(b[i])) return; // "5X"
        i = Ascii.skipBlanks(b, i, end);
        if (i < end) {
            if (end - i != 4 || !Ascii.startsWithIgnoreCase(b, i, end, "LAST")) return; // "5 X"
            bdatLast = true;
        }
        bdatSize = v;
        bdatBadSize = false;
    }

    private void parseAuth(byte[] b) {
        mechStart = argStart;
        mechEnd = blankOrEnd(b, mechStart, argEnd);
        irStart = Ascii.skipBlanks(b, mechEnd, argEnd);
        irEnd = blankOrEnd(b, irStart, argEnd);
    }

    boolean hasInitialResponse() { return irEnd > irStart; }
}
