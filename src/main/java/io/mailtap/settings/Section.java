package io.mailtap.settings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mapping of named children. A section is declared by the stage that reads it (a fragment), and
 * the config assembles the fragments into one tree. {@link #asOneKey} marks a group whose leaves
 * only make sense together (both of a pair, a secret and its file): a reload reports it by the
 * section's name, never by a leaf that might be a secret.
 */
public final class Section extends Node {
    private final List<Node> children;
    private final Map<String, Node> byName = new LinkedHashMap<>();
    private final boolean oneKey;

    private Section(String name, String doc, List<Node> children, boolean oneKey) {
        super(name, doc);
        this.children = List.copyOf(children);
        this.oneKey = oneKey;
        for (Node c : children) {
            if (byName.put(c.name(), c) != null) throw new IllegalStateException("duplicate key " + name + "." + c.name());
        }
    }

    public static Section of(String name, String doc, Node... children) {
        return new Section(name, doc, List.of(children), false);
    }

    public static Section of(String name, String doc, List<? extends Node> children) {
        return new Section(name, doc, new ArrayList<>(children), false);
    }

    /** This section with the same children, reported as one key by a reload. */
    public Section asOneKey() {
        return new Section(name(), doc(), children, true);
    }

    /** This section with {@code more} children appended. */
    public Section with(List<? extends Node> more) {
        List<Node> all = new ArrayList<>(children);
        all.addAll(more);
        return new Section(name(), doc(), all, oneKey);
    }

    public List<Node> children() { return children; }

    /** The child named {@code name}, or null. */
    public Node child(String name) { return byName.get(name); }

    public List<String> names() { return new ArrayList<>(byName.keySet()); }

    public boolean oneKey() { return oneKey; }

    /** Every leaf under this section by its dotted key (relative to this section), in declaration order. */
    public Map<String, Leaf> leaves() {
        Map<String, Leaf> m = new LinkedHashMap<>();
        collect(this, "", m);
        return m;
    }

    private static void collect(Section s, String prefix, Map<String, Leaf> out) {
        for (Node n : s.children) {
            String path = prefix.isEmpty() ? n.name() : prefix + "." + n.name();
            if (n instanceof Section sub) collect(sub, path, out);
            else out.put(path, (Leaf) n);
        }
    }

    /**
     * The name a change of {@code key} (relative to this section) is reported by: the outermost
     * {@link #asOneKey} section holding it, else the key itself.
     */
    public String reportedName(String key) {
        Section s = this;
        String prefix = "";
        for (String part : key.split("\\.")) {
            Node n = s.child(part);
            String path = prefix.isEmpty() ? part : prefix + "." + part;
            if (n instanceof Section sub) {
                if (sub.oneKey) return path;
                s = sub;
                prefix = path;
            } else {
                return path;
            }
        }
        return key;
    }
}
