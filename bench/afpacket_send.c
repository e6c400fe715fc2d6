/*
 * A small AF_PACKET sender for bench/live.sh (where tcpreplay is missing or too slow): loads a
 * classic pcap file into memory and writes its frames to an interface with sendmmsg, in batches
 * of 64, paced to a packet rate (0: as fast as it can).
 *
 *   afpacket_send IFACE FILE.pcap PACKETS_PER_SECOND
 *
 * Prints "sent N in S s: R packets/s" on stdout. Needs CAP_NET_RAW.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: afpacket_send IFACE FILE.pcap PACKETS_PER_SECOND\n");
        return 2;
    }
    double rate = atof(argv[3]);
    FILE *f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *file = malloc(size);
    if (!file || fread(file, 1, size, f) != (size_t) size) { perror("read"); return 1; }
    fclose(f);
    uint32_t magic;
    memcpy(&magic, file, 4);
    if (size < 24 || (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d)) {
        fprintf(stderr, "%s: not a little-endian classic pcap file\n", argv[2]);
        return 1;
    }
    /* index the frames */
    long cap = 1 << 20, n = 0;
    struct iovec *iov = malloc(cap * sizeof *iov);
    for (long off = 24; off + 16 <= size;) {
        uint32_t incl;
        memcpy(&incl, file + off + 8, 4);
        if (off + 16 + incl > (unsigned long) size) break;
        if (n == cap) iov = realloc(iov, (cap *= 2) * sizeof *iov);
        iov[n].iov_base = file + off + 16;
        iov[n].iov_len = incl;
        n++;
        off += 16 + incl;
    }

    int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (s < 0) { perror("socket"); return 1; }
    struct sockaddr_ll addr = {0};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = if_nametoindex(argv[1]);
    if (!addr.sll_ifindex) { perror(argv[1]); return 1; }
    if (bind(s, (struct sockaddr *) &addr, sizeof addr) < 0) { perror("bind"); return 1; }
    int big = 64 << 20;
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);

    struct mmsghdr msgs[BATCH];
    long sent = 0, failed = 0;
    double start = now();
    for (long i = 0; i < n;) {
        int k = n - i < BATCH ? (int) (n - i) : BATCH;
        memset(msgs, 0, sizeof msgs);
        for (int j = 0; j < k; j++) {
            msgs[j].msg_hdr.msg_iov = &iov[i + j];
            msgs[j].msg_hdr.msg_iovlen = 1;
        }
        int r = sendmmsg(s, msgs, k, 0);
        if (r <= 0) { failed++; if (failed > 1000000) { perror("sendmmsg"); break; } continue; }
        i += r;
        sent += r;
        if (rate > 0) {
            double due = start + sent / rate, wait = due - now();
            if (wait > 0.0003) { /* sleep most of a long gap, spin the rest: a sleep alone is too coarse */
                struct timespec t = {0, (long) ((wait - 0.0002) * 1e9)};
                nanosleep(&t, NULL);
            }
            while (now() < due) { }
        }
    }
    double secs = now() - start;
    printf("sent %ld in %.3f s: %.0f packets/s\n", sent, secs, sent / secs);
    return 0;
}
