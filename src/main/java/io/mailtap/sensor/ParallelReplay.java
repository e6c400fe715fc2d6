package io.mailtap.sensor;

import io.mailtap.capture.CaptureException;
import io.mailtap.capture.OfflineSource;
import io.mailtap.capture.PacketSource;
import io.mailtap.capture.RawFrame;
import io.mailtap.decode.FrameDecoder;
import io.mailtap.decode.PacketView;
import io.mailtap.flow.FlowCounter;
import io.mailtap.flow.FlowSettings;
import io.mailtap.smtp.SmtpEventListener;
import io.mailtap.smtp.SmtpSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code mailtap replay --threads N}: one reader (this thread) decodes each frame only to pick its
 * shard by the live sensor's {@link FlowHash}, N {@link ReplayShard} pipelines run decode → flow →
 * smtp on their shares, and {@link EventMerge} puts their events back into single-pipeline order
 * for the consumers, so smtp.jsonl, anomalies.jsonl, the alerts, the summary and the counters are
 * the same bytes as a one-pipeline replay's.
 *
 * <p><b>Limits.</b> One flow table's limits are global: when it is full the least recently active
 * flow of all is evicted, the buffer budget reclaims from the oldest holder of all, the pool of
 * overlap-check buffers is shared. N tables cannot decide those as one would, so each shard gets
 * the full limits (memory may reach N times the configured bounds) and the replay says whether one
 * table might have reached a limit ({@link Result#limitsReached()}): the flows of all shards
 * together above {@code flow.max_flows} (exact, from the merged count), or the shards' peaks of
 * buffered bytes or overlap-check buffers summed above theirs (an upper bound of one table's peak).
 * Then, and only then, the output may differ from {@code --threads 1}.
 */
public final class ParallelReplay {
    private static final Logger LOG = LoggerFactory.getLogger(ParallelReplay.class);
    /** Batches in flight: enough for the shards to run apart by a few batches, 2 MiB of frame buffers at most. */
    private static final int BATCHES = 8;
    /** Event chunks per shard in flight. */
    private static final int CHUNKS = 16;
    public static final int MAX_THREADS = 64;

    /**
     * @param files         as {@link FileReplayer#replay} would report them
     * @param totals        the shards' counters summed (decode counted once, by the reader; the peak of
     *                      tracked flows as one table had it)
     * @param limitsReached the config keys of the limits one flow table might have reached, where the
     *                      output may then differ from a one-pipeline replay; empty when it cannot
     */
    public record Result(List<FileReplayer.Result> files, long packets, PacketPipeline totals, List<String> limitsReached) {}

    /** A shard or the consumer failed; the message is its reason. */
    public static final class Failed extends RuntimeException {
        Failed(Throwable cause) {
            super(String.valueOf(cause.getMessage()), cause);
        }
    }

    /** The first failure of any thread; every wait gives up once it is set. */
    static final class Halt {
        private final AtomicReference<Throwable> cause = new AtomicReference<>();

        void fail(Throwable t) { cause.compareAndSet(null, t); }
        boolean halted() { return cause.get() != null; }
        Throwable cause() { return cause.get(); }
    }

    private final FlowSettings flowSettings;
    private final SmtpSettings smtpSettings;
    private final int threads;

    public ParallelReplay(FlowSettings flowSettings, SmtpSettings smtpSettings, int threads) {
        if (threads < 1 || threads > MAX_THREADS) throw new IllegalArgumentException("threads must be 1.." + MAX_THREADS);
        this.flowSettings = flowSettings;
        this.smtpSettings = smtpSettings;
        this.threads = threads;
    }

    /** Replays {@code files} as one timeline into {@code consumer} (called on one thread, in single-pipeline order). */
    public Result run(List<Path> files, String bpfFilter, SmtpEventListener consumer, ReplayProgress progress) {
        Halt halt = new Halt();
        BlockingQueue<FrameBatch> pool = new ArrayBlockingQueue<>(BATCHES);
        for (int i = 0; i < BATCHES; i++) pool.add(new FrameBatch(pool));
        List<BlockingQueue<FrameBatch>> ins = new ArrayList<>();
        List<BlockingQueue<ShardEvents>> outs = new ArrayList<>(), frees = new ArrayList<>();
        List<ReplayShard> shards = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        for (int s = 0; s < threads; s++) {
            ins.add(new ArrayBlockingQueue<>(BATCHES + 1));
            outs.add(new ArrayBlockingQueue<>(CHUNKS));
            BlockingQueue<ShardEvents> free = new ArrayBlockingQueue<>(CHUNKS);
            for (int i = 0; i < CHUNKS; i++) free.add(new ShardEvents());
            frees.add(free);
            ReplayShard shard = new ReplayShard(s, flowSettings, smtpSettings, ins.get(s), outs.get(s), free, halt);
            shards.add(shard);
            running.add(start(shard, "mailtap-shard-" + s));
        }
        EventMerge merge = new EventMerge(outs, frees, consumer, halt);
        running.add(start(merge, "mailtap-events"));

        PacketPipeline totals = new PacketPipeline(flowSettings, smtpSettings, e -> { });
        Reader reader = new Reader(totals, ins, pool, halt, progress);
        List<FileReplayer.Result> results = new ArrayList<>();
        try {
            long totalBytes = 0;
            for (Path f : files) totalBytes += size(f);
            for (Path f : files) {
                if (halt.halted()) break;
                results.add(reader.read(f, bpfFilter, totalBytes));
            }
            progress.done();
            reader.end();
        } finally {
            if (halt.halted()) reader.abandon();
            for (Thread t : running) join(t);
        }
        if (halt.halted()) throw new Failed(halt.cause());

        for (ReplayShard s : shards) {
            s.flowStats().addTo(totals.flowStats());
            s.smtpStats().addTo(totals.smtpStats());
            totals.addInternalErrors(s.internalErrors());
        }
        var fs = totals.flowStats();
        fs.add(FlowCounter.ACTIVE_PEAK, merge.flowsPeak() - fs.get(FlowCounter.ACTIVE_PEAK)); // one table's peak, not the sum
        totals.addInternalErrors(reader.errors);
        if (reader.lastMicros != Long.MIN_VALUE) totals.advanceTime(reader.lastMicros);
        long packets = results.stream().mapToLong(FileReplayer.Result::packets).sum(); // as Replay counts them
        return new Result(results, packets, totals, limitsReached(shards, merge.flowsPeak()));
    }

    private List<String> limitsReached(List<ReplayShard> shards, long flowsPeak) {
        List<String> keys = new ArrayList<>();
        long buffered = 0, overlap = 0, evicted = 0;
        for (ReplayShard s : shards) {
            buffered += s.flowTable().bufferedBytesPeak();
            overlap += s.flowTable().overlapBuffersPeak();
            evicted += s.flowStats().get(FlowCounter.EVICTED);
        }
        if (flowsPeak > flowSettings.maxFlows() || evicted > 0) keys.add("flow.max_flows");
        if (buffered > flowSettings.maxBufferedBytesTotal()) keys.add("flow.max_buffered_bytes_total");
        if (overlap > flowSettings.overlapCheckBuffers()) keys.add("flow.max_overlap_check_buffers");
        if (!keys.isEmpty()) {
            LOG.warn("parallel replay: one flow table might have reached {}: the output may differ from --threads 1 there", keys);
        }
        return List.copyOf(keys);
    }

    /** The reading side: fills batches, picks each frame's shard, hands every batch to every shard. */
    private static final class Reader {
        private final FrameDecoder decoder;
        private final PacketView view = new PacketView();
        private final List<BlockingQueue<FrameBatch>> ins;
        private final BlockingQueue<FrameBatch> pool;
        private final Halt halt;
        private final ReplayProgress progress;
        private final int shards;
        private FrameBatch batch;
        /** Frames read so far: the index of the next one. */
        long frames;
        long errors;
        long lastMicros = Long.MIN_VALUE;
        private long bytesBefore;

        Reader(PacketPipeline totals, List<BlockingQueue<FrameBatch>> ins, BlockingQueue<FrameBatch> pool, Halt halt,
               ReplayProgress progress) {
            this.decoder = new FrameDecoder(totals.decodeStats()); // every frame decoded once: the one-pipeline counts
            this.ins = ins;
            this.pool = pool;
            this.halt = halt;
            this.progress = progress;
            this.shards = ins.size();
        }

        /** As {@link FileReplayer#replay(Path, String, PacketPipeline, FileReplayer.Position, java.util.function.BooleanSupplier)}. */
        FileReplayer.Result read(Path file, String bpfFilter, long totalBytes) {
            long before = frames;
            try (PacketSource source = OfflineSource.open(file, bpfFilter)) {
                int linkType = source.linkType();
                FileReplayer.Position position = (n, b) -> progress.update(before + n, bytesBefore + b, totalBytes);
                boolean pcapng = position.pcapng(file);
                long bytes = 0;
                int sinceUpdate = 0;
                while (!halt.halted()) {
                    if (batch == null) {
                        if ((batch = take(pool, halt)) == null) break;
                        batch.first = frames;
                    }
                    int i = batch.size;
                    RawFrame f = batch.frames[i];
                    if (source.read(f) != PacketSource.PACKET) break;
                    batch.linkType[i] = linkType;
                    batch.shard[i] = shardOf(linkType, f);
                    batch.size = i + 1;
                    frames++;
                    if (f.tsMicros > lastMicros) lastMicros = f.tsMicros;
                    bytes += pcapng ? 32 + ((f.capturedLength + 3) & ~3) : 16 + f.capturedLength;
                    if (batch.full()) publish(); // f belongs to the shards from here
                    if (++sinceUpdate == ReplayProgress.EVERY_PACKETS) {
                        sinceUpdate = 0;
                        position.at(source.packetsRead(), bytes);
                    }
                }
                position.at(source.packetsRead(), bytes);
                bytesBefore += size(file);
                CaptureException err = source.error();
                return new FileReplayer.Result(file, source.packetsRead(), err == null ? null : err.getMessage());
            } catch (CaptureException e) {
                bytesBefore += size(file);
                return new FileReplayer.Result(file, 0, e.getMessage());
            }
        }

        private byte shardOf(int linkType, RawFrame f) {
            try {
                if (decoder.decode(linkType, f.data, f.capturedLength, f.wireLength, f.tsMicros, view)) {
                    return (byte) FlowHash.shard(view, shards);
                }
            } catch (RuntimeException e) {
                if (errors++ < 10) LOG.error("a frame failed in the decoder (packet time {} µs); counted, going on", f.tsMicros, e);
            }
            return FrameBatch.NO_SHARD;
        }

        private void publish() {
            FrameBatch b = batch;
            batch = null;
            b.share(shards);
            for (BlockingQueue<FrameBatch> in : ins) {
                if (!put(in, b, halt)) return;
            }
        }

        /** The last frames, then the end of input. */
        void end() {
            if (batch != null && batch.size > 0) publish();
            if (batch == null && (batch = take(pool, halt)) == null) return;
            batch.end = true;
            publish();
        }

        /** Halted: the shards stop on their own; nothing more is handed over. */
        void abandon() { batch = null; }
    }

    private static Thread start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** Waits for an element; null once the replay is halted. */
    static <T> T take(BlockingQueue<T> q, Halt halt) {
        try {
            while (true) {
                T x = q.poll(10, TimeUnit.MILLISECONDS);
                if (x != null) return x;
                if (halt.halted()) return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            halt.fail(e);
            return null;
        }
    }

    /** Waits for room; false once the replay is halted. */
    static <T> boolean put(BlockingQueue<T> q, T x, Halt halt) {
        try {
            while (!q.offer(x, 10, TimeUnit.MILLISECONDS)) {
                if (halt.halted()) return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            halt.fail(e);
            return false;
        }
    }
}
