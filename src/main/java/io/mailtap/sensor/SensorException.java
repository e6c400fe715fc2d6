package io.mailtap.sensor;

import io.mailtap.capture.CaptureException;

import java.util.Locale;

/**
 * The live sensor could not start. The message is one line for the operator; {@link #badConfig()}
 * tells a configuration problem (exit 2) from a runtime one (exit 1).
 */
public final class SensorException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean badConfig;

    public SensorException(String message, boolean badConfig, Throwable cause) {
        super(message, cause);
        this.badConfig = badConfig;
    }

    public boolean badConfig() { return badConfig; }

    /** "cannot open interface 'X': &lt;libpcap's words&gt; (needs CAP_NET_RAW ...)" and the like. */
    static SensorException capture(String iface, CaptureException e) {
        String m = e.getMessage();
        if (m.startsWith("invalid BPF filter")) return new SensorException(m + " (capture.filter)", true, e);
        String prefix = "cannot capture on interface '" + iface + "': ";
        String detail = m.startsWith(prefix) ? m.substring(prefix.length()) : m;
        String lower = detail.toLowerCase(Locale.ROOT);
        String hint = "";
        if (lower.contains("permission") || lower.contains("not permitted")) {
            hint = " (capturing needs CAP_NET_RAW, and CAP_NET_ADMIN for promiscuous mode; root is not needed:"
                    + " run it as systemd/mailtap.service does, or setcap cap_net_raw,cap_net_admin+eip on the java binary)";
        } else if (lower.contains("no such device") || lower.contains("doesn't exist") || lower.contains("does not exist")) {
            hint = " (`mailtap interfaces` lists the interfaces)";
        } else if (m.startsWith("cannot bind libpcap")) {
            return new SensorException(m + " (on Debian: apt-get install libpcap0.8)", false, e);
        }
        return new SensorException("cannot open interface '" + iface + "': " + detail + hint, false, e);
    }
}
