package io.mailtap.sensor;

import io.mailtap.capture.CaptureException;
import io.mailtap.capture.PacketSource;

import java.util.ArrayList;
import java.util.List;

/**
 * The capture handles of one live run, as the opener returned them, with one set of counters per
 * handle. A fanout group ({@code capture.threads} N) is N handles; the counters are per handle so
 * {@code mailtap_capture_*} can say which handle dropped.
 */
final class LiveCapture {
    /** One handle, or the handles of one PACKET_FANOUT group, in handle order. */
    final List<PacketSource> sources;
    /** The PACKET_FANOUT group id, or -1 for a single handle. */
    final int fanoutGroup;
    /** The BPF filter in use, or null. */
    final String filter;
    /** One per handle, same order as {@link #sources}. */
    final List<SensorMetrics.CaptureCounters> counters;

    private LiveCapture(CaptureOpener.Opened opened) {
        this.sources = opened.sources();
        this.fanoutGroup = opened.fanoutGroup();
        this.filter = opened.filter();
        List<SensorMetrics.CaptureCounters> c = new ArrayList<>(sources.size());
        for (int h = 0; h < sources.size(); h++) c.add(new SensorMetrics.CaptureCounters());
        this.counters = List.copyOf(c);
    }

    /** Opens the capture; an error names the interface and, where it can, the fix. */
    static LiveCapture open(CaptureOpener opener, String iface) throws SensorException {
        try {
            return new LiveCapture(opener.open());
        } catch (CaptureException e) {
            throw SensorException.capture(iface, e);
        }
    }

    int linkType() { return sources.get(0).linkType(); }

    /** Closes every handle (a start that failed before the capture agents owned them). */
    void close() {
        for (PacketSource src : sources) src.close();
    }
}
