package io.mailtap.flow;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A FlowListener that records everything and enforces the listener contract on every call: start
 * first, established at most once, nothing after the end, exactly one end, positive lengths.
 */
final class Recorder implements FlowListener {
    /** One direction as the listener saw it: data at stream offsets, and the gaps between. */
    static final class Side {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        /** Stream offset (data plus gaps so far) of every delivered byte run, and the bytes. */
        final List<long[]> runs = new ArrayList<>();
        final List<byte[]> runBytes = new ArrayList<>();
        long position;
        long replaced;
        long gapBytes;
        int gaps;
        /** Whether every onData passed the array it was given (no copy), per call. */
        final List<byte[]> arrays = new ArrayList<>();

        String text() { return data.toString(StandardCharsets.ISO_8859_1); }
    }

    static final class Record {
        /** flow.synSeen() as the listener saw it in onFlowStart. */
        boolean synSeenAtStart;
        final Flow flow;
        final Side client = new Side(), server = new Side();
        int established;
        EndReason end;
        long endMicros;

        Record(Flow flow) { this.flow = flow; }

        Side side(boolean fromClient) { return fromClient ? client : server; }
    }

    final List<String> log = new ArrayList<>();
    final List<Record> flows = new ArrayList<>();
    private final Map<Flow, Record> byFlow = new IdentityHashMap<>();

    Record only() {
        if (flows.size() != 1) throw new AssertionError("expected one flow, got " + flows.size() + ": " + log);
        return flows.get(0);
    }

    Record last() { return flows.get(flows.size() - 1); }

    Record of(Flow f) { return byFlow.get(f); }

    private Record live(Flow f, String call) {
        Record r = byFlow.get(f);
        if (r == null) throw new AssertionError(call + " before onFlowStart");
        if (r.end != null) throw new AssertionError(call + " after onFlowEnd");
        return r;
    }

    @Override
    public void onFlowStart(Flow flow, long tsMicros) {
        if (byFlow.containsKey(flow)) throw new AssertionError("onFlowStart twice");
        if (flow.connection() == null) throw new AssertionError("no connection at start");
        Record r = new Record(flow);
        r.synSeenAtStart = flow.synSeen();
        byFlow.put(flow, r);
        flows.add(r);
        log.add("start");
    }

    @Override
    public void onEstablished(Flow flow, long tsMicros) {
        Record r = live(flow, "onEstablished");
        if (++r.established > 1) throw new AssertionError("onEstablished twice");
        log.add("established");
    }

    @Override
    public void onData(Flow flow, boolean fromClient, byte[] data, int offset, int length, long tsMicros) {
        Record r = live(flow, "onData");
        if (length <= 0) throw new AssertionError("empty onData");
        Side s = r.side(fromClient);
        s.data.write(data, offset, length);
        byte[] copy = java.util.Arrays.copyOfRange(data, offset, offset + length);
        s.runs.add(new long[] {s.position, length});
        s.runBytes.add(copy);
        s.arrays.add(data);
        s.position += length;
        log.add("data " + (fromClient ? "c " : "s ") + new String(copy, StandardCharsets.ISO_8859_1));
    }

    @Override
    public void onGap(Flow flow, boolean fromClient, long bytes, long tsMicros) {
        Record r = live(flow, "onGap");
        if (bytes <= 0) throw new AssertionError("empty onGap");
        Side s = r.side(fromClient);
        s.gapBytes += bytes;
        s.gaps++;
        s.position += bytes;
        log.add("gap " + (fromClient ? "c " : "s ") + bytes);
    }

    @Override
    public void onReplaced(Flow flow, boolean fromClient, long bytes, long tsMicros) {
        Record r = live(flow, "onReplaced");
        if (bytes <= 0) throw new AssertionError("empty onReplaced");
        Side s = r.side(fromClient);
        byte[] kept = s.data.toByteArray();
        s.data.reset();
        s.data.write(kept, 0, (int) Math.max(0, kept.length - bytes));
        s.position -= bytes;
        s.replaced += bytes;
        log.add("replaced " + (fromClient ? "c " : "s ") + bytes);
    }

    @Override
    public void onFlowEnd(Flow flow, EndReason reason, long tsMicros) {
        Record r = live(flow, "onFlowEnd");
        r.end = reason;
        r.endMicros = tsMicros;
        log.add("end " + reason);
    }
}
