package io.mailtap.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Writes seeded, reproducible benchmark captures (classic pcap, Ethernet, microseconds, snaplen
 * 65535): the same options and seed give a byte-identical file on any JDK.
 *
 * <ul>
 * <li>{@link Variant#MIX}: complete SMTP sessions (ports 25 and 587, multi-line banners and EHLO
 *   replies, AUTH PLAIN/LOGIN, null senders, PIPELINING, BDAT, 2-8 KB bodies in MSS segments,
 *   a few retransmitted and reordered segments, 802.1Q/QinQ, IPv6) interleaved with ~20 % HTTPS-
 *   and DNS-like noise, about {@code concurrency} sessions open at a time. At least
 *   {@code packets} packets: once that many are written the open sessions are finished.</li>
 * <li>{@link Variant#MANY_FLOWS}: {@code flows} concurrent SMTP connections, all opened
 *   (handshake, banner, EHLO) before any closes, within 200 s of packet time.</li>
 * <li>{@link Variant#SYN_FLOOD}: {@code syns} distinct SYNs to port 25, with mix traffic as
 *   ~10 % background so throughput under the flood can be compared with the plain mix.</li>
 * </ul>
 *
 * <p>The generator depends on the JDK only; {@code mailtap bench-gen} (cli/BenchGenCommand) is its command line.
 */
public final class BenchGenerator {
    /** 2024-01-01T00:00:00Z: packet time starts here, never at the wall clock. */
    public static final long START_MICROS = 1_704_067_200_000_000L;

    private BenchGenerator() {}

    public enum Variant {
        MIX("mix"), MANY_FLOWS("many-flows"), SYN_FLOOD("syn-flood");

        private final String cliName;

        Variant(String cliName) { this.cliName = cliName; }

        public String cliName() { return cliName; }

        public static Variant parse(String s) {
            for (Variant v : values()) if (v.cliName.equalsIgnoreCase(s) || v.name().equalsIgnoreCase(s)) return v;
            throw new IllegalArgumentException("unknown variant '" + s + "' (mix, many-flows, syn-flood)");
        }
    }

    /**
     * What to generate. {@code packets} is the target for {@link Variant#MIX}; the other variants
     * are sized by {@code flows} and {@code syns}. Rates are per bulk-data segment pair.
     */
    public record Options(Variant variant, long seed, long packets, int flows, long syns, int concurrency,
                          double retransmitRate, double reorderRate, boolean closeFlows) {
        public static final long DEFAULT_SEED = 1;
        public static final long DEFAULT_PACKETS = 3_000_000;
        public static final int DEFAULT_FLOWS = 1_000_000;
        public static final long DEFAULT_SYNS = 5_000_000;
        public static final int DEFAULT_CONCURRENCY = 200;
        public static final double DEFAULT_RETRANSMIT_RATE = 0.03;
        public static final double DEFAULT_REORDER_RATE = 0.03;

        public Options {
            if (variant == null) throw new IllegalArgumentException("variant is required");
            if (packets < 1) throw new IllegalArgumentException("packets must be at least 1");
            if (flows < 1 || flows > ManyFlowsSource.MAX_FLOWS)
                throw new IllegalArgumentException("flows must be in 1.." + ManyFlowsSource.MAX_FLOWS);
            if (syns < 1 || syns > SynFloodSource.MAX_SYNS)
                throw new IllegalArgumentException("syns must be in 1.." + SynFloodSource.MAX_SYNS);
            if (concurrency < 1 || concurrency > 1_000_000)
                throw new IllegalArgumentException("concurrency must be in 1..1000000");
            if (!(retransmitRate >= 0 && retransmitRate <= 1) || !(reorderRate >= 0 && reorderRate <= 1))
                throw new IllegalArgumentException("rates must be in 0..1");
        }

        public static Options defaults(Variant variant) {
            return new Options(variant, DEFAULT_SEED, DEFAULT_PACKETS, DEFAULT_FLOWS, DEFAULT_SYNS, DEFAULT_CONCURRENCY,
                    DEFAULT_RETRANSMIT_RATE, DEFAULT_REORDER_RATE, true);
        }

        public Options withSeed(long v) { return new Options(variant, v, packets, flows, syns, concurrency, retransmitRate, reorderRate, closeFlows); }
        public Options withPackets(long v) { return new Options(variant, seed, v, flows, syns, concurrency, retransmitRate, reorderRate, closeFlows); }
        public Options withFlows(int v) { return new Options(variant, seed, packets, v, syns, concurrency, retransmitRate, reorderRate, closeFlows); }
        public Options withSyns(long v) { return new Options(variant, seed, packets, flows, v, concurrency, retransmitRate, reorderRate, closeFlows); }
        public Options withConcurrency(int v) { return new Options(variant, seed, packets, flows, syns, v, retransmitRate, reorderRate, closeFlows); }
        public Options withRetransmitRate(double v) { return new Options(variant, seed, packets, flows, syns, concurrency, v, reorderRate, closeFlows); }
        public Options withReorderRate(double v) { return new Options(variant, seed, packets, flows, syns, concurrency, retransmitRate, v, closeFlows); }
        public Options withCloseFlows(boolean v) { return new Options(variant, seed, packets, flows, syns, concurrency, retransmitRate, reorderRate, v); }
    }

    /**
     * What was written. SMTP counts cover every SMTP session in the file (for syn-flood, the
     * background ones; for many-flows, {@code smtpSessions} is the flow count and no mail is sent).
     * {@code mailCommands} is what {@code tshark -Y 'smtp.req.command == "MAIL"'} should count.
     */
    public record Result(Variant variant, long seed, long packets, long bytes,
                         long smtpSessions, long transactions, long mailCommands, long rcptCommands,
                         long nullSenders, long authSessions, long authFailures,
                         long pipelinedTransactions, long bdatTransactions,
                         long ipv6Sessions, long vlanSessions, long qinqSessions,
                         long smtpPackets, long noisePackets, long synFloodPackets,
                         long retransmissions, long reorders,
                         long firstMicros, long lastMicros, long elapsedNanos) {

        /** Packet-time span of the capture in seconds. */
        public double spanSeconds() { return (lastMicros - firstMicros) / 1e6; }

        /** Packets written per second of wall time. */
        public double packetsPerSecond() { return elapsedNanos == 0 ? 0 : packets * 1e9 / elapsedNanos; }

        /** The one-line summary printed at the end of a run. */
        public String summary(String file) {
            return String.format(Locale.ROOT,
                    "bench-gen: variant=%s seed=%d packets=%d bytes=%d smtp_sessions=%d mail=%d rcpt=%d "
                            + "null_sender=%d auth=%d auth_failed=%d pipelined=%d bdat=%d ipv6_sessions=%d "
                            + "vlan_sessions=%d qinq_sessions=%d noise_packets=%d syn_packets=%d retransmits=%d "
                            + "reorders=%d span_s=%.1f elapsed_s=%.2f rate_pps=%.0f file=%s",
                    variant.cliName(), seed, packets, bytes, smtpSessions, mailCommands, rcptCommands,
                    nullSenders, authSessions, authFailures, pipelinedTransactions, bdatTransactions, ipv6Sessions,
                    vlanSessions, qinqSessions, noisePackets, synFloodPackets, retransmissions, reorders,
                    spanSeconds(), elapsedNanos / 1e9, packetsPerSecond(), file);
        }
    }

    /**
     * Writes the capture to {@code file} (through {@code file.part}, renamed when complete, so
     * an interrupted run never leaves a plausible-looking truncated file).
     */
    public static Result generate(Options o, Path file) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        Result r;
        try (OutputStream os = Files.newOutputStream(part)) {
            r = generate(o, os);
        } catch (IOException | RuntimeException ex) {
            Files.deleteIfExists(part);
            throw ex;
        }
        Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return r;
    }

    /** Writes the capture to {@code out}, which is closed at the end. */
    public static Result generate(Options o, OutputStream out) throws IOException {
        long t0 = System.nanoTime();
        FrameBuilder fb = new FrameBuilder();
        Counters n = new Counters();
        Rng clock = new Rng(o.seed()).fork(3);
        long ts = START_MICROS;
        long written, bytes;
        try (PcapFileWriter w = new PcapFileWriter(out, PcapFileWriter.DEFAULT_SNAPLEN, PcapFileWriter.LINKTYPE_ETHERNET)) {
            switch (o.variant()) {
                case MIX -> {
                    MixSource mix = new MixSource(o.seed(), o.concurrency(), o.retransmitRate(), o.reorderRate(), fb, n);
                    while (true) {
                        if (w.packets() == o.packets()) mix.stopStarting();
                        ts += clock.chance(0.05) ? clock.between(200, 1000) : clock.between(10, 200);
                        if (!mix.emitNext(ts, w)) break;
                    }
                }
                case MANY_FLOWS -> {
                    ManyFlowsSource mf = new ManyFlowsSource(o.seed(), o.flows(), o.closeFlows(), fb);
                    ts = mf.writeAll(ts, w, clock, n);
                    n.smtpSessions = o.flows();
                    n.smtpPackets = w.packets();
                }
                case SYN_FLOOD -> {
                    MixSource mix = new MixSource(o.seed(), o.concurrency(), o.retransmitRate(), o.reorderRate(), fb, n);
                    SynFloodSource flood = new SynFloodSource(o.seed(), fb);
                    long syns = 0;
                    while (syns < o.syns()) {
                        ts += clock.between(1, 3);
                        if (clock.chance(0.10)) {
                            mix.emitNext(ts, w);
                        } else {
                            w.write(ts, fb.frame, 0, flood.syn((int) syns++));
                        }
                    }
                    n.synFloodPackets = syns;
                    mix.stopStarting();
                    do ts += clock.between(1, 3); while (mix.emitNext(ts, w));
                }
            }
            w.flush();
            written = w.packets();
            bytes = w.bytes();
        }
        return new Result(o.variant(), o.seed(), written, bytes,
                n.smtpSessions, n.transactions, n.mailCommands, n.rcptCommands,
                n.nullSenders, n.authSessions, n.authFailures,
                n.pipelinedTransactions, n.bdatTransactions,
                n.ipv6Sessions, n.vlanSessions, n.qinqSessions,
                n.smtpPackets, n.noisePackets, n.synFloodPackets,
                n.retransmissions, n.reorders,
                START_MICROS, ts, System.nanoTime() - t0);
    }

    /** Writes the capture for {@code o} to {@code file} (creating its directory) and returns what was written. */
    public static Result write(Options o, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        return generate(o, file);
    }

    /**
     * A count as the command line gives it: digits with an optional k/M suffix and underscores
     * ({@code 200k}, {@code 3M}, {@code 1_000}).
     */
    public static long parseCount(String v, boolean allowNegative) {
        String s = v.replace("_", "").trim();
        long mult = 1;
        if (s.endsWith("k") || s.endsWith("K")) mult = 1_000;
        else if (s.endsWith("m") || s.endsWith("M")) mult = 1_000_000;
        if (mult != 1) s = s.substring(0, s.length() - 1);
        try {
            long n = Math.multiplyExact(Long.parseLong(s), mult);
            if (!allowNegative && n < 1) throw new IllegalArgumentException("must be at least 1: " + v);
            return n;
        } catch (NumberFormatException | ArithmeticException ex) {
            throw new IllegalArgumentException("expects a number (k/M suffixes allowed), got '" + v + "'");
        }
    }

    /** A probability in 0..1. */
    public static double parseRate(String v) {
        try {
            double d = Double.parseDouble(v);
            if (!(d >= 0 && d <= 1)) throw new IllegalArgumentException("must be in 0..1: " + v);
            return d;
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("expects a number in 0..1, got '" + v + "'");
        }
    }
}
