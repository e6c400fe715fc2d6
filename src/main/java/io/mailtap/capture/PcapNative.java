package io.mailtap.capture;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Direct-mapped ({@link Native#register}) libpcap calls for the per-packet path. pcap4j's own read
 * calls allocate JNA objects per packet and run several times slower (CAPTURE-NOTES.md); direct
 * mapping passes pointers as plain values and allocates nothing.
 */
final class PcapNative {
    /** The property pcap4j reads to name libpcap; we honour it so both bind the same library. */
    static final String LIBRARY_NAME_PROPERTY = "org.pcap4j.core.pcapLibName";

    /** struct pcap_pkthdr { struct timeval ts; bpf_u_int32 caplen; bpf_u_int32 len; } */
    static final int TV_USEC_OFFSET = Native.LONG_SIZE;
    /** Darwin's tv_usec is a 32-bit int even on 64-bit (padded); elsewhere it is a C long. */
    static final boolean TV_USEC_IS_LONG = Native.LONG_SIZE == 8 && !Platform.isMac();
    static final int CAPLEN_OFFSET = 2 * Native.LONG_SIZE;
    static final int LEN_OFFSET = CAPLEN_OFFSET + 4;

    private static final Throwable LOAD_ERROR;

    static {
        Throwable error = null;
        try {
            Native.register(PcapNative.class, NativeLibrary.getInstance(libraryName()));
        } catch (LinkageError | RuntimeException e) {
            error = e;
        }
        LOAD_ERROR = error;
    }

    private PcapNative() {}

    static String libraryName() {
        return System.getProperty(LIBRARY_NAME_PROPERTY, Platform.isWindows() ? "wpcap" : "pcap");
    }

    static void ensureLoaded() throws CaptureException {
        if (LOAD_ERROR != null) {
            throw new CaptureException("cannot bind libpcap '" + libraryName() + "' (set -D" + LIBRARY_NAME_PROPERTY
                    + "=...): " + CaptureException.oneLine(LOAD_ERROR.getMessage()), LOAD_ERROR);
        }
    }

    /** Reads a pointer-sized value (an address written by libpcap into an out-parameter slot). */
    static long address(Pointer slot) {
        return Native.POINTER_SIZE == 8 ? slot.getLong(0) : slot.getInt(0) & 0xFFFF_FFFFL;
    }

    static native int pcap_next_ex(Pointer p, Pointer headerOut, Pointer dataOut);

    static native void pcap_breakloop(Pointer p);

    static native Pointer pcap_geterr(Pointer p);

    static native int pcap_datalink(Pointer p);

    static native int pcap_snapshot(Pointer p);

    /** The packet socket under a live handle (for PACKET_FANOUT); -1 for a file. */
    static native int pcap_fileno(Pointer p);
}
