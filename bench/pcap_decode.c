/*
 * pcap_decode FILE: pcap_count plus the work every packet costs a sensor before any protocol
 * logic: parse Ethernet, 802.1Q/802.1ad tags, IPv4 (options, fragments) or IPv6 (extension
 * headers), TCP; build a direction-independent flow key (VLANs, addresses, ports) and find or
 * insert it in an open-addressing hash table (linear probing, grows at 50 % load). The
 * "C with decode + flow lookup" reference. Prints
 *   packets=N bytes=B seconds=S pps=P tcp=T flows=F skipped=K
 * Build: gcc -O2 -o pcap_decode pcap_decode.c -lpcap
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct key {
    uint8_t a[16], b[16];   /* addresses, IPv4 as v4-mapped; a is the lower endpoint */
    uint16_t pa, pb;        /* ports of a and b */
    uint32_t vlan;          /* outer << 12 | inner */
};

struct entry {
    struct key k;
    uint64_t hash;          /* 0 = empty slot */
    uint64_t packets, bytes;
};

static struct entry *table;
static size_t cap, used;

static uint64_t hash_key(const struct key *k) {
    /* FNV-1a over the key bytes, then a 64-bit finaliser; never 0 (0 marks an empty slot) */
    const uint8_t *p = (const uint8_t *)k;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < sizeof *k; i++) h = (h ^ p[i]) * 1099511628211ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static void grow(void);

static struct entry *lookup(const struct key *k) {
    uint64_t h = hash_key(k);
    size_t mask = cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct entry *e = &table[i];
        if (e->hash == 0) {
            e->hash = h;
            e->k = *k;
            if (++used * 2 > cap) {
                grow();
                return lookup(k);
            }
            return e;
        }
        if (e->hash == h && memcmp(&e->k, k, sizeof *k) == 0) return e;
    }
}

static void grow(void) {
    struct entry *old = table;
    size_t oldcap = cap;
    cap *= 2;
    table = calloc(cap, sizeof *table);
    if (table == NULL) {
        fprintf(stderr, "pcap_decode: out of memory\n");
        exit(1);
    }
    size_t mask = cap - 1;
    for (size_t j = 0; j < oldcap; j++) {
        if (old[j].hash == 0) continue;
        size_t i = old[j].hash & mask;
        while (table[i].hash != 0) i = (i + 1) & mask;
        table[i] = old[j];
    }
    free(old);
}

static inline uint16_t be16(const u_char *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* Decodes one frame; returns 1 for a TCP segment (key filled), 0 to skip. */
static int decode(const u_char *f, uint32_t len, struct key *k, uint32_t *payload) {
    if (len < 14) return 0;
    uint32_t p = 12, outer = 0, inner = 0;
    uint16_t type = be16(f + p);
    int tags = 0;
    while ((type == 0x8100 || type == 0x88a8 || type == 0x9100) && tags < 2) {
        if (p + 6 > len) return 0;
        uint16_t vid = be16(f + p + 2) & 0x0fff;
        if (tags == 0) outer = vid; else inner = vid;
        p += 4;
        type = be16(f + p);
        tags++;
    }
    p += 2;
    uint8_t src[16], dst[16], proto;
    uint32_t l4, end;
    if (type == 0x0800) {
        if (p + 20 > len || (f[p] >> 4) != 4) return 0;
        uint32_t ihl = (f[p] & 0x0f) * 4u, total = be16(f + p + 2);
        if (ihl < 20 || total < ihl) return 0;
        if (be16(f + p + 6) & 0x1fff) return 0;            /* not the first fragment */
        proto = f[p + 9];
        memset(src, 0, 10); src[10] = src[11] = 0xff; memcpy(src + 12, f + p + 12, 4);
        memset(dst, 0, 10); dst[10] = dst[11] = 0xff; memcpy(dst + 12, f + p + 16, 4);
        l4 = p + ihl;
        end = p + total < len ? p + total : len;            /* Ethernet padding is not payload */
    } else if (type == 0x86dd) {
        if (p + 40 > len || (f[p] >> 4) != 6) return 0;
        uint32_t plen = be16(f + p + 4);
        proto = f[p + 6];
        memcpy(src, f + p + 8, 16);
        memcpy(dst, f + p + 24, 16);
        l4 = p + 40;
        end = l4 + plen < len ? l4 + plen : len;
        for (int n = 0; n < 8 && (proto == 0 || proto == 43 || proto == 60 || proto == 44); n++) {
            if (l4 + 8 > end) return 0;
            if (proto == 44) {                               /* fragment header */
                if (be16(f + l4 + 2) & 0xfff8) return 0;
                proto = f[l4];
                l4 += 8;
            } else {
                proto = f[l4];
                l4 += (f[l4 + 1] + 1u) * 8;
            }
        }
    } else {
        return 0;
    }
    if (proto != 6 || l4 + 20 > end) return 0;
    uint32_t off = (f[l4 + 12] >> 4) * 4u;
    if (off < 20 || l4 + off > end) return 0;
    uint16_t sp = be16(f + l4), dp = be16(f + l4 + 2);
    int swap = memcmp(src, dst, 16);
    if (swap == 0) swap = sp > dp;
    if (swap > 0) {
        memcpy(k->a, dst, 16); memcpy(k->b, src, 16); k->pa = dp; k->pb = sp;
    } else {
        memcpy(k->a, src, 16); memcpy(k->b, dst, 16); k->pa = sp; k->pb = dp;
    }
    k->vlan = outer << 12 | inner;
    *payload = end - (l4 + off);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: pcap_decode FILE\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (p == NULL) {
        fprintf(stderr, "pcap_decode: %s\n", err);
        return 1;
    }
    if (pcap_datalink(p) != DLT_EN10MB) {
        fprintf(stderr, "pcap_decode: only Ethernet captures (link type %d)\n", pcap_datalink(p));
        return 1;
    }
    cap = 1 << 16;
    table = calloc(cap, sizeof *table);
    struct pcap_pkthdr *h;
    const u_char *data;
    unsigned long long packets = 0, bytes = 0, tcp = 0, skipped = 0, payload_bytes = 0;
    int rc;
    struct key k;
    memset(&k, 0, sizeof k);
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        packets++;
        bytes += h->caplen;
        uint32_t payload;
        if (!decode(data, h->caplen, &k, &payload)) {
            skipped++;
            continue;
        }
        tcp++;
        struct entry *e = lookup(&k);
        e->packets++;
        e->bytes += payload;
        payload_bytes += payload;
    }
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "pcap_decode: %s after %llu packets\n", pcap_geterr(p), packets);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pcap_close(p);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("packets=%llu bytes=%llu seconds=%.3f pps=%.0f tcp=%llu flows=%zu skipped=%llu tcp_payload_bytes=%llu\n",
           packets, bytes, s, s > 0 ? packets / s : 0.0, tcp, used, skipped, payload_bytes);
    free(table);
    return 0;
}
