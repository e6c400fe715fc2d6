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
        String v = Evidence.ev(s);
        for (int i = 0; i < size; i++) if (items[i].equals(v)) return;
        if (size < items.length) {
            items[size++] = v;
        } else {
            System.arraycopy(items, 1, items, 0, items.length - 1);
            items[items.length - 1] = v;
        }
    }

    /**
     * {@link #add} of {@code src.substring(from, to)}, lower-cased when {@code lower} (ASCII), for a
     * region from {@link Evidence#bareRegion}/{@link Evidence#domainRegion}: the String is made only when it
     * is not in the sample already, so a repeat costs a comparison, not an allocation.
     */
    void addRegion(String src, long region, boolean lower) {
        if (region == Evidence.NONE) return;
        int from = Evidence.from(region), len = Evidence.to(region) - from;
        if (len > Evidence.MAX_EVIDENCE || (lower && !Evidence.ascii(src, from, from + len))) { // capped or case-mapped: as add() does
            String v = src.substring(from, from + len);
            add(lower ? v.toLowerCase(java.util.Locale.ROOT) : v);
            return;
        }
        for (int i = 0; i < size; i++) {
            String it = items[i];
            if (it.length() == len && (lower ? equalsLowered(it, src, from) : it.regionMatches(0, src, from, len))) return;
        }
        String v = src.substring(from, from + len);
        add(lower ? v.toLowerCase(java.util.Locale.ROOT) : v);
    }

    /** {@code it} equals the ASCII region of {@code src} at {@code from} lower-cased (same length checked by the caller). */
    private static boolean equalsLowered(String it, String src, int from) {
        for (int i = 0; i < it.length(); i++) {
            char c = src.charAt(from + i);
            if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
            if (it.charAt(i) != c) return false;
        }
        return true;
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
