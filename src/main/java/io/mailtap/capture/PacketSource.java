package io.mailtap.capture;

/**
 * A pull-style packet source (live interface or capture file) that fills a caller-owned
 * {@link RawFrame}, so the read path allocates nothing per packet.
 *
 * <p>Threading: one capture thread calls {@link #read}/{@link #next}, {@link #stats()} and
 * {@link #close()}. Only {@link #breakLoop()} (and, as a fallback, {@code close()}) may be called
 * from another thread.
 */
public interface PacketSource extends AutoCloseable {
    /** {@link #read} delivered a packet. */
    int PACKET = 1;
    /** {@link #read}: a live read timeout passed without a packet (never for files). */
    int TIMEOUT = 0;
    /** {@link #read}: end of file, {@link #breakLoop()}, close, or an error ({@link #error()}). Final. */
    int END = -1;

    /** DLT/LINKTYPE of every frame this source delivers (see {@code io.mailtap.decode.LinkType}). */
    int linkType();

    /** The snapshot length: no frame is captured longer than this. */
    int snaplen();

    /** File name or interface name, for messages. */
    String name();

    /**
     * Reads the next packet into {@code frame}.
     *
     * @return {@link #PACKET}, {@link #TIMEOUT} or {@link #END}; once END, always END
     */
    int read(RawFrame frame);

    /** Like {@link #read} but waits past timeouts: true for a packet, false at the end. */
    default boolean next(RawFrame frame) {
        int r;
        do {
            r = read(frame);
        } while (r == TIMEOUT);
        return r == PACKET;
    }

    /**
     * Why reading ended early, or null if it ended normally (end of file, {@link #breakLoop()}).
     * The packets delivered before the error are good; the caller keeps them and reports this.
     */
    CaptureException error();

    /** Packets delivered by {@link #read} so far. */
    long packetsRead();

    /**
     * Makes a blocked or future {@link #read} return {@link #END}. Safe from any thread, and the
     * only way to stop an idle live capture (libpcap's read timeout does not fire on an idle
     * interface).
     */
    void breakLoop();

    /**
     * Makes a blocked or the next {@link #read} return {@link #TIMEOUT} (live sources; a file never
     * blocks, so nothing happens). Safe from any thread. For work the capture thread must do on an
     * idle wire, such as polling {@link #stats()}.
     */
    default void wakeUp() {}

    /** Capture counters; for a live source call it from the capture thread (pcap_stats is not thread-safe). */
    CaptureStats stats() throws CaptureException;

    /**
     * Releases the handle. Call it from the capture thread after {@link #read} returned END; if
     * another thread calls it while a read is in progress, the read is broken off and the handle is
     * released by the capture thread when that read returns.
     */
    @Override
    void close();
}
