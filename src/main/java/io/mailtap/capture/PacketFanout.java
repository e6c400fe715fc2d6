package io.mailtap.capture;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * Linux {@code PACKET_FANOUT}: several packet sockets on one interface share its traffic, each
 * packet going to exactly one of them. mailtap uses {@code PACKET_FANOUT_HASH} with
 * {@code PACKET_FANOUT_FLAG_DEFRAG} (Zeek's and Suricata's AF_PACKET model):
 *
 * <ul>
 *   <li>The kernel picks the socket by {@code __skb_get_hash_symmetric} (net/core/flow_dissector.c):
 *   a hash over the IP addresses and the TCP/UDP ports, each pair sorted, so both directions of a
 *   connection land on the same socket. The dissector walks through 802.1Q and 802.1ad (QinQ)
 *   tags, in the frame or in hardware, and PPPoE, without hashing the VLAN id: a connection's
 *   frames hash alike whatever their tags. It follows IP-in-IP and GRE (gretap) to the inner
 *   header. It stops at MPLS, ERSPAN and UDP tunnels: MPLS and ERSPAN mirrors (fixed outer
 *   addresses) all land on one socket, correct but not spread; a VXLAN or GENEVE mirror is hashed
 *   on its outer addresses and UDP ports, so the two directions of an inner connection only meet
 *   if the encapsulator gives them the same outer source port.</li>
 *   <li><b>IPv6 flow labels:</b> kernels whose symmetric dissector stops at a non-zero flow label
 *   ({@code FLOW_DISSECTOR_F_STOP_AT_FLOW_LABEL}, older ones) hash such packets on the addresses
 *   only, so a connection whose one side sends label 0 and the other a label could be split
 *   across sockets. On Linux 6.18 it is not: 200 hand-made IPv6 connections with label 0 one way
 *   and a label the other all stayed whole.</li>
 *   <li>DEFRAG: IPv4 fragments are reassembled before hashing (a later fragment has no ports), so
 *   with fanout the sensor receives whole datagrams where a single handle sees the fragments.</li>
 * </ul>
 *
 * <p>The group id is 16 bits and shared by every process of the network namespace: a socket that
 * joins an existing id with the same settings silently takes a share of that group's packets.
 * {@link #create} with id {@link #AUTO} lets the kernel pick a free id (Linux 4.3+,
 * {@code PACKET_FANOUT_FLAG_UNIQUEID}); on an older kernel it falls back to the id derived from the
 * process id ({@link #pidGroupId}).
 */
public final class PacketFanout {
    /** Let the kernel choose a group id no other socket uses (the default of capture.fanout_id). */
    public static final int AUTO = 0;
    public static final int MAX_GROUP_ID = 0xFFFF;

    // <linux/if_packet.h>, <linux/socket.h>
    static final int SOL_PACKET = 263;
    static final int PACKET_FANOUT = 18;
    static final int PACKET_FANOUT_HASH = 0;
    static final int PACKET_FANOUT_FLAG_UNIQUEID = 0x2000;
    static final int PACKET_FANOUT_FLAG_DEFRAG = 0x8000;
    static final int EINVAL = 22;

    private PacketFanout() {}

    /**
     * The setsockopt value: the group id in the low 16 bits, mode and flags in the high 16
     * ({@code id | (PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16}).
     */
    static int argument(int groupId) {
        return argument(groupId, 0);
    }

    static int argument(int groupId, int extraFlags) {
        if (groupId < 0 || groupId > MAX_GROUP_ID) {
            throw new IllegalArgumentException("fanout group id must be 0.." + MAX_GROUP_ID + ": " + groupId);
        }
        return groupId | (PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG | extraFlags) << 16;
    }

    /** A group id for this process: its pid's low 16 bits (ids are shared across the namespace). */
    public static int pidGroupId(long pid) {
        return (int) (pid & MAX_GROUP_ID);
    }

    /**
     * Puts the packet socket {@code fd}, the first of its group, into group {@code groupId}, or
     * with {@link #AUTO} into a new group with a kernel-chosen id (which may be 0, so the other
     * sockets join by {@link #join}, never by AUTO).
     *
     * @return the group id the socket is in now
     * @throws CaptureException not Linux, or the kernel refused (an id taken by a group with other
     *                          settings or on another interface: EINVAL)
     */
    static int create(int fd, int groupId, String name) throws CaptureException {
        Libc.ensureLoaded();
        if (groupId != AUTO) return join(fd, groupId, name);
        try {
            setsockopt(fd, argument(0, PACKET_FANOUT_FLAG_UNIQUEID));
            return currentGroup(fd);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EINVAL) throw failure(name, "a new fanout group", e);
            return join(fd, pidGroupId(ProcessHandle.current().pid()), name); // kernel older than 4.3: no UNIQUEID
        }
    }

    /** Puts the packet socket {@code fd} into the existing (or a new) group {@code groupId}, 0..65535. */
    static int join(int fd, int groupId, String name) throws CaptureException {
        Libc.ensureLoaded();
        try {
            setsockopt(fd, argument(groupId));
        } catch (LastErrorException e) {
            throw failure(name, "fanout group " + groupId, e);
        }
        return groupId;
    }

    /** The group id of socket {@code fd}, or -1 when it is in none. */
    static int currentGroup(int fd) throws CaptureException {
        Libc.ensureLoaded();
        int[] value = new int[1];
        int[] length = {4};
        try {
            Libc.getsockopt(fd, SOL_PACKET, PACKET_FANOUT, value, length);
        } catch (LastErrorException e) {
            throw new CaptureException("cannot read the fanout group of socket " + fd + ": " + e.getMessage(), e);
        }
        return value[0] == 0 ? -1 : value[0] & MAX_GROUP_ID; // id | type << 16 | flags << 24; 0: no group
    }

    private static void setsockopt(int fd, int arg) {
        Libc.setsockopt(fd, SOL_PACKET, PACKET_FANOUT, new int[] {arg}, 4);
    }

    private static CaptureException failure(String name, String what, LastErrorException e) {
        String hint = e.getErrorCode() == EINVAL
                ? " (the id is in use by a group with other settings or on another interface, or the kernel lacks"
                        + " PACKET_FANOUT_HASH with DEFRAG; choose another capture.fanout_id)"
                : "";
        return new CaptureException(name + ": cannot join " + what + ": " + e.getMessage() + hint, e);
    }

    /** libc's socket options, direct-mapped; errno comes back as LastErrorException. */
    private static final class Libc {
        private static final Throwable LOAD_ERROR;

        static {
            Throwable error = null;
            try {
                if (!Platform.isLinux()) throw new UnsupportedOperationException("PACKET_FANOUT is Linux only");
                Native.register(Libc.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
            } catch (LinkageError | RuntimeException e) {
                error = e;
            }
            LOAD_ERROR = error;
        }

        static void ensureLoaded() throws CaptureException {
            if (LOAD_ERROR != null) {
                throw new CaptureException("capture.threads > 1 needs Linux PACKET_FANOUT: "
                        + CaptureException.oneLine(LOAD_ERROR.getMessage()), LOAD_ERROR);
            }
        }

        static native int setsockopt(int fd, int level, int name, int[] value, int length) throws LastErrorException;

        static native int getsockopt(int fd, int level, int name, int[] value, int[] length) throws LastErrorException;
    }
}
