package io.mailtap.detect;

/**
 * The stable identifiers of the detection rules: the config block under {@code detect}, the
 * {@code rule} field of every alert and the Alertmanager {@code rule} label. Never rename one.
 */
public enum RuleId {
    EGRESS_POLICY("egress_policy"),
    NULL_SENDER_BURST("null_sender_burst"),
    AUTH_ACCOUNT_BURST("auth_account_burst"),
    AUTH_GUEST_ACCOUNT("auth_guest_account"),
    AUTH_FAILURES("auth_failures"),
    BAD_HELO("bad_helo"),
    BLOCKLIST_REJECTION("blocklist_rejection"),
    OPEN_RELAY("open_relay");

    private final String id;

    RuleId(String id) { this.id = id; }

    public String id() { return id; }

    /** The rule named {@code id}, or null. */
    public static RuleId fromId(String id) {
        for (RuleId r : values()) if (r.id.equals(id)) return r;
        return null;
    }

    @Override
    public String toString() { return id; }
}
