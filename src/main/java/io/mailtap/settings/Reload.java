package io.mailtap.settings;

/** How a running sensor takes a changed value: between two events, or only after a restart. */
public enum Reload {
    /** Applied by a reload (SIGHUP) without losing flow or rule state. */
    LIVE,
    /** Built once at start (a handle, a thread, a table); a reload keeps the running value and says so. */
    RESTART
}
