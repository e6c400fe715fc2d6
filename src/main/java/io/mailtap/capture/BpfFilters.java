package io.mailtap.capture;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/** BPF expressions for the SMTP sensor, and the one place filters are compiled and applied. */
public final class BpfFilters {
    /** libpcap's MAXIMUM_SNAPLEN; only used for compiling, where it bounds the generated offsets. */
    private static final int COMPILE_SNAPLEN = 262_144;
    private static final String PCAP4J_COMPILE_PREFIX = "Error occurred in pcap_compile: ";

    private BpfFilters() {}

    /**
     * A filter for TCP on the given ports, untagged, 802.1Q-tagged or QinQ-tagged, for Ethernet.
     *
     * <p>In BPF every {@code vlan} shifts the offsets of the rest of the whole expression, so the
     * flat {@code A or (vlan and A) or (vlan and vlan and A)} never matches a QinQ frame; nesting each
     * level inside the previous {@code vlan} does: {@code A or (vlan and (A or (vlan and A)))}.
     *
     * @param ports TCP ports (1-65535); duplicates are ignored
     */
    public static String smtpFilter(int... ports) {
        String any = portsExpression(ports);
        return any + " or (vlan and (" + any + " or (vlan and " + any + ")))";
    }

    /**
     * {@link #smtpFilter} for Ethernet; for link types where libpcap has no {@code vlan} keyword
     * (Linux cooked, raw IP, BSD loopback) just the port test. On a live Linux capture the kernel
     * has already stripped the tag when the filter runs, so the port test still sees tagged traffic
     * there; a cooked <em>file</em> with tags inside is not matched by any libpcap filter.
     */
    public static String smtpFilterFor(int linkType, int... ports) {
        return linkType == 1 /* Ethernet */ ? smtpFilter(ports) : portsExpression(ports);
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
            dead.compileFilter(expression, BpfProgram.BpfCompileMode.OPTIMIZE, PcapHandle.PCAP_NETMASK_UNKNOWN).free();
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

    /** Applies a filter to an open handle; null or blank means no filter. Does not close the handle. */
    static void apply(PcapHandle handle, String expression, String sourceName) throws CaptureException {
        if (expression == null || expression.isBlank()) return;
        try {
            handle.setFilter(expression, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (Exception e) { // PcapNativeException, NotOpenException
            throw invalid(expression, sourceName, e);
        }
    }

    private static CaptureException invalid(String expression, String where, Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (why.startsWith(PCAP4J_COMPILE_PREFIX)) why = why.substring(PCAP4J_COMPILE_PREFIX.length());
        return new CaptureException("invalid BPF filter '" + expression + "' for " + where + ": "
                + CaptureException.oneLine(why), e);
    }
}
