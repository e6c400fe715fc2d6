package io.mailtap.smtp;

import java.util.function.Supplier;

/**
 * A bounded stack of spare working objects. Sessions take one when bytes arrive and give it back
 * when it holds nothing they still need, so a million idle connections hold no buffers, and a busy
 * thread recycles the same few objects instead of allocating. When the stack is empty a new object
 * is made; when it is full a returned one is left to the garbage collector, so a burst never pins
 * memory. Not thread-safe: one per analyzer, which runs on one thread.
 */
final class FreeList<T> {
    private final Object[] spare;
    private final Supplier<T> make;
    private int count;

    FreeList(int capacity, Supplier<T> make) {
        this.spare = new Object[capacity];
        this.make = make;
    }

    @SuppressWarnings("unchecked")
    T take() {
        if (count == 0) return make.get();
        T t = (T) spare[--count];
        spare[count] = null;
        return t;
    }

    /** {@code t} must already be reset: the next taker gets it as it is. */
    void give(T t) {
        if (count < spare.length) spare[count++] = t;
    }

    /** Spare objects held now (for tests). */
    int spare() { return count; }
}
