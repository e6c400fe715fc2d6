package io.mailtap.settings;

/**
 * A value: its type, its default, one line of documentation and how a running sensor takes a
 * change ({@link Reload}). A live leaf may also be read by something built once ({@link #restartPart}):
 * the change then applies live and, for that part, after a restart.
 */
public final class Leaf extends Node {
    private final Type type;
    private final Object defaultValue;
    private final Reload reload;
    private final String restartPart;

    private Leaf(String name, Type type, Object defaultValue, String doc, Reload reload, String restartPart) {
        super(name, doc);
        this.type = type;
        this.defaultValue = defaultValue;
        this.reload = reload;
        this.restartPart = restartPart;
    }

    /** A leaf a reload applies live. */
    public static Leaf live(String name, Type type, Object defaultValue, String doc) {
        return new Leaf(name, type, defaultValue, doc, Reload.LIVE, null);
    }

    /** A leaf only a restart applies. */
    public static Leaf restart(String name, Type type, Object defaultValue, String doc) {
        return new Leaf(name, type, defaultValue, doc, Reload.RESTART, null);
    }

    /** This live leaf, also read by {@code part} (e.g. "as a metric label"), which takes it only at a restart. */
    public Leaf alsoAtRestart(String part) {
        if (reload != Reload.LIVE) throw new IllegalStateException(name() + " is restart-only already");
        return new Leaf(name(), type, defaultValue, doc(), reload, part);
    }

    public Type type() { return type; }

    public Object defaultValue() { return defaultValue; }

    public Reload reload() { return reload; }

    /** What takes this live leaf only at a restart, or null. */
    public String restartPart() { return restartPart; }
}
