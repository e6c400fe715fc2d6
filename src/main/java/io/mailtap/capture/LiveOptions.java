package io.mailtap.capture;

import java.util.Objects;

/**
 * How to open a live capture. The defaults suit a sensor on a mirror port: whole frames (GRO
 * super-frames reach 64 KiB), promiscuous, a large kernel buffer, immediate mode off (on, libpcap
 * falls back from TPACKET_V3 to V2 and far fewer packets fit in the buffer) and a short timeout.
 *
 * @param interfaceName     interface to capture on; {@code any} captures on all (Linux cooked frames)
 * @param snaplen           bytes kept per frame, 1..262144; below ~128 TCP headers may be cut
 * @param promiscuous       receive frames not addressed to this host (needed on a mirror port)
 * @param bufferSizeBytes   kernel capture buffer; 0 keeps libpcap's default (2 MiB on Linux)
 * @param immediateMode     deliver each packet at once instead of in blocks
 * @param readTimeoutMillis how long libpcap holds a partly filled block, 1..60000; it is not an
 *                          idle timeout (an idle interface still blocks: use breakLoop)
 * @param bpfFilter         BPF expression, or null for everything
 */
public record LiveOptions(String interfaceName, int snaplen, boolean promiscuous, int bufferSizeBytes,
                          boolean immediateMode, int readTimeoutMillis, String bpfFilter) {
    public static final int DEFAULT_SNAPLEN = 262_144;
    public static final int DEFAULT_BUFFER_SIZE = 32 * 1024 * 1024;
    public static final int DEFAULT_READ_TIMEOUT_MILLIS = 50;

    public LiveOptions {
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (interfaceName.isBlank()) throw new IllegalArgumentException("interface name is blank");
        if (snaplen < 1 || snaplen > DEFAULT_SNAPLEN) {
            throw new IllegalArgumentException("snaplen must be 1.." + DEFAULT_SNAPLEN + ": " + snaplen);
        }
        if (bufferSizeBytes < 0) throw new IllegalArgumentException("buffer size must be >= 0: " + bufferSizeBytes);
        if (readTimeoutMillis < 1 || readTimeoutMillis > 60_000) {
            throw new IllegalArgumentException("read timeout must be 1..60000 ms: " + readTimeoutMillis);
        }
    }

    public static LiveOptions defaults(String interfaceName) {
        return new LiveOptions(interfaceName, DEFAULT_SNAPLEN, true, DEFAULT_BUFFER_SIZE, false,
                DEFAULT_READ_TIMEOUT_MILLIS, null);
    }

    public LiveOptions withSnaplen(int value) {
        return new LiveOptions(interfaceName, value, promiscuous, bufferSizeBytes, immediateMode, readTimeoutMillis, bpfFilter);
    }

    public LiveOptions withPromiscuous(boolean value) {
        return new LiveOptions(interfaceName, snaplen, value, bufferSizeBytes, immediateMode, readTimeoutMillis, bpfFilter);
    }

    public LiveOptions withBufferSizeBytes(int value) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, value, immediateMode, readTimeoutMillis, bpfFilter);
    }

    public LiveOptions withImmediateMode(boolean value) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferSizeBytes, value, readTimeoutMillis, bpfFilter);
    }

    public LiveOptions withReadTimeoutMillis(int value) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferSizeBytes, immediateMode, value, bpfFilter);
    }

    public LiveOptions withBpfFilter(String value) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferSizeBytes, immediateMode, readTimeoutMillis, value);
    }
}
