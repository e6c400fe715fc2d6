package io.mailtap.detect;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An immutable set of IPv4 and IPv6 networks in CIDR notation ({@code 10.0.0.0/8},
 * {@code fc00::/7}; a bare address means a single host). Lists are short (a site's address plan),
 * so membership is a linear scan over pre-parsed prefixes with no allocation.
 */
public final class AddressSet {
    private static final AddressSet EMPTY = new AddressSet(List.of(), new byte[0][], new int[0]);

    private final List<String> cidrs;
    private final byte[][] networks;
    private final int[] prefixes;

    private AddressSet(List<String> cidrs, byte[][] networks, int[] prefixes) {
        this.cidrs = cidrs;
        this.networks = networks;
        this.prefixes = prefixes;
    }

    public static AddressSet empty() { return EMPTY; }

    /**
     * Parses every entry; throws {@link IllegalArgumentException} naming the first bad one.
     * Entries are normalised ({@code 10.1.2.3} becomes {@code 10.1.2.3/32}).
     */
    public static AddressSet parse(List<String> entries) {
        List<String> texts = new ArrayList<>(entries.size());
        byte[][] nets = new byte[entries.size()][];
        int[] prefs = new int[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            Cidr c = Cidr.parse(entries.get(i));
            nets[i] = c.network;
            prefs[i] = c.prefix;
            texts.add(c.text());
        }
        return new AddressSet(Collections.unmodifiableList(texts), nets, prefs);
    }

    public boolean contains(InetAddress a) {
        return a != null && contains(a.getAddress());
    }

    /** {@link #contains(InetAddress)} for the address's bytes (4 or 16), so a caller asking several sets copies them once. */
    public boolean contains(byte[] b) {
        for (int i = 0; i < networks.length; i++) {
            if (networks[i].length == b.length && matches(networks[i], prefixes[i], b)) return true;
        }
        return false;
    }

    public boolean isEmpty() { return networks.length == 0; }

    /** The entries in normalised CIDR form, in configuration order. */
    public List<String> cidrs() { return cidrs; }

    private static boolean matches(byte[] net, int prefix, byte[] addr) {
        int full = prefix >>> 3;
        for (int i = 0; i < full; i++) if (net[i] != addr[i]) return false;
        int rest = prefix & 7;
        if (rest == 0) return true;
        int mask = (0xff << (8 - rest)) & 0xff;
        return (net[full] & mask) == (addr[full] & mask);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressSet other && cidrs.equals(other.cidrs);
    }

    @Override
    public int hashCode() { return cidrs.hashCode(); }

    @Override
    public String toString() { return cidrs.toString(); }

    /** One parsed CIDR block. */
    public static final class Cidr {
        final byte[] network;
        final int prefix;

        private Cidr(byte[] network, int prefix) {
            this.network = network;
            this.prefix = prefix;
        }

        /**
         * Parses {@code address[/prefix]}; throws {@link IllegalArgumentException} with a message
         * fit for an operator (bad address, prefix out of range, host bits set).
         */
        public static Cidr parse(String text) {
            if (text == null || text.isBlank()) throw new IllegalArgumentException("empty network");
            String t = text.trim();
            int slash = t.indexOf('/');
            String addrText = slash < 0 ? t : t.substring(0, slash);
            InetAddress addr = InetLiteral.parse(addrText);
            if (addr == null) {
                throw new IllegalArgumentException("\"" + text + "\" is not an IPv4/IPv6 address or CIDR block"
                        + " (expected e.g. 10.0.0.0/8 or fc00::/7)");
            }
            // "::ffff:10.0.0.0/104" parses to an IPv4 address; keep the family the user wrote.
            boolean v4 = addr instanceof Inet4Address;
            int max = v4 ? 32 : 128;
            int prefix = max;
            if (slash >= 0) {
                String p = t.substring(slash + 1);
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                    throw new IllegalArgumentException("\"" + text + "\": prefix length must be a number 0-" + max);
                }
                prefix = Integer.parseInt(p);
                if (prefix > max) {
                    throw new IllegalArgumentException("\"" + text + "\": prefix length " + prefix
                            + " is out of range 0-" + max);
                }
            }
            byte[] net = addr.getAddress();
            byte[] masked = net.clone();
            for (int bit = prefix; bit < max; bit++) masked[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
            if (!Arrays.equals(net, masked)) {
                String fixed;
                try {
                    fixed = InetAddress.getByAddress(masked).getHostAddress() + "/" + prefix;
                } catch (java.net.UnknownHostException e) {
                    fixed = "?";
                }
                throw new IllegalArgumentException("\"" + text + "\": host bits are set (did you mean " + fixed + "?)");
            }
            return new Cidr(masked, prefix);
        }

        public String text() {
            try {
                String a = InetAddress.getByAddress(network).getHostAddress();
                if (network.length == 16) a = compressV6(a);
                return a + "/" + prefix;
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** RFC 5952 form of the JDK's full IPv6 text ({@code fc00:0:0:0:0:0:0:0} → {@code fc00::}). */
    static String compressV6(String full) {
        String[] parts = full.split(":", -1);
        if (parts.length != 8) return full;
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (parts[i].equals("0")) {
                int j = i;
                while (j < 8 && parts[j].equals("0")) j++;
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLen < 2) return String.join(":", parts);
        String head = String.join(":", Arrays.copyOfRange(parts, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(parts, bestStart + bestLen, 8));
        return head + "::" + tail;
    }
}
