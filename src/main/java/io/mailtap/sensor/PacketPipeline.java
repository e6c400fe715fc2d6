package io.mailtap.sensor;

import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.FrameDecoder;
import io.mailtap.decode.PacketView;
import io.mailtap.flow.FlowSettings;
import io.mailtap.flow.FlowStats;
import io.mailtap.flow.FlowTable;
import io.mailtap.smtp.SmtpConversations;
import io.mailtap.smtp.SmtpEventListener;
import io.mailtap.smtp.SmtpSettings;
import io.mailtap.smtp.SmtpStats;
import io.mailtap.stream.ConnectionRouter;

/**
 * decode → flow → stream → smtp for one thread: a replay runs one, a live sensor one per worker (each owns
 * a disjoint shard of the flows). Not thread-safe by design; its stats are read racily by metrics.
 */
public final class PacketPipeline {
    private final DecodeStats decodeStats = new DecodeStats();
    private final FlowStats flowStats = new FlowStats();
    private final SmtpStats smtpStats = new SmtpStats();
    private final FrameDecoder decoder = new FrameDecoder(decodeStats);
    private final PacketView view = new PacketView();
    private final FlowTable flows;
    private long nowMicros = Long.MIN_VALUE;
    private long internalErrors;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PacketPipeline.class);

    public PacketPipeline(FlowSettings flowSettings, SmtpSettings smtpSettings, SmtpEventListener events) {
        this.flows = new FlowTable(flowSettings, smtpRouter(flowSettings, smtpSettings, smtpStats, events), flowStats);
    }

    /** What sits on a flow table: the connection router with SMTP behind it (also a parallel replay's shards). */
    static ConnectionRouter smtpRouter(FlowSettings flowSettings, SmtpSettings smtpSettings, SmtpStats stats,
                                       SmtpEventListener events) {
        return new ConnectionRouter(new SmtpConversations(smtpSettings, stats, events), flowSettings::isSmtpPort);
    }

    /**
     * One captured frame. {@code frame} is only read during the call. The stages never throw on
     * any input (they are fuzzed for it); should one still fail, that frame is counted and logged
     * and the pipeline goes on, in a replay as in the live sensor.
     */
    public void onFrame(int linkType, byte[] frame, int capturedLength, int wireLength, long tsMicros) {
        onFrame(linkType, frame, 0, capturedLength, wireLength, tsMicros);
    }

    /** As above, for a frame at {@code offset} inside {@code buffer} (a ring's arena: no copy first). */
    public void onFrame(int linkType, byte[] buffer, int offset, int capturedLength, int wireLength, long tsMicros) {
        try {
            advanceTime(tsMicros);
            if (decoder.decode(linkType, buffer, offset, capturedLength, wireLength, tsMicros, view)) {
                flows.onPacket(view);
            }
        } catch (RuntimeException e) {
            if (internalErrors++ < 10) LOG.error("a frame failed in the pipeline (packet time {} µs); counted, going on", tsMicros, e);
        }
    }

    /** Frames a stage failed on (a bug, never the input's fault): reported by replay and in the logs. */
    public long internalErrors() { return internalErrors; }

    /** Counts frames other pipelines failed on into this one (a parallel replay's totals). */
    void addInternalErrors(long n) { internalErrors += n; }

    /**
     * Moves packet time forward (never back: files of one replay or packets of different
     * interfaces can be slightly out of order) so idle flows expire even when no packet of theirs
     * arrives. The live sensor calls it from its heartbeat when the wire is quiet.
     */
    public void advanceTime(long tsMicros) {
        if (tsMicros > nowMicros) {
            nowMicros = tsMicros;
            flows.advanceTime(tsMicros);
        }
    }

    /** End of input: every flow is flushed and ended. */
    public void finish() {
        flows.flushAll(nowMicros == Long.MIN_VALUE ? 0 : nowMicros);
    }

    public long nowMicros() { return nowMicros; }
    public int activeFlows() { return flows.activeFlows(); }
    public DecodeStats decodeStats() { return decodeStats; }
    public FlowStats flowStats() { return flowStats; }
    public SmtpStats smtpStats() { return smtpStats; }
}
