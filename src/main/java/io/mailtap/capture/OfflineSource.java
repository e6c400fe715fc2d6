package io.mailtap.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/**
 * Reads a pcap or pcapng file (whatever libpcap reads) with the allocation-free reader.
 *
 * <p>A damaged file ends the read early: {@link #read} returns {@link #END} and {@link #error()}
 * explains, after every good packet before the damage was delivered.
 */
public final class OfflineSource implements PacketSource {
    private final PcapReader reader;

    private OfflineSource(PcapReader reader) {
        this.reader = reader;
    }

    /**
     * Opens {@code file}, optionally with a BPF filter (applied by libpcap while reading).
     *
     * @throws CaptureException missing, unreadable or not a capture file, or a filter that does not compile
     */
    public static OfflineSource open(Path file, String bpfFilterOrNull) throws CaptureException {
        String name = file.toString();
        // libpcap's wording for these is terse or misleading ("unknown file format" for a directory)
        if (!Files.exists(file)) throw new CaptureException(name + ": no such file");
        if (Files.isDirectory(file)) throw new CaptureException(name + ": is a directory, not a capture file");
        if (!Files.isReadable(file)) throw new CaptureException(name + ": permission denied");
        PcapNative.ensureLoaded();
        PcapHandle handle;
        try {
            handle = Pcaps.openOffline(name, PcapHandle.TimestampPrecision.MICRO);
        } catch (PcapNativeException e) {
            throw new CaptureException(name + ": not a readable pcap/pcapng file: " + CaptureException.oneLine(e.getMessage()), e);
        }
        try {
            BpfFilters.apply(handle, bpfFilterOrNull, name);
        } catch (CaptureException e) {
            handle.close();
            throw e;
        }
        return new OfflineSource(new PcapReader(handle, name));
    }

    @Override public int linkType() { return reader.linkType(); }

    @Override public int snaplen() { return reader.snaplen(); }

    @Override public String name() { return reader.name(); }

    @Override public int read(RawFrame frame) { return reader.read(frame); }

    @Override public CaptureException error() { return reader.error(); }

    @Override public long packetsRead() { return reader.packetsRead(); }

    @Override public void breakLoop() { reader.breakLoop(); }

    /** A file has no kernel counters: packets read so far, and no drops. */
    @Override public CaptureStats stats() { return new CaptureStats(reader.packetsRead(), 0, 0); }

    @Override public void close() { reader.close(); }
}
