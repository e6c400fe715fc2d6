package io.mailtap.settings;

/** A node of the config key tree: a {@link Section} of named children or a {@link Leaf} value. */
public abstract sealed class Node permits Section, Leaf {
    private final String name;
    private final String doc;

    Node(String name, String doc) {
        this.name = name;
        this.doc = doc;
    }

    /** The key's own name (one segment of the dotted key). */
    public String name() { return name; }

    /** One line of documentation (printed by check-config, rendered in the README). */
    public String doc() { return doc; }
}
