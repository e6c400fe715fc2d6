package io.mailtap.sensor;

import io.mailtap.capture.BpfFilters;
import io.mailtap.capture.CaptureException;
import io.mailtap.capture.CaptureGroup;
import io.mailtap.capture.LiveOptions;
import io.mailtap.capture.LiveSource;
import io.mailtap.capture.PacketSource;
import io.mailtap.config.MailtapConfig;
import io.mailtap.decode.LinkType;

import java.util.List;

/**
 * Opens the sensor's packet source. Live: the configured interface with the configured handle
 * options and BPF filter. Tests hand the sensor any other {@link PacketSource} through this.
 */
@FunctionalInterface
interface CaptureOpener {
    /**
     * The open sources and the filter they apply (for the startup line), or null for none. More
     * than one source (capture.threads, issue 12): handles of one PACKET_FANOUT group, {@code fanoutGroup}.
     */
    record Opened(List<PacketSource> sources, String filter, int fanoutGroup) {
        public Opened {
            sources = List.copyOf(sources);
            if (sources.isEmpty()) throw new IllegalArgumentException("no capture source");
        }

        public Opened(PacketSource source, String filter) {
            this(List.of(source), filter, -1);
        }
    }

    Opened open() throws CaptureException;

    /**
     * The live interface of {@code cfg.capture()}. With {@code filter: auto} the filter depends on
     * the link type, which libpcap only tells an open handle: the interface is opened once without
     * a filter to learn it, then opened for real with the filter.
     */
    static CaptureOpener live(MailtapConfig cfg) {
        return () -> {
            MailtapConfig.Capture c = cfg.capture();
            LiveOptions options = new LiveOptions(c.iface(), c.snaplen(), c.promiscuous(), c.bufferSize(),
                    c.immediateMode(), c.timeoutMs(), null);
            String filter;
            if (c.autoFilter()) {
                int linkType;
                try (LiveSource probe = LiveSource.open(options)) {
                    linkType = probe.linkType();
                }
                filter = autoFilter(linkType, cfg.smtp().ports(), cfg.smtp().detectOnAnyPort());
            } else {
                filter = c.filter();
            }
            CaptureGroup group = CaptureGroup.open(options.withBpfFilter(filter), c.threads(), c.fanoutId());
            return new Opened(List.copyOf(group.sources()), filter, group.groupId());
        };
    }

    /**
     * {@code capture.filter: auto}: TCP on the SMTP ports, or all TCP with detect_on_any_port, and the
     * mirror tunnels the decoder follows (GRE/ERSPAN, VXLAN, GENEVE, IP-in-IP, MPLS, PPPoE); on
     * Ethernet in the nested form that also matches 802.1Q and QinQ frames (a flat
     * {@code A or (vlan and A)} misses QinQ, see CAPTURE-NOTES.md).
     */
    static String autoFilter(int linkType, List<Integer> ports, boolean anyPort) {
        if (anyPort) return BpfFilters.anyTcpFilterFor(linkType);
        return BpfFilters.smtpFilterFor(linkType, ports.stream().mapToInt(Integer::intValue).toArray());
    }
}
