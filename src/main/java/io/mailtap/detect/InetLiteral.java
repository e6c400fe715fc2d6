package io.mailtap.detect;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses numeric IP address text without ever touching DNS ({@link InetAddress#getByName} resolves
 * anything that is not a literal, which a sensor must never do with text a peer sent it).
 */
public final class InetLiteral {
    private InetLiteral() {}

    /**
     * The address written as a strict IPv4 dotted quad ({@code 192.0.2.1}) or an IPv6 literal
     * ({@code 2001:db8::1}, {@code ::ffff:192.0.2.1}, no zone id, no brackets); null for anything
     * else, including host names.
     */
    public static InetAddress parse(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) return null;
        byte[] v4 = parseV4(s);
        if (v4 != null) {
            try {
                return InetAddress.getByAddress(v4);
            } catch (UnknownHostException e) {
                return null; // cannot happen for 4 bytes
            }
        }
        if (s.indexOf(':') < 0) return null;
        char first = s.charAt(0);
        if (first != ':' && Character.digit(first, 16) < 0) return null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ':' && c != '.' && Character.digit(c, 16) < 0) return null;
            if (c > 0x7f) return null;
        }
        try {
            // Contains ':' and only hex digits, ':' and '.': the JDK parses it as an IPv6 literal
            // and throws instead of resolving when it is not one.
            return InetAddress.getByName(s);
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    /** Four decimal octets 0-255 separated by dots, nothing else; null otherwise. */
    static byte[] parseV4(String s) {
        byte[] out = new byte[4];
        int part = 0, value = 0, digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                if (++digits > 3) return null;
                value = value * 10 + (c - '0');
            } else if (c == '.') {
                if (digits == 0 || value > 255 || part > 3) return null;
                out[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }
}
