package io.mailtap.detect;

/** What a {@code null_sender_burst} window is kept per. */
public enum NullSenderKey {
    /** The client's IP address. */
    CLIENT("client"),
    /** The AUTH account of the session (sessions without AUTH are not counted under this key). */
    ACCOUNT("account"),
    /** The server's IP address. */
    SERVER("server");

    private final String label;

    NullSenderKey(String label) { this.label = label; }

    public String label() { return label; }

    public static NullSenderKey fromLabel(String l) {
        for (NullSenderKey k : values()) if (k.label.equals(l)) return k;
        return null;
    }
}
