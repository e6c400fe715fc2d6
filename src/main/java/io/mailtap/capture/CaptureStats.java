package io.mailtap.capture;

/**
 * libpcap's counters for a live capture, since the handle was opened. For a file, {@code received}
 * is the number of packets read and both drop counters are 0.
 *
 * @param received           packets the kernel handed to the filter (on {@code lo}, each packet
 *                           counts once per direction)
 * @param droppedByKernel    packets dropped because the capture buffer was full: the sensor was
 *                           too slow or the buffer too small
 * @param droppedByInterface packets the NIC or driver dropped before the kernel saw them (not
 *                           supported by every driver; 0 then)
 */
public record CaptureStats(long received, long droppedByKernel, long droppedByInterface) {}
