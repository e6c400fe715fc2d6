package io.mailtap.flow;

/**
 * The keys one flow table orders its deferred work by, told to the owner of a table that holds
 * only a shard of a capture's flows (a parallel replay), so that the events of several shards can
 * be merged back into exactly the order a single table would have made them.
 *
 * <p>At each tick a single table first ends the ack waits that are due, in the order they began,
 * then expires the attempting, the established and the closed flows, each list least recently
 * touched first. Both orders are orders of frame indices ({@link FlowTable#frame}): the frame that
 * began the wait, the frame that last touched the flow. At the end of input it flushes the flows by
 * last packet time, on a tie closed before attempting before established, then by last touch.
 * Work for the current packet's own flow happens after all of these and is not announced. Every
 * event the table causes after a call belongs to the piece of work the call announced.
 */
public interface ShardOrder {
    /** Timer work, in the order a table does it at one tick. */
    int ACK_WAIT = 0, ATTEMPT_TIMEOUT = 1, IDLE_TIMEOUT = 2, CLOSED_TIMEOUT = 3;

    /**
     * A piece of timer work at the current tick.
     *
     * @param kind  one of {@link #ACK_WAIT} … {@link #CLOSED_TIMEOUT}
     * @param frame the frame the wait began at, or the frame that last touched the flow
     */
    void timer(int kind, long frame);

    /**
     * End of input: a flow is flushed and ended.
     *
     * @param list 0 closed, 1 attempting, 2 established (the table's tie-break between lists)
     */
    void flush(long lastMicros, int list, long frame);
}
