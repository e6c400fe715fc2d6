package io.mailtap.flow;

/**
 * Intrusive doubly linked list of flows sharing one timeout, most recently active first. Since a
 * flow moves to the front on every packet and packet time never runs backwards in the table,
 * the list is sorted by last activity: expiry only ever looks at the tail, and stops at the first
 * flow that is still young.
 */
final class LruList {
    final long timeoutMicros;
    Flow head, tail;

    LruList(long timeoutMicros) { this.timeoutMicros = timeoutMicros; }

    void addFirst(Flow f) {
        f.lru = this;
        f.lruPrev = null;
        f.lruNext = head;
        if (head != null) head.lruPrev = f; else tail = f;
        head = f;
    }

    void remove(Flow f) {
        if (f.lruPrev != null) f.lruPrev.lruNext = f.lruNext; else head = f.lruNext;
        if (f.lruNext != null) f.lruNext.lruPrev = f.lruPrev; else tail = f.lruPrev;
        f.lruPrev = f.lruNext = null;
        f.lru = null;
    }

    void moveToFront(Flow f) {
        if (head == f) return;
        remove(f);
        addFirst(f);
    }

    /** Packet time at which the oldest flow expires; Long.MAX_VALUE when empty. */
    long nextDeadline() {
        return tail == null ? Long.MAX_VALUE : saturatedAdd(tail.lastMicros, timeoutMicros);
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        // Overflow only when both operands have the same sign and the result's sign differs.
        if (((a ^ r) & (b ^ r)) < 0) return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        return r;
    }
}
