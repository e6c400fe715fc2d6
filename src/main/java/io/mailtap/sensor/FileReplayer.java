package io.mailtap.sensor;

import io.mailtap.capture.CaptureException;
import io.mailtap.capture.OfflineSource;
import io.mailtap.capture.PacketSource;
import io.mailtap.capture.RawFrame;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

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
        return replay(file, bpfFilter, pipeline, () -> false);
    }

    /** As above; stops early (between two frames) once {@code stop} says so (the outputs failed). */
    public static Result replay(Path file, String bpfFilter, PacketPipeline pipeline, BooleanSupplier stop) {
        try (PacketSource source = OfflineSource.open(file, bpfFilter)) {
            int linkType = source.linkType();
            RawFrame f = new RawFrame();
            while (!stop.getAsBoolean() && source.read(f) == PacketSource.PACKET) {
                pipeline.onFrame(linkType, f.data, f.capturedLength, f.wireLength, f.tsMicros);
            }
            CaptureException err = source.error();
            return new Result(file, source.packetsRead(), err == null ? null : err.getMessage());
        } catch (CaptureException e) {
            return new Result(file, 0, e.getMessage());
        }
    }
}
