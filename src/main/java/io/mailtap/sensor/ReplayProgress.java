package io.mailtap.sensor;

/**
 * Told how far a replay has read, every {@link #EVERY_PACKETS} packets and at the end of each
 * file (the printing side decides whether and how often to show it). Called on the reading thread.
 */
public interface ReplayProgress {
    /** Packets between two updates: a counter test per packet, nothing more, on the hot path. */
    int EVERY_PACKETS = 4096;

    ReplayProgress NONE = new ReplayProgress() {
        @Override public void update(long packets, long bytesRead, long totalBytes) { }
        @Override public void done() { }
    };

    /**
     * @param packets    read so far over all files
     * @param bytesRead  bytes of the files consumed so far, estimated from the record sizes of the
     *                   file format (exact for pcap, close for pcapng)
     * @param totalBytes the size of all files together
     */
    void update(long packets, long bytesRead, long totalBytes);

    /** The last file is read. */
    void done();
}
