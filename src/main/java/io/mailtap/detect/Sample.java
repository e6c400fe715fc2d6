package io.mailtap.detect;

import java.util.ArrayList;
import java.util.List;

/** The most recent few distinct strings seen (capped in number and length): "sample_rcpts" and the like. */
final class Sample {
    static final int DEFAULT_SIZE = 5;

    private final String[] items;
    private int size;

    Sample() { this(DEFAULT_SIZE); }

    Sample(int max) { this.items = new String[max]; }

    /** Adds {@code s} unless present; when full, the oldest entry gives way so the sample stays current. */
    void add(String s) {
        if (s == null || s.isEmpty()) return;
        String v = Text.ev(s);
        for (int i = 0; i < size; i++) if (items[i].equals(v)) return;
        if (size < items.length) {
            items[size++] = v;
        } else {
            System.arraycopy(items, 1, items, 0, items.length - 1);
            items[items.length - 1] = v;
        }
    }

    /** Becomes a copy of {@code o} (same capacity), without allocating: a rule's frozen view of a match. */
    void copyFrom(Sample o) {
        System.arraycopy(o.items, 0, items, 0, Math.min(items.length, o.size));
        size = Math.min(items.length, o.size);
    }

    boolean isEmpty() { return size == 0; }

    List<String> list() {
        List<String> l = new ArrayList<>(size);
        for (int i = 0; i < size; i++) l.add(items[i]);
        return List.copyOf(l);
    }
}
