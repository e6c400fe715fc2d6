package io.mailtap.capture;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;

/**
 * Captures from a network interface with the allocation-free reader.
 *
 * <p>Thread rules (libpcap's, see CAPTURE-NOTES.md): read, {@link #stats()} and {@link #close()}
 * belong to the capture thread. To stop, call {@link #breakLoop()} from any thread: the blocked
 * read returns {@link #END} even on an idle interface, where the read timeout never fires. Then
 * close from the capture thread.
 */
public final class LiveSource implements PacketSource {
    private final PcapReader reader;
    private final LiveOptions options;
    /** Fanout start (CaptureGroup): frames stamped before it are dropped; 0 when nothing is dropped. */
    private long discardBeforeMicros;
    /** System.nanoTime after which the start check ends even if the clock stepped back meanwhile. */
    private long discardUntilNanos;
    private long discarded;

    private LiveSource(PcapReader reader, LiveOptions options) {
        this.reader = reader;
        this.options = options;
    }

    /** @throws CaptureException unknown interface, no permission to capture, or an invalid filter */
    public static LiveSource open(LiveOptions options) throws CaptureException {
        PcapNative.ensureLoaded();
        String name = options.interfaceName();
        PcapHandle.Builder builder = new PcapHandle.Builder(name)
                .snaplen(options.snaplen())
                .promiscuousMode(options.promiscuous()
                        ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                        : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(options.readTimeoutMillis())
                .immediateMode(options.immediateMode())
                .timestampPrecision(PcapHandle.TimestampPrecision.MICRO);
        if (options.bufferSizeBytes() > 0) builder.bufferSize(options.bufferSizeBytes());
        PcapHandle handle;
        try {
            handle = builder.build();
        } catch (PcapNativeException | RuntimeException e) {
            throw new CaptureException("cannot capture on interface '" + name + "': " + CaptureException.oneLine(e.getMessage()), e);
        }
        try {
            BpfFilters.apply(handle, options.bpfFilter(), "interface '" + name + "'");
        } catch (CaptureException e) {
            handle.close();
            throw e;
        }
        return new LiveSource(new PcapReader(handle, "interface '" + name + "'"), options);
    }

    /** The capture devices libpcap can open, for the {@code interfaces} command. */
    public static List<CaptureInterface> listInterfaces() throws CaptureException {
        PcapNative.ensureLoaded();
        List<PcapNetworkInterface> devices;
        try {
            devices = Pcaps.findAllDevs();
        } catch (PcapNativeException e) {
            throw new CaptureException("cannot list capture interfaces: " + CaptureException.oneLine(e.getMessage()), e);
        }
        List<CaptureInterface> result = new ArrayList<>();
        for (PcapNetworkInterface d : devices) {
            List<String> addresses = new ArrayList<>();
            for (PcapAddress a : d.getAddresses()) {
                InetAddress ip = a.getAddress();
                if (ip != null) addresses.add(ip.getHostAddress());
            }
            result.add(new CaptureInterface(d.getName(), d.getDescription(), addresses, d.isLoopBack(), d.isUp()));
        }
        return result;
    }

    public LiveOptions options() { return options; }

    @Override public int linkType() { return reader.linkType(); }

    @Override public int snaplen() { return reader.snaplen(); }

    @Override public String name() { return reader.name(); }

    @Override
    public int read(RawFrame frame) {
        int r = reader.read(frame);
        while (r == PACKET && discardBeforeMicros != 0 && frame.tsMicros < discardBeforeMicros) {
            if (System.nanoTime() - discardUntilNanos > 0) {
                discardBeforeMicros = 0;
                break;
            }
            discarded++;
            r = reader.read(frame);
        }
        if (r == PACKET) discardBeforeMicros = 0; // the ring is past the start: no more checks
        return r;
    }

    /**
     * Joins this handle to a {@code PACKET_FANOUT} group ({@link PacketFanout}).
     *
     * @param groupId the group id
     * @param first   this handle opens the group: {@link PacketFanout#AUTO} means a new group with a
     *                kernel-chosen id; for the others {@code groupId} is the id the first one got
     * @return the group id the handle is in
     */
    int joinFanout(int groupId, boolean first) throws CaptureException {
        int fd = reader.fileno();
        if (fd < 0) throw new CaptureException(name() + ": no packet socket to join a fanout group");
        return first ? PacketFanout.create(fd, groupId, name()) : PacketFanout.join(fd, groupId, name());
    }

    /** The handle's fanout group id, or -1 when it is in none. */
    public int fanoutGroup() throws CaptureException {
        int fd = reader.fileno();
        return fd < 0 ? -1 : PacketFanout.currentGroup(fd);
    }

    /**
     * Drops frames stamped before {@code micros}: what the handle captured before every handle of
     * its group had joined (then each handle received the whole wire, so those frames are
     * duplicates). Ends at the first later frame, or after {@code boundNanos} should the clock have
     * stepped back. Call before the capture thread starts (its start publishes the fields).
     */
    void discardBefore(long micros, long boundNanos) {
        discardBeforeMicros = micros;
        discardUntilNanos = System.nanoTime() + boundNanos;
    }

    /** Frames dropped by {@link #discardBefore} (capture thread). */
    public long discardedAtStart() { return discarded; }

    @Override public CaptureException error() { return reader.error(); }

    @Override public long packetsRead() { return reader.packetsRead() - discarded; }

    @Override public void breakLoop() { reader.breakLoop(); }

    @Override public void wakeUp() { reader.wakeUp(); }

    /**
     * libpcap's counters since the handle opened. Call from the capture thread: pcap_stats races
     * with a concurrent read, so a call while another thread is reading throws IllegalStateException.
     */
    @Override public CaptureStats stats() throws CaptureException { return reader.liveStats(); }

    @Override public void close() { reader.close(); }
}
