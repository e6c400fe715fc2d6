package io.mailtap.bench;

import java.util.Arrays;

/** A growable byte array with ASCII appenders; reused across sessions so it rarely grows. */
final class ByteBuf {
    byte[] a;
    int len;

    ByteBuf(int capacity) {
        a = new byte[capacity];
    }

    void clear() { len = 0; }

    private void room(int n) {
        if (len + n > a.length) a = Arrays.copyOf(a, Math.max(a.length * 2, len + n));
    }

    ByteBuf ascii(String s) {
        int n = s.length();
        room(n);
        for (int i = 0; i < n; i++) a[len + i] = (byte) s.charAt(i);
        len += n;
        return this;
    }

    ByteBuf ascii(char c) {
        room(1);
        a[len++] = (byte) c;
        return this;
    }

    ByteBuf num(long v) {
        if (v < 0) {
            ascii('-');
            v = -v;
        }
        if (v >= 10) num(v / 10);
        return ascii((char) ('0' + (int) (v % 10)));
    }

    /** {@code v} as {@code digits} lowercase hex digits. */
    ByteBuf hex(long v, int digits) {
        room(digits);
        for (int i = digits - 1; i >= 0; i--) {
            a[len + i] = (byte) "0123456789abcdef".charAt((int) (v & 15));
            v >>>= 4;
        }
        len += digits;
        return this;
    }

    ByteBuf crlf() {
        room(2);
        a[len++] = '\r';
        a[len++] = '\n';
        return this;
    }

    ByteBuf bytes(byte[] src, int off, int n) {
        room(n);
        System.arraycopy(src, off, a, len, n);
        len += n;
        return this;
    }

    ByteBuf bytes(byte[] src) {
        return bytes(src, 0, src.length);
    }

    ByteBuf u8(int v) {
        room(1);
        a[len++] = (byte) v;
        return this;
    }

    ByteBuf u16(int v) {
        room(2);
        a[len++] = (byte) (v >>> 8);
        a[len++] = (byte) v;
        return this;
    }

    ByteBuf u32(int v) {
        return u16(v >>> 16).u16(v);
    }
}
