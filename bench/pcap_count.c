/*
 * pcap_count FILE: the physical limit of reading a capture file with libpcap. Opens the file
 * with pcap_open_offline, loops pcap_next_ex counting packets and captured bytes, and prints
 *   packets=N bytes=B seconds=S pps=P
 * (S is CLOCK_MONOTONIC time from open to end of file). Build: gcc -O2 -o pcap_count pcap_count.c -lpcap
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: pcap_count FILE\n");
        return 2;
    }
    char err[PCAP_ERRBUF_SIZE];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pcap_t *p = pcap_open_offline(argv[1], err);
    if (p == NULL) {
        fprintf(stderr, "pcap_count: %s\n", err);
        return 1;
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    unsigned long long packets = 0, bytes = 0;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
        packets++;
        bytes += h->caplen;
    }
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "pcap_count: %s after %llu packets\n", pcap_geterr(p), packets);
        pcap_close(p);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    pcap_close(p);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("packets=%llu bytes=%llu seconds=%.3f pps=%.0f\n", packets, bytes, s, s > 0 ? packets / s : 0.0);
    return 0;
}
