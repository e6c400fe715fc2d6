package io.mailtap.sensor;

import io.mailtap.smtp.SmtpEventListener;

import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * The consumer side of a parallel replay: merges the shards' keyed event streams back into the
 * order one pipeline would have made them and hands the events to the consumers (logs, detection,
 * summary) on this one thread. Each shard's stream is sorted by key and unique keys never repeat
 * across shards (a frame's own work belongs to one shard; a timer or flush key names one flow or
 * wait), so the merge is exact: an entry goes out once no other shard can still produce a smaller
 * key, which each shard's chunk watermark bounds. Also replays the flow-count changes to find the
 * peak of tracked flows one table would have had.
 */
final class EventMerge implements Runnable {
    private final List<BlockingQueue<ShardEvents>> outs;
    private final List<BlockingQueue<ShardEvents>> frees;
    private final SmtpEventListener consumer;
    private final ParallelReplay.Halt halt;
    private long flows;
    private long flowsPeak;

    EventMerge(List<BlockingQueue<ShardEvents>> outs, List<BlockingQueue<ShardEvents>> frees, SmtpEventListener consumer,
               ParallelReplay.Halt halt) {
        this.outs = outs;
        this.frees = frees;
        this.consumer = consumer;
        this.halt = halt;
    }

    @Override
    public void run() {
        try {
            merge();
        } catch (Throwable t) {
            halt.fail(t);
        }
    }

    private void merge() {
        int n = outs.size();
        ShardEvents[] cur = new ShardEvents[n];
        int[] pos = new int[n];
        boolean[] ended = new boolean[n];
        for (int s = 0; s < n; s++) {
            if ((cur[s] = ParallelReplay.take(outs.get(s), halt)) == null) return;
        }
        while (true) {
            int best = -1;
            boolean bestEntry = false;
            for (int s = 0; s < n; s++) {
                if (ended[s]) continue;
                ShardEvents c = cur[s];
                boolean entry = pos[s] < c.size;
                if (!entry && c.last) {
                    ended[s] = true;
                    recycle(s, c);
                    continue;
                }
                if (best < 0 || before(c, pos[s], entry, cur[best], pos[best], bestEntry)) {
                    best = s;
                    bestEntry = entry;
                }
            }
            if (best < 0) return; // every shard has finished
            ShardEvents c = cur[best];
            if (bestEntry) {
                int i = pos[best]++;
                if (c.flowDelta[i] == 0) {
                    consumer.onEvent(c.events[i]);
                } else if ((flows += c.flowDelta[i]) > flowsPeak) {
                    flowsPeak = flows;
                }
            } else {
                // The smallest bound is this shard's watermark: only its next chunk can tell more.
                recycle(best, c);
                if ((cur[best] = ParallelReplay.take(outs.get(best), halt)) == null) return;
                pos[best] = 0;
            }
        }
    }

    /** Whether x's next (entry or, without one, watermark) sorts strictly before y's; on a tie an entry goes first. */
    private static boolean before(ShardEvents x, int i, boolean xEntry, ShardEvents y, int j, boolean yEntry) {
        int c = ShardEvents.compare(
                xEntry ? x.frame[i] : x.wmFrame, xEntry ? x.kind[i] : x.wmKind, xEntry ? x.a[i] : x.wmA, xEntry ? x.b[i] : x.wmB,
                yEntry ? y.frame[j] : y.wmFrame, yEntry ? y.kind[j] : y.wmKind, yEntry ? y.a[j] : y.wmA, yEntry ? y.b[j] : y.wmB);
        return c < 0 || (c == 0 && xEntry && !yEntry);
    }

    private void recycle(int shard, ShardEvents c) {
        c.clear();
        frees.get(shard).offer(c); // the free queue has room for every chunk of its shard
    }

    /** Most flows all shards tracked at once, in the merged (single-table) order. */
    long flowsPeak() { return flowsPeak; }
}
