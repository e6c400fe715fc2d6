package io.mailtap.capture;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code capture.threads} live handles on one interface that share its traffic through one
 * {@code PACKET_FANOUT} group ({@link PacketFanout}): each packet reaches exactly one handle, and
 * both directions of a connection the same one, so each handle can feed its own capture thread
 * and workers with no cross-talk.
 *
 * <p>A handle receives the whole wire from its activation until it joins the group, and libpcap
 * activates before we can join. Those frames are duplicates of what the group delivers, so once
 * every handle has joined, each handle drops the frames stamped before that moment (Suricata's
 * AF_PACKET start synchronisation); the sensor's capture starts then.
 *
 * @param sources the open handles, index = handle number (the {@code handle} metric label)
 * @param groupId the fanout group they are in, or -1 for a single handle (no group)
 */
public record CaptureGroup(List<LiveSource> sources, int groupId) implements AutoCloseable {
    public static final int MAX_HANDLES = 64;

    public CaptureGroup {
        sources = List.copyOf(sources);
    }

    /**
     * Opens {@code handles} handles with {@code options}. One handle is opened exactly as
     * {@link LiveSource#open} does, in no group.
     *
     * @param groupId the fanout group id (1..65535), or {@link PacketFanout#AUTO}
     * @throws CaptureException as {@link LiveSource#open}, or the group could not be joined; the
     *                          handles opened so far are closed
     */
    public static CaptureGroup open(LiveOptions options, int handles, int groupId) throws CaptureException {
        if (handles < 1 || handles > MAX_HANDLES) throw new IllegalArgumentException("handles must be 1.." + MAX_HANDLES + ": " + handles);
        if (handles == 1) return new CaptureGroup(List.of(LiveSource.open(options)), -1);
        List<LiveSource> opened = new ArrayList<>(handles);
        try {
            int id = groupId;
            for (int i = 0; i < handles; i++) {
                LiveSource s = LiveSource.open(options);
                opened.add(s);
                id = s.joinFanout(id, i == 0); // the first join fixes the id (AUTO: the kernel's, maybe 0), the others follow it
            }
            long start = nowMicros();
            // Pre-join frames sit in ring blocks the kernel retires within the read timeout; past
            // that (and a margin) a frame older than the start means the clock stepped back.
            long bound = TimeUnit.MILLISECONDS.toNanos(2L * options.readTimeoutMillis() + 1000);
            for (LiveSource s : opened) s.discardBefore(start, bound);
            return new CaptureGroup(opened, id);
        } catch (CaptureException | RuntimeException e) {
            for (LiveSource s : opened) s.close();
            throw e;
        }
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    public int size() { return sources.size(); }

    public LiveSource source(int handle) { return sources.get(handle); }

    /** Closes every handle; from the capture threads normally (each closes its own), this is for setup failures. */
    @Override
    public void close() {
        for (LiveSource s : sources) s.close();
    }
}
