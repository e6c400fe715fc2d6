package io.mailtap.capture;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** BPF expressions for the SMTP sensor, and the one place filters are compiled and applied. */
public final class BpfFilters {
    /** libpcap's MAXIMUM_SNAPLEN; only used for compiling, where it bounds the generated offsets. */
    private static final int COMPILE_SNAPLEN = 262_144;
    private static final String PCAP4J_COMPILE_PREFIX = "Error occurred in pcap_compile: ";
    private static final int DLT_ETHERNET = 1;
    private static final Logger LOG = LoggerFactory.getLogger(BpfFilters.class);

    /**
     * The mirror tunnels the decoder follows, as the network layer shows them: VXLAN and GENEVE by
     * UDP port, GRE (and ERSPAN in it), IP-in-IP and IPv6-in-IP by protocol. Their whole traffic is
     * passed (BPF cannot look inside them portably); the decoder keeps the SMTP inside.
     */
    static final String TUNNELS = "udp dst port 4789 or udp dst port 6081 or proto 47 or proto 4 or proto 41";
    /**
     * MPLS (unicast, multicast) and PPPoE session frames, by ethertype. Not the {@code mpls} and
     * {@code pppoes} keywords: like {@code vlan} they shift the offsets of the rest of the whole
     * expression, and libpcap refuses a {@code vlan} after an {@code mpls}, so they could not sit
     * at every VLAN level.
     */
    static final String LINK_TUNNELS = "ether proto 0x8847 or ether proto 0x8848 or ether proto 0x8864";
    /** Keywords that shift libpcap's offsets: a filter using one is the user's own link-layer plan. */
    private static final Pattern SHIFTING_KEYWORD = Pattern.compile("\\b(vlan|mpls|pppoes|geneve|vxlan)\\b");

    private BpfFilters() {}

    /**
     * A filter for TCP on the given ports and for the mirror tunnels the decoder follows, untagged,
     * 802.1Q-tagged or QinQ-tagged, for Ethernet (the {@code auto} filter).
     *
     * <p>In BPF every {@code vlan} shifts the offsets of the rest of the whole expression, so the
     * flat {@code A or (vlan and A) or (vlan and vlan and A)} never matches a QinQ frame; nesting each
     * level inside the previous {@code vlan} does: {@code A or (vlan and (A or (vlan and A)))}.
     *
     * @param ports TCP ports (1-65535); duplicates are ignored
     */
    public static String smtpFilter(int... ports) {
        String any = "(" + portsExpression(ports) + " or " + TUNNELS + " or " + LINK_TUNNELS + ")";
        return vlanLevels(any);
    }

    /**
     * The {@code auto} filter with {@code detect_on_any_port}: all TCP and the tunnels, at every VLAN
     * level on Ethernet.
     */
    public static String anyTcpFilterFor(int linkType) {
        return linkType == DLT_ETHERNET ? vlanLevels("(tcp or " + TUNNELS + " or " + LINK_TUNNELS + ")") : "tcp or " + TUNNELS;
    }

    /** {@code e} at the untagged, 802.1Q and QinQ offsets: {@code e or (vlan and (e or (vlan and e)))}. */
    static String vlanLevels(String e) {
        return e + " or (vlan and (" + e + " or (vlan and " + e + ")))";
    }

    /**
     * The filter a user's {@code capture.filter} (or {@code replay --filter}) becomes on this link
     * type. On Ethernet a plain expression like {@code tcp port 25 or tcp port 587} would silently
     * drop every tagged session, because libpcap reads a tagged frame at untagged offsets; it is
     * matched at the untagged, 802.1Q and QinQ offsets instead (a superset of what it matched: each
     * level only adds frames whose inner packet the expression accepts). A filter that already uses
     * {@code vlan}, {@code mpls}, {@code pppoes}, {@code geneve} or {@code vxlan} planned its own
     * offsets: wrapping it would change its meaning, so it is used as written, with a warning.
     * Other link types have no tags in the filter's view and get the expression as written.
     */
    public static String userFilterFor(int linkType, String expression) {
        if (expression == null || expression.isBlank() || linkType != DLT_ETHERNET) return expression;
        if (SHIFTING_KEYWORD.matcher(expression.toLowerCase(Locale.ROOT)).find()) return expression;
        return vlanLevels("(" + expression + ")");
    }

    /**
     * {@link #smtpFilter} for Ethernet; for link types where libpcap has no {@code vlan} keyword
     * (Linux cooked, raw IP, BSD loopback) just the port test. On a live Linux capture the kernel
     * has already stripped the tag when the filter runs, so the port test still sees tagged traffic
     * there; a cooked <em>file</em> with tags inside is not matched by any libpcap filter.
     */
    public static String smtpFilterFor(int linkType, int... ports) {
        return linkType == DLT_ETHERNET ? smtpFilter(ports) : portsExpression(ports) + " or " + TUNNELS;
    }

    /** {@code tcp port 25}, or {@code (tcp port 25 or tcp port 587)} for several. */
    static String portsExpression(int... ports) {
        if (ports == null || ports.length == 0) throw new IllegalArgumentException("at least one TCP port is needed");
        Set<Integer> unique = new LinkedHashSet<>();
        for (int p : ports) {
            if (p < 1 || p > 65_535) throw new IllegalArgumentException("TCP port out of range 1-65535: " + p);
            unique.add(p);
        }
        String joined = unique.stream().map(p -> "tcp port " + p).collect(Collectors.joining(" or "));
        return unique.size() == 1 ? joined : "(" + joined + ")";
    }

    /**
     * Compiles {@code expression} for a link type (DLT or LINKTYPE value) without a capture, for
     * configuration checks.
     *
     * @throws CaptureException naming the filter and carrying libpcap's complaint
     */
    public static void validate(String expression, int linkType) throws CaptureException {
        PcapNative.ensureLoaded();
        // A dead handle rather than Pcaps.compileFilter: only the handle keeps libpcap's reason.
        PcapHandle dead;
        try {
            dead = Pcaps.openDead(DataLinkType.getInstance(toDlt(linkType)), COMPILE_SNAPLEN);
        } catch (Exception e) {
            throw new CaptureException("cannot compile BPF filters for link type " + linkType + ": "
                    + CaptureException.oneLine(e.getMessage()), e);
        }
        try {
            dead.compileFilter(userFilterFor(linkType, expression), BpfProgram.BpfCompileMode.OPTIMIZE,
                    PcapHandle.PCAP_NETMASK_UNKNOWN).free();
        } catch (Exception e) { // PcapNativeException; NullPointerException for a null expression
            throw invalid(expression, "link type " + linkType, e);
        } finally {
            dead.close();
        }
    }

    /** pcap_open_dead takes a DLT; the file-format LINKTYPE_RAW (101) is DLT_RAW (12) there. */
    private static int toDlt(int linkType) {
        return linkType == 101 ? 12 : linkType;
    }

    /**
     * Applies a filter to an open handle, as {@link #userFilterFor} extends it for the handle's link
     * type; null or blank means no filter. Does not close the handle.
     */
    static void apply(PcapHandle handle, String expression, String sourceName) throws CaptureException {
        if (expression == null || expression.isBlank()) return;
        int linkType = handle.getDlt().value();
        String effective = userFilterFor(linkType, expression);
        if (linkType == DLT_ETHERNET && effective.equals(expression) && !isGenerated(expression)) {
            LOG.warn("BPF filter '{}' on {} uses its own vlan/mpls/pppoes offsets, so it is applied as written: "
                    + "802.1Q/QinQ-tagged sessions pass only where it says so", expression, sourceName);
        }
        try {
            handle.setFilter(effective, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (Exception e) { // PcapNativeException, NotOpenException
            throw invalid(expression, sourceName, e);
        }
    }

    /** The auto filter (or a user's filter modelled on it) already nests its VLAN levels: nothing to warn about. */
    private static boolean isGenerated(String expression) {
        return expression.contains(" or (vlan and (");
    }

    private static CaptureException invalid(String expression, String where, Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (why.startsWith(PCAP4J_COMPILE_PREFIX)) why = why.substring(PCAP4J_COMPILE_PREFIX.length());
        return new CaptureException("invalid BPF filter '" + expression + "' for " + where + ": "
                + CaptureException.oneLine(why), e);
    }
}
