package io.mailtap.capture;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicInteger;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapStat;

/**
 * The fast read path over a pcap4j handle, and the handle's lifetime.
 *
 * <p>pcap4j opens, configures and closes the handle; packets are read with {@code pcap_next_ex}
 * through {@link PcapNative} on pcap4j's own {@code pcap_t*}. Out-parameters live in native
 * memory allocated once, and one {@link Pointer} is re-aimed at whatever address libpcap returns,
 * so a packet costs no Java object.
 *
 * <p>Because we bypass pcap4j's lock, we guard the {@code pcap_t} ourselves: a read or a stats call
 * holds {@code state == BUSY}; closing waits for IDLE (a close from another thread breaks the read
 * off and lets the reading thread free the handle on its way out), and {@code pcap_breakloop} is
 * only called on a handle that is not yet freed. Freeing a {@code pcap_t} under a running read
 * would crash the JVM, not throw.
 */
final class PcapReader {
    private static final int IDLE = 0, BUSY = 1, CLOSED = 2;
    private static final Field HANDLE_FIELD = handleField();

    private final PcapHandle handle;
    private final Pointer pcap;
    private final String name;
    private final int linkType;
    private final int snaplen;

    private final Memory outSlots = new Memory(2L * Native.POINTER_SIZE);
    private final Pointer headerSlot = outSlots.share(0);
    private final Pointer dataSlot = outSlots.share(Native.POINTER_SIZE);
    private final Pointer cursor = new Pointer(0);

    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final Object nativeLock = new Object();
    private boolean nativeClosed; // guarded by nativeLock
    private volatile boolean breakRequested;
    private volatile boolean wakeRequested;
    private volatile boolean closeRequested;
    private volatile CaptureException error;
    private boolean ended;   // only touched while BUSY
    private long packets;    // written by the reading thread only

    /** Takes ownership of {@code handle}: closes it if this constructor fails. */
    PcapReader(PcapHandle handle, String name) throws CaptureException {
        this.handle = handle;
        this.name = name;
        try {
            PcapNative.ensureLoaded();
            this.pcap = nativeHandle(handle);
        } catch (CaptureException e) {
            handle.close();
            throw e;
        }
        this.linkType = PcapNative.pcap_datalink(pcap);
        this.snaplen = PcapNative.pcap_snapshot(pcap);
    }

    int linkType() { return linkType; }

    int snaplen() { return snaplen; }

    String name() { return name; }

    long packetsRead() { return packets; }

    CaptureException error() { return error; }

    /** The handle's socket descriptor (live) or -1 (file); the handle stays owned by this reader. */
    int fileno() {
        synchronized (nativeLock) {
            return nativeClosed ? -1 : PcapNative.pcap_fileno(pcap);
        }
    }

    int read(RawFrame frame) {
        if (!state.compareAndSet(IDLE, BUSY)) return PacketSource.END; // closed (or a second reader)
        try {
            if (ended) return PacketSource.END;
            if (breakRequested) {
                ended = true;
                return PacketSource.END;
            }
            int rc = PcapNative.pcap_next_ex(pcap, headerSlot, dataSlot);
            if (rc == 1) return deliver(frame);
            if (rc == 0) return PacketSource.TIMEOUT;
            if (rc == -2 && wakeRequested && !breakRequested) {
                // Our own pcap_breakloop from wakeUp, not a stop: libpcap has cleared it already.
                wakeRequested = false;
                return PacketSource.TIMEOUT;
            }
            ended = true;
            // -2 is end of file or pcap_breakloop: a normal end. -1 (or anything else) is an error.
            if (rc != -2) fail("read failed after " + packets + " packets: " + CaptureException.oneLine(lastError()));
            return PacketSource.END;
        } finally {
            state.set(IDLE);
            if (closeRequested) closeIfIdle();
        }
    }

    private int deliver(RawFrame frame) {
        Pointer header = cursor;
        Pointer.nativeValue(header, PcapNative.address(headerSlot));
        long seconds = Native.LONG_SIZE == 8 ? header.getLong(0) : header.getInt(0) & 0xFFFF_FFFFL;
        long micros = PcapNative.TV_USEC_IS_LONG ? header.getLong(PcapNative.TV_USEC_OFFSET)
                                                : header.getInt(PcapNative.TV_USEC_OFFSET);
        int caplen = header.getInt(PcapNative.CAPLEN_OFFSET);
        int len = header.getInt(PcapNative.LEN_OFFSET);
        if (caplen < 0 || caplen > RawFrame.MAX_CAPTURED_LENGTH) {
            ended = true;
            fail("packet " + (packets + 1) + " claims " + Integer.toUnsignedString(caplen) + " captured bytes, more than "
                    + RawFrame.MAX_CAPTURED_LENGTH);
            return PacketSource.END;
        }
        frame.ensureCapacity(caplen);
        if (caplen > 0) {
            Pointer.nativeValue(cursor, PcapNative.address(dataSlot));
            cursor.read(0, frame.data, 0, caplen);
        }
        frame.capturedLength = caplen;
        frame.wireLength = len < 0 ? Integer.MAX_VALUE : len; // bpf_u_int32; > 2 GiB is nonsense anyway
        frame.tsMicros = RawFrame.tsMicros(seconds, micros);
        packets++;
        return PacketSource.PACKET;
    }

    private void fail(String message) {
        error = new CaptureException(name + ": " + message);
    }

    private String lastError() {
        Pointer text = PcapNative.pcap_geterr(pcap);
        return text == null ? null : text.getString(0);
    }

    void breakLoop() {
        breakRequested = true;
        interrupt();
    }

    /**
     * Makes a read blocked on an idle live handle (or the next read) return TIMEOUT. libpcap 1.10
     * has no poll timeout with TPACKET_V3, so this is the only way to get the capture thread out
     * for pcap_stats, which must be called from it. Only for live handles: on a file, -2 is the end.
     */
    void wakeUp() {
        if (breakRequested) return;
        wakeRequested = true;
        interrupt();
    }

    private void interrupt() {
        synchronized (nativeLock) {
            if (!nativeClosed) PcapNative.pcap_breakloop(pcap);
        }
    }

    /** pcap_stats through pcap4j; must not overlap a read, so it takes the same BUSY state. */
    CaptureStats liveStats() throws CaptureException {
        if (!state.compareAndSet(IDLE, BUSY)) {
            if (state.get() == CLOSED) throw new CaptureException(name + ": capture is closed");
            throw new IllegalStateException("stats() called while another thread reads " + name
                    + "; pcap_stats is not thread-safe, call it from the capture thread");
        }
        try {
            PcapStat s = handle.getStats();
            return new CaptureStats(s.getNumPacketsReceived(), s.getNumPacketsDropped(), s.getNumPacketsDroppedByIf());
        } catch (Exception e) { // PcapNativeException, NotOpenException
            throw new CaptureException(name + ": cannot read capture statistics: " + CaptureException.oneLine(e.getMessage()), e);
        } finally {
            state.set(IDLE);
            if (closeRequested) closeIfIdle();
        }
    }

    void close() {
        closeRequested = true;
        breakRequested = true;
        if (state.get() == BUSY) interrupt(); // the reading thread frees the handle when it returns
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (state.compareAndSet(IDLE, CLOSED)) {
            synchronized (nativeLock) {
                nativeClosed = true;
                handle.close();
            }
        }
    }

    private static Field handleField() {
        try {
            Field f = PcapHandle.class.getDeclaredField("handle");
            f.setAccessible(true);
            return f.getType() == Pointer.class ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Pointer nativeHandle(PcapHandle handle) throws CaptureException {
        try {
            if (HANDLE_FIELD != null) {
                Pointer p = (Pointer) HANDLE_FIELD.get(handle);
                if (p != null) return p;
            }
        } catch (IllegalAccessException e) {
            // fall through to the message below
        }
        throw new CaptureException("cannot reach pcap4j's native handle (PcapHandle.handle); "
                + "the fast reader needs pcap4j 1.8.x");
    }
}
