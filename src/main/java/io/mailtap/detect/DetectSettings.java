package io.mailtap.detect;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the detection engine needs, already validated (built by {@code io.mailtap.config};
 * the engine trusts it). Durations are packet-time microseconds. Host names and domains are
 * lower-case without trailing dots.
 *
 * @param internal       {@code network.internal}: our side of the wire
 * @param mailServers    {@code network.mail_servers}: hosts allowed to send SMTP to the outside
 * @param policyPorts    {@code smtp.policy_ports}: server ports the egress and HELO policies apply to
 * @param publicHelo     {@code network.public_helo}: names our mail servers must announce outbound
 * @param localDomains   {@code network.local_domains}: domains we accept mail for
 * @param maxTrackedKeys {@code detect.max_tracked_keys}: cap of every per-key table of every rule
 */
public record DetectSettings(
        AddressSet internal,
        AddressSet mailServers,
        List<Integer> policyPorts,
        List<String> publicHelo,
        List<String> localDomains,
        int maxTrackedKeys,
        EgressPolicy egressPolicy,
        NullSenderBurst nullSenderBurst,
        AuthAccountBurst authAccountBurst,
        AuthGuestAccount authGuestAccount,
        AuthFailures authFailures,
        BadHelo badHelo,
        BlocklistRejection blocklistRejection,
        OpenRelay openRelay) {

    public DetectSettings {
        Objects.requireNonNull(internal);
        Objects.requireNonNull(mailServers);
        policyPorts = List.copyOf(policyPorts);
        publicHelo = List.copyOf(publicHelo);
        localDomains = List.copyOf(localDomains);
        if (maxTrackedKeys < 1) throw new IllegalArgumentException("maxTrackedKeys must be >= 1");
        Objects.requireNonNull(egressPolicy);
        Objects.requireNonNull(nullSenderBurst);
        Objects.requireNonNull(authAccountBurst);
        Objects.requireNonNull(authGuestAccount);
        Objects.requireNonNull(authFailures);
        Objects.requireNonNull(badHelo);
        Objects.requireNonNull(blocklistRejection);
        Objects.requireNonNull(openRelay);
    }

    public boolean enabled(RuleId id) {
        return switch (id) {
            case EGRESS_POLICY -> egressPolicy.enabled();
            case NULL_SENDER_BURST -> nullSenderBurst.enabled();
            case AUTH_ACCOUNT_BURST -> authAccountBurst.enabled();
            case AUTH_GUEST_ACCOUNT -> authGuestAccount.enabled();
            case AUTH_FAILURES -> authFailures.enabled();
            case BAD_HELO -> badHelo.enabled();
            case BLOCKLIST_REJECTION -> blocklistRejection.enabled();
            case OPEN_RELAY -> openRelay.enabled();
        };
    }

    public Severity severity(RuleId id) {
        return switch (id) {
            case EGRESS_POLICY -> egressPolicy.severity();
            case NULL_SENDER_BURST -> nullSenderBurst.severity();
            case AUTH_ACCOUNT_BURST -> authAccountBurst.severity();
            case AUTH_GUEST_ACCOUNT -> authGuestAccount.severity();
            case AUTH_FAILURES -> authFailures.severity();
            case BAD_HELO -> badHelo.severity();
            case BLOCKLIST_REJECTION -> blocklistRejection.severity();
            case OPEN_RELAY -> openRelay.severity();
        };
    }

    /**
     * What rule {@code id} is built from besides the address plan (which {@link Network} takes in
     * place): its own block, the key cap and the lists it copies. A reload keeps a rule, and its
     * windows and samples, while these are equal.
     */
    public List<Object> ruleInputs(RuleId id) {
        Object block = switch (id) {
            case EGRESS_POLICY -> egressPolicy;
            case NULL_SENDER_BURST -> nullSenderBurst;
            case AUTH_ACCOUNT_BURST -> authAccountBurst;
            case AUTH_GUEST_ACCOUNT -> authGuestAccount;
            case AUTH_FAILURES -> authFailures;
            case BAD_HELO -> badHelo;
            case BLOCKLIST_REJECTION -> blocklistRejection;
            case OPEN_RELAY -> openRelay;
        };
        Object copied = switch (id) {
            case BAD_HELO -> publicHelo;
            case OPEN_RELAY -> localDomains;
            default -> List.of();
        };
        return List.of(block, maxTrackedKeys, copied);
    }

    /** {@code detect.egress_policy}. */
    public record EgressPolicy(boolean enabled, Severity severity) {}

    /** {@code detect.null_sender_burst}: at least {@code threshold} {@code MAIL FROM:<>} per key in the window. */
    public record NullSenderBurst(boolean enabled, Severity severity, long windowMicros, int threshold,
                                  Set<NullSenderKey> keys) {
        public NullSenderBurst {
            keys = Set.copyOf(keys);
            positive(windowMicros, "windowMicros");
            positive(threshold, "threshold");
        }
    }

    /** {@code detect.auth_account_burst}: more than one of the limits per account in the window. */
    public record AuthAccountBurst(boolean enabled, Severity severity, long windowMicros, int maxMessages,
                                   int maxRecipientDomains, int maxClientHosts) {
        public AuthAccountBurst {
            positive(windowMicros, "windowMicros");
            positive(maxMessages, "maxMessages");
            positive(maxRecipientDomains, "maxRecipientDomains");
            positive(maxClientHosts, "maxClientHosts");
        }
    }

    /** {@code detect.auth_guest_account}: {@code accounts} are lower-case (Locale.ROOT), NFC local parts. */
    public record AuthGuestAccount(boolean enabled, Severity severity, List<String> accounts) {
        public AuthGuestAccount {
            accounts = List.copyOf(accounts);
        }
    }

    /** {@code detect.auth_failures}: at least {@code threshold} failed AUTH per client in the window. */
    public record AuthFailures(boolean enabled, Severity severity, long windowMicros, int threshold) {
        public AuthFailures {
            positive(windowMicros, "windowMicros");
            positive(threshold, "threshold");
        }
    }

    /** {@code detect.bad_helo}; {@code allPorts}: also check HELOs to non-policy ports (submission). */
    public record BadHelo(boolean enabled, Severity severity, boolean allPorts) {}

    /**
     * {@code detect.blocklist_rejection}: case-insensitive substrings, or Java regexes when prefixed
     * with {@code re:} (validated by the config loader).
     */
    public record BlocklistRejection(boolean enabled, Severity severity, List<String> patterns) {
        public BlocklistRejection {
            patterns = List.copyOf(patterns);
        }
    }

    /** {@code detect.open_relay}. */
    public record OpenRelay(boolean enabled, Severity severity) {}

    private static void positive(long v, String what) {
        if (v <= 0) throw new IllegalArgumentException(what + " must be > 0");
    }
}
