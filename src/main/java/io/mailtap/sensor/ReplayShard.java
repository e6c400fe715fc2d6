package io.mailtap.sensor;

import io.mailtap.capture.RawFrame;
import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.FrameDecoder;
import io.mailtap.decode.PacketView;
import io.mailtap.flow.EndReason;
import io.mailtap.flow.Flow;
import io.mailtap.flow.FlowListener;
import io.mailtap.flow.FlowSettings;
import io.mailtap.flow.FlowStats;
import io.mailtap.flow.FlowTable;
import io.mailtap.flow.ShardOrder;
import io.mailtap.stream.ConnectionRouter;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;
import io.mailtap.smtp.SmtpSettings;
import io.mailtap.smtp.SmtpStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.BlockingQueue;

/**
 * One pipeline of a parallel replay: decode → flow → smtp over the flows whose
 * {@link FlowHash#shard} is its own, on its own thread. It walks every {@link FrameBatch}: each
 * frame's time moves its packet clock exactly as in {@link PacketPipeline#onFrame} (so a flow of
 * this shard times out at the same frame as in one pipeline), its own frames are processed. Every
 * event leaves keyed with the frame that caused it and the flow table's {@link ShardOrder} key, in
 * {@link ShardEvents} chunks, for {@link EventMerge}. Flows entering and leaving the table are sent
 * as count changes so the merged peak of tracked flows is the single table's.
 *
 * <p>Each shard gets the full flow limits (max flows, buffer budget, overlap-check buffers): a
 * shard then reaches a limit only where one table would have, and {@link ParallelReplay} reports
 * where a single table might have reached one that no shard did.
 */
final class ReplayShard implements Runnable, SmtpEventListener, ShardOrder {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayShard.class);

    private final int id;
    private final BlockingQueue<FrameBatch> in;
    private final BlockingQueue<ShardEvents> out;
    private final BlockingQueue<ShardEvents> free;
    private final ParallelReplay.Halt halt;
    private final FrameDecoder decoder = new FrameDecoder(new DecodeStats()); // the reader counts decoding
    private final PacketView view = new PacketView();
    private final FlowStats flowStats = new FlowStats();
    private final SmtpStats smtpStats = new SmtpStats();
    private final FlowTable flows;

    private ShardEvents chunk;
    private long keyFrame;
    private int keyKind;
    private long keyA, keyB;
    private long nowMicros = Long.MIN_VALUE;
    private long internalErrors;

    ReplayShard(int id, FlowSettings flowSettings, SmtpSettings smtpSettings, BlockingQueue<FrameBatch> in,
                BlockingQueue<ShardEvents> out, BlockingQueue<ShardEvents> free, ParallelReplay.Halt halt) {
        this.id = id;
        this.in = in;
        this.out = out;
        this.free = free;
        this.halt = halt;
        ConnectionRouter smtp = PacketPipeline.smtpRouter(flowSettings, smtpSettings, smtpStats, this);
        this.flows = new FlowTable(flowSettings, new Counted(smtp), flowStats);
        this.flows.order(this);
    }

    @Override
    public void run() {
        try {
            if ((chunk = ParallelReplay.take(free, halt)) == null) return;
            while (true) {
                FrameBatch batch = ParallelReplay.take(in, halt);
                if (batch == null) return;
                if (batch.end) {
                    batch.release();
                    break;
                }
                long next = batch.first + batch.size; // read before the release: the batch is then refilled
                try {
                    for (int i = 0; i < batch.size; i++) onFrame(batch, i);
                } finally {
                    batch.release();
                }
                if (chunk == null) return; // halted
                chunk.watermark(next, ShardOrder.ACK_WAIT, Long.MIN_VALUE, Long.MIN_VALUE);
                if (!send()) return;
            }
            keyFrame = Long.MAX_VALUE;
            keyKind = ShardEvents.FLUSH;
            keyA = keyB = Long.MIN_VALUE;
            try {
                flows.flushAll(nowMicros == Long.MIN_VALUE ? 0 : nowMicros);
            } catch (RuntimeException e) {
                internalErrors++;
                LOG.error("shard {}: flushing the flows at the end failed; counted, going on", id, e);
            }
            if (chunk == null) return;
            chunk.last = true;
            send();
        } catch (Throwable t) {
            halt.fail(t);
        }
    }

    /** As {@link PacketPipeline#onFrame}, for every frame; only this shard's frames are decoded. */
    private void onFrame(FrameBatch batch, int i) {
        RawFrame f = batch.frames[i];
        long index = batch.first + i;
        long ts = f.tsMicros;
        keyFrame = index;
        flows.frame(index);
        try {
            if (ts > nowMicros) {
                nowMicros = ts;
                keyKind = ShardOrder.ACK_WAIT;
                keyA = keyB = 0;
                flows.advanceTime(ts);
            }
            if (batch.shard[i] != id) return;
            keyKind = ShardEvents.PACKET;
            keyA = keyB = 0;
            if (decoder.decode(batch.linkType[i], f.data, f.capturedLength, f.wireLength, ts, view)) flows.onPacket(view);
        } catch (RuntimeException e) {
            if (internalErrors++ < 10) LOG.error("a frame failed in shard {} (packet time {} µs); counted, going on", id, ts, e);
        }
    }

    @Override
    public void timer(int kind, long frame) {
        keyKind = kind;
        keyA = frame;
        keyB = 0;
    }

    @Override
    public void flush(long lastMicros, int list, long frame) {
        keyKind = ShardEvents.FLUSH;
        keyA = lastMicros;
        keyB = (long) list << 56 | frame;
    }

    @Override
    public void onEvent(SmtpEvent event) {
        add(event, 0);
    }

    /**
     * Once the replay is halted there is no chunk and events are discarded (the stages above
     * swallow what a listener throws, so throwing would not stop them); the loop stops at the
     * end of the batch.
     */
    private void add(SmtpEvent event, int delta) {
        if (chunk == null) return;
        if (chunk.full()) {
            chunk.watermark(keyFrame, keyKind, keyA, keyB); // this entry's key: nothing later sorts before it
            if (!send()) return;
        }
        chunk.add(event, delta, keyFrame, keyKind, keyA, keyB);
    }

    /** Hands the chunk to the merge and takes an empty one; false (and no chunk) once the replay is halted. */
    private boolean send() {
        boolean last = chunk.last;
        if (!ParallelReplay.put(out, chunk, halt)) {
            chunk = null;
            return false;
        }
        chunk = last ? null : ParallelReplay.take(free, halt);
        return last || chunk != null;
    }

    long internalErrors() { return internalErrors; }
    FlowStats flowStats() { return flowStats; }
    SmtpStats smtpStats() { return smtpStats; }
    FlowTable flowTable() { return flows; }

    /** Passes everything to the analyzer and tells the merge when a flow enters or leaves the table. */
    private final class Counted implements FlowListener {
        private final FlowListener next;

        Counted(FlowListener next) { this.next = next; }

        @Override
        public void onFlowStart(Flow flow, long tsMicros) {
            add(null, +1);
            next.onFlowStart(flow, tsMicros);
        }

        @Override
        public void onEstablished(Flow flow, long tsMicros) { next.onEstablished(flow, tsMicros); }

        @Override
        public void onData(Flow flow, boolean fromClient, byte[] data, int offset, int length, long tsMicros) {
            next.onData(flow, fromClient, data, offset, length, tsMicros);
        }

        @Override
        public void onGap(Flow flow, boolean fromClient, long bytes, long tsMicros) {
            next.onGap(flow, fromClient, bytes, tsMicros);
        }

        @Override
        public void onReplaced(Flow flow, boolean fromClient, long bytes, long tsMicros) {
            next.onReplaced(flow, fromClient, bytes, tsMicros);
        }

        @Override
        public void onFlowEnd(Flow flow, EndReason reason, long tsMicros) {
            next.onFlowEnd(flow, reason, tsMicros);
            add(null, -1);
        }
    }
}
