package io.mailtap.cli;

import io.mailtap.text.WireText;

import java.util.Locale;

/**
 * The operator log's format, from {@code MAILTAP_LOG_FORMAT}: {@code text} (default, logback.xml)
 * or {@code json} (logback-json.xml, one JSON object per line). Chosen before the first logger is
 * made, because logback reads its configuration once. An unknown value is refused rather than
 * silently giving text, so a pipeline that expects JSON is not fed lines it cannot parse.
 */
final class LogFormat {
    static final String ENV = "MAILTAP_LOG_FORMAT";
    private static final String LOGBACK_FILE = "logback.configurationFile";

    private LogFormat() {}

    /** Selects the configuration for {@code value}; returns a problem to report, or null. */
    static String select(String value) {
        if (value == null || value.isBlank()) return null;
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "text":
                return null;
            case "json":
                if (System.getProperty(LOGBACK_FILE) == null) System.setProperty(LOGBACK_FILE, "logback-json.xml");
                return null;
            default:
                return ENV + " must be text or json, not '" + WireText.forTerminal(value) + "'";
        }
    }
}
