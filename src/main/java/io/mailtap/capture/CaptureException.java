package io.mailtap.capture;

/**
 * A capture could not be opened, configured or read. The message is one line meant for an
 * operator (it names the file or interface and carries libpcap's own words), so callers can print
 * it without a stack trace.
 */
public final class CaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }

    /** libpcap messages sometimes end in a newline or embed one; an operator line must not. */
    static String oneLine(String s) {
        if (s == null || s.isBlank()) return "no detail from libpcap";
        return s.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
    }
}
