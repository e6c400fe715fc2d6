package io.mailtap.txlog;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The part every JSONL writer shares: one generator rendering into a reused buffer, each finished
 * line handed whole to the {@link RecordFile} (whole lines only, a full disk survived and counted)
 * and to the forwarders ({@link LineTap}). The writers only say which fields a line has.
 */
final class JsonLineOutput implements Closeable {
    private final RecordFile file;
    private final Forwarded kind;
    private final String what;
    private final Line line;
    private final JsonGenerator generator;
    private LineTap tap = LineTap.NONE;
    private long lines;

    /** Reused line buffer whose bytes the record file copies. */
    private static final class Line extends ByteArrayOutputStream {
        Line(int size) { super(size); }
        byte[] bytes() { return buf; }
    }

    /** @param what the output's name in error messages ("the transaction log") */
    JsonLineOutput(RecordFile file, Forwarded kind, String what, int lineSizeHint) {
        this.file = file;
        this.kind = kind;
        this.what = what;
        this.line = new Line(lineSizeHint);
        try {
            // One generator for the whole file; root values are separated by our own newline.
            this.generator = SafeJson.factory().createGenerator(line);
            this.generator.setRootValueSeparator(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what, e);
        }
    }

    /** Renders one line with {@code body} (which writes the object's fields) and hands it on. */
    void write(int severity, Body body) {
        try {
            JsonGenerator g = generator;
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
            g.writeRaw('\n');
            g.flush();
            file.append(line.bytes(), 0, line.size());
            tap.offer(kind, severity, line.bytes(), 0, line.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what, e);
        } finally {
            line.reset();
        }
        lines++;
    }

    /** Writes the fields of one line. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    long lines() { return lines; }

    void forwardTo(LineTap tap) { this.tap = tap; }

    void reopenIfRequested() { file.reopenIfRequested(); }

    @Override
    public void close() throws IOException {
        generator.close();
        file.close();
    }
}
