package io.mailtap.txlog;

/**
 * Where the output writers hand a copy of every finished record besides their file (the forwarding
 * sinks). Called on the writer's thread; must never block it.
 */
@FunctionalInterface
public interface LineTap {
    /** No forwarding. */
    LineTap NONE = (kind, severity, line, off, len) -> {};

    /**
     * @param severity RFC 5424 severity (0 emergency .. 7 debug) of the record
     * @param line     one JSON object ending in '\n' ({@code len} bytes from {@code off}); copied if kept
     */
    void offer(Forwarded kind, int severity, byte[] line, int off, int len);
}
