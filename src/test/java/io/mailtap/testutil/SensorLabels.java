package io.mailtap.testutil;

import java.util.regex.Pattern;

/**
 * Every series carries the sensor's own labels ({@code sensor}, and {@code site} when set: the
 * registry's common tags). Tests about one counter's value compare series without them.
 */
public final class SensorLabels {
    private static final Pattern LABEL = Pattern.compile("(?<=[{,])(?:sensor|site)=\"[^\"]*\",?");

    private SensorLabels() {}

    /** The exposition text with the sensor and site labels removed ({@code x{sensor="a"} 1} → {@code x 1}). */
    public static String strip(String scrape) {
        String s = LABEL.matcher(scrape).replaceAll("");
        return s.replace(",}", "}").replace("{}", "");
    }
}
