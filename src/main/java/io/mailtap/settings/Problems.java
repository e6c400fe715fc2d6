package io.mailtap.settings;

import java.util.ArrayList;
import java.util.List;

/** Collects validation problems, each with its full dotted key, so that one run reports all of them. */
public final class Problems {
    private final List<String> list = new ArrayList<>();
    private final Quoting quoting;

    public Problems(Quoting quoting) {
        this.quoting = quoting;
    }

    public void add(String path, String problem) {
        list.add("config error: " + (path.isEmpty() ? "(top level)" : path) + ": " + problem);
    }

    public boolean isEmpty() { return list.isEmpty(); }

    public int size() { return list.size(); }

    public List<String> list() { return List.copyOf(list); }

    /** What the operator wrote, quoted for a message. */
    public String quote(String s) { return quoting.quote(s); }

    public Quoting quoting() { return quoting; }
}
