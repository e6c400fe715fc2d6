package io.mailtap.detect;

import io.mailtap.settings.Leaf;
import java.util.List;
import io.mailtap.smtp.SmtpEvent;

import java.text.Normalizer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import static io.mailtap.settings.ValueTypes.*;

/**
 * {@code auth_guest_account}: a successful AUTH as a guest-like account (incident 2's variant: the
 * Guest account was enabled and used to send). The account's local part — before the last '@',
 * after any {@code DOMAIN\} prefix — is compared, lower-cased (Locale.ROOT) and NFC-normalised,
 * with the configured list. Both the authentication identity and a PLAIN authorization identity are
 * checked. Keeps no state.
 */
final class AuthGuestAccountRule extends Rule {
    private final Set<String> guests = new HashSet<>();

    static final List<String> DEFAULT_ACCOUNTS = List.of(
            "guest", "gast", "invité", "invite", "invitado", "ospite", "gość", "gost", "anonymous", "访客", "来宾");

    /** {@code detect.auth_guest_account}: {@code accounts} are lower-case (Locale.ROOT), NFC local parts. */
    record Settings(List<String> accounts) {
        Settings {
            accounts = List.copyOf(accounts);
        }
    }

    static final RuleSpec<Settings> SPEC = RuleSpec.of(RuleId.AUTH_GUEST_ACCOUNT, Severity.CRITICAL,
            "A successful AUTH as a guest-like account.",
            List.of(Leaf.live("accounts", accounts(), DEFAULT_ACCOUNTS,
                    "Guest-like names, matched case-insensitively on the local part (before '@', after any DOMAIN\\ prefix).")),
            v -> new Settings(v.list("accounts")), AuthGuestAccountRule::new)
            .readme("successful AUTH as a guest-like account (`accounts`, default guest, gast, invité, invite, invitado, ospite, gość, gost, anonymous, 访客, 来宾). Matching is on the local part (before `@`, after any `DOMAIN\\`), case-insensitive, Unicode-normalised; a PLAIN authzid is checked too.",
                    "`account:USER`");

    AuthGuestAccountRule(Settings s, RuleContext ctx) {
        super(RuleId.AUTH_GUEST_ACCOUNT, ctx);
        for (String g : s.accounts()) guests.add(normalize(g));
    }

    /** The comparable local part of an account name. */
    static String normalize(String account) {
        String a = account.trim();
        int bs = a.lastIndexOf('\\');
        if (bs >= 0) a = a.substring(bs + 1);
        int at = a.lastIndexOf('@');
        if (at >= 0) a = a.substring(0, at);
        return Normalizer.normalize(a, Normalizer.Form.NFC).toLowerCase(Locale.ROOT).trim();
    }

    @Override
    void onEvent(SmtpEvent e) {
        if (!(e instanceof SmtpEvent.Auth a) || a.result() != SmtpEvent.AuthResult.SUCCESS) return;
        String matched = null, which = null;
        if (a.user() != null && guests.contains(normalize(a.user()))) {
            matched = a.user();
            which = "user";
        } else if (a.authzid() != null && guests.contains(normalize(a.authzid()))) {
            matched = a.authzid();
            which = "authzid";
        }
        if (matched == null) return;
        String shown = Evidence.ev(matched);
        finding("account:" + Evidence.key(matched), a.conn(), a.tsMicros())
                .account(matched)
                .summary("guest-like account \"" + shown + "\" logged in successfully (AUTH "
                        + (a.mechanism() == null ? "?" : a.mechanism()) + ") from " + a.conn().clientIpText()
                        + " to " + a.conn().serverIpText() + ":" + a.conn().serverPort())
                .ev("auth_user", a.user())
                .ev("authzid", a.authzid())
                .ev("matched", which)
                .ev("mechanism", a.mechanism())
                .ev("reply_code", a.replyCode())
                // One-way capture: no 235 was seen, the client's MAIL FROM after AUTH proved the login.
                .ev("auth_result_inferred", a.inferred())
                .ev("server_port", a.conn().serverPort())
                .emit();
    }
}
