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

    /** Where one file's reading is, for {@link ReplayProgress} over several files. */
    public interface Position {
        /** {@code packets} and about {@code bytes} of this file are read. */
        void at(long packets, long bytes);

        default boolean pcapng(Path file) {
            try (var in = java.nio.file.Files.newInputStream(file)) {
                byte[] magic = in.readNBytes(4);
                return magic.length == 4 && magic[0] == 0x0A && magic[1] == 0x0D && magic[2] == 0x0D && magic[3] == 0x0A;
            } catch (java.io.IOException e) {
                return false;
            }
        }
    }

    public static Result replay(Path file, String bpfFilter, PacketPipeline pipeline) {
        return replay(file, bpfFilter, pipeline, null, () -> false);
    }

    /**
     * As {@link #replay(Path, String, PacketPipeline)}, telling {@code progress} (if not null) how far
     * it got, and stopping early (between two frames) once {@code stop} says so (the outputs failed).
     * Bytes are estimated per record: 16 + captured bytes in pcap, 32 + padded captured bytes in
     * pcapng (what an Enhanced Packet Block without options takes).
     */
    public static Result replay(Path file, String bpfFilter, PacketPipeline pipeline, Position progress, BooleanSupplier stop) {
        try (PacketSource source = OfflineSource.open(file, bpfFilter)) {
            int linkType = source.linkType();
            RawFrame f = new RawFrame();
            boolean pcapng = progress != null && progress.pcapng(file);
            long bytes = 0;
            int sinceUpdate = 0;
            while (!stop.getAsBoolean() && source.read(f) == PacketSource.PACKET) {
                pipeline.onFrame(linkType, f.data, f.capturedLength, f.wireLength, f.tsMicros);
                if (progress == null) continue;
                bytes += pcapng ? 32 + ((f.capturedLength + 3) & ~3) : 16 + f.capturedLength;
                if (++sinceUpdate == ReplayProgress.EVERY_PACKETS) {
                    sinceUpdate = 0;
                    progress.at(source.packetsRead(), bytes);
                }
            }
            if (progress != null) progress.at(source.packetsRead(), bytes);
            CaptureException err = source.error();
            return new Result(file, source.packetsRead(), err == null ? null : err.getMessage());
        } catch (CaptureException e) {
            return new Result(file, 0, e.getMessage());
        }
    }
}
