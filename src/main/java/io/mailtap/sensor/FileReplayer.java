package io.mailtap.sensor;

import io.mailtap.capture.CaptureException;
import io.mailtap.capture.OfflineSource;
import io.mailtap.capture.PacketSource;
import io.mailtap.capture.RawFrame;

import java.nio.file.Path;

/** Feeds one capture file through a pipeline, packet by packet, with one reused frame buffer. */
public final class FileReplayer {
    /**
     * @param packets packets read (before any error)
     * @param error   null, or why the file could not be opened or stopped being readable part-way
     *                (everything before that point was processed)
     */
    public record Result(Path file, long packets, String error) {}

    private FileReplayer() {}

    public static Result replay(Path file, String bpfFilter, PacketPipeline pipeline) {
        try (PacketSource source = OfflineSource.open(file, bpfFilter)) {
            int linkType = source.linkType();
            RawFrame f = new RawFrame();
            while (source.read(f) == PacketSource.PACKET) {
                pipeline.onFrame(linkType, f.data, f.capturedLength, f.wireLength, f.tsMicros);
            }
            CaptureException err = source.error();
            return new Result(file, source.packetsRead(), err == null ? null : err.getMessage());
        } catch (CaptureException e) {
            return new Result(file, 0, e.getMessage());
        }
    }
}
