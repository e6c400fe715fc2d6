package io.mailtap.capture;

/**
 * A reusable holder for one captured frame. A {@link PacketSource} fills it in place; its buffer
 * is replaced by a larger one only when a frame does not fit, so a steady capture allocates
 * nothing. The bytes are valid until the holder is filled again.
 */
public final class RawFrame {
    /** Largest frame a source will deliver; libpcap's own cap is 256 KiB, this only guards nonsense. */
    public static final int MAX_CAPTURED_LENGTH = 16 * 1024 * 1024;

    /** Frame bytes from index 0; longer than {@link #capturedLength} in general. */
    public byte[] data;
    /** Bytes of the frame present in {@link #data}. */
    public int capturedLength;
    /** Length of the frame on the wire (more than captured when the snaplen cut it). */
    public int wireLength;
    /**
     * Latest packet time a source delivers: 2262-04-11T23:47:16.854775Z, {@code Long.MAX_VALUE}
     * nanoseconds. A file can hold any 64-bit timestamp (pcapng), but microseconds past this
     * overflow where packet time is turned into nanoseconds or has a timeout added, and past 2^63
     * they wrap to year -290308. A later (or wrapped) timestamp is clamped to exactly this value,
     * so a record stamped with it says "the capture's time was out of range"; the decode stage
     * counts such frames ({@code DecodeStats.timestampsClamped}).
     */
    public static final long MAX_TS_MICROS = Long.MAX_VALUE / 1000;
    private static final long MAX_TS_SECONDS = MAX_TS_MICROS / 1_000_000;

    /** Capture time in microseconds since the epoch, at most {@link #MAX_TS_MICROS}. */
    public long tsMicros;

    public RawFrame(int initialCapacity) {
        data = new byte[Math.max(64, Math.min(initialCapacity, MAX_CAPTURED_LENGTH))];
    }

    public RawFrame() {
        this(2048);
    }

    /**
     * Packet time from a capture header's seconds and fraction (microseconds), clamped to
     * [0, {@link #MAX_TS_MICROS}]: a negative seconds field is a 64-bit value that wrapped.
     */
    public static long tsMicros(long seconds, long micros) {
        if (seconds < 0 || seconds > MAX_TS_SECONDS || micros < 0 || micros >= 1_000_000) {
            if (seconds >= 0 && seconds <= MAX_TS_SECONDS) return Math.min(MAX_TS_MICROS, seconds * 1_000_000L);
            return MAX_TS_MICROS;
        }
        long t = seconds * 1_000_000L + micros;
        return t > MAX_TS_MICROS ? MAX_TS_MICROS : t;
    }

    /** Makes {@link #data} hold at least {@code length} bytes (contents are not kept). */
    public void ensureCapacity(int length) {
        if (length > data.length) {
            // Doubling keeps a capture of growing frames from reallocating on each new maximum.
            data = new byte[(int) Math.min(MAX_CAPTURED_LENGTH, Math.max(length, 2L * data.length))];
        }
    }
}
