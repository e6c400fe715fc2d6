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
    /** Capture time in microseconds since the epoch. */
    public long tsMicros;

    public RawFrame(int initialCapacity) {
        data = new byte[Math.max(64, Math.min(initialCapacity, MAX_CAPTURED_LENGTH))];
    }

    public RawFrame() {
        this(2048);
    }

    /** Makes {@link #data} hold at least {@code length} bytes (contents are not kept). */
    public void ensureCapacity(int length) {
        if (length > data.length) {
            // Doubling keeps a capture of growing frames from reallocating on each new maximum.
            data = new byte[(int) Math.min(MAX_CAPTURED_LENGTH, Math.max(length, 2L * data.length))];
        }
    }
}
