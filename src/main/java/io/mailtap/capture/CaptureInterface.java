package io.mailtap.capture;

import java.util.List;

/**
 * A capture device as libpcap lists it.
 *
 * @param name        the name to pass to {@link LiveOptions} ({@code eth0}, {@code any}, ...)
 * @param description libpcap's description, or "" when it has none
 * @param addresses   the interface's IP addresses in text form (may be empty)
 * @param loopback    whether it is a loopback interface
 * @param up          whether it is up
 */
public record CaptureInterface(String name, String description, List<String> addresses, boolean loopback, boolean up) {
    public CaptureInterface {
        description = description == null ? "" : description;
        addresses = List.copyOf(addresses);
    }
}
