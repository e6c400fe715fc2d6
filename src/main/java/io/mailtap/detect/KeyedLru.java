package io.mailtap.detect;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A detector's per-key state with a hard cap: at most {@code maxKeys} entries, the least recently
 * touched one is dropped to make room and the drop is counted. This is what keeps a flood of
 * random HELOs, user names or source addresses from growing memory.
 */
final class KeyedLru<V> {
    private final int maxKeys;
    private final DetectStats.RuleStats stats;
    private final LinkedHashMap<String, V> map;

    KeyedLru(int maxKeys, DetectStats.RuleStats stats) {
        if (maxKeys < 1) throw new IllegalArgumentException("maxKeys must be >= 1");
        this.maxKeys = maxKeys;
        this.stats = stats;
        this.map = new LinkedHashMap<>(Math.min(maxKeys, 1024) * 2, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                if (size() > KeyedLru.this.maxKeys) {
                    KeyedLru.this.stats.evicted();
                    return true;
                }
                return false;
            }
        };
    }

    /** The state of {@code key}, created if absent (possibly evicting the least recently used). */
    V getOrCreate(String key, Function<String, V> create) {
        V v = map.get(key);
        if (v == null) {
            v = create.apply(key);
            map.put(key, v);
        }
        return v;
    }

    /**
     * Starts tracking {@code key} with {@code v} (possibly evicting the least recently used) and
     * returns {@code v}: with {@link #get}, what {@link #getOrCreate} does without a factory object
     * per call, for a state that needs more than its key.
     */
    V put(String key, V v) {
        map.put(key, v);
        return v;
    }

    /** The state of {@code key} if tracked (marks it used), else null. */
    V get(String key) {
        return map.get(key);
    }

    void remove(String key) {
        map.remove(key);
    }

    int size() { return map.size(); }
}
