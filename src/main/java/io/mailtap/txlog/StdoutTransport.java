package io.mailtap.txlog;

import java.io.IOException;
import java.io.OutputStream;

/**
 * JSON lines on standard output, exactly the file's lines, for journald (under systemd), Vector,
 * Fluent Bit or a Kubernetes log collector. Flushed per record so a pipe reader sees it at once.
 * The sensor's own log goes to stderr, so stdout carries records only.
 */
public final class StdoutTransport implements Forwarder.Transport {
    private final OutputStream out;

    public StdoutTransport(OutputStream out) {
        this.out = out;
    }

    @Override
    public void send(Forwarded kind, int severity, byte[] line, int len) throws IOException {
        out.write(line, 0, len);
        out.flush();
    }
}
