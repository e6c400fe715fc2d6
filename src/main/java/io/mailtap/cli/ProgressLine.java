package io.mailtap.cli;

import io.mailtap.sensor.ReplayProgress;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A replay's progress on the terminal, one line on stderr redrawn in place: packets, rate, share
 * of the input read and the time left. Only on a terminal (a pipe, a file or a CI log gets
 * nothing), only once the replay has run for a second, redrawn at most four times a second, and
 * erased when the replay is done so the summary starts on a clean line.
 */
final class ProgressLine implements ReplayProgress {
    private static final long FIRST_AFTER_NANOS = 1_000_000_000L;
    private static final long REDRAW_NANOS = 250_000_000L;

    private final PrintWriter err;
    private final LongSupplier clock;
    private final long start;
    private long lastDrawn;
    private int width;

    ProgressLine(PrintWriter err, LongSupplier clock) {
        this.err = err;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** A progress line when stdin and stdout are a terminal ({@link System#console()}), else nothing. */
    static ReplayProgress forTerminal(PrintWriter err) {
        return onTerminal(System.console()) ? new ProgressLine(err, System::nanoTime) : ReplayProgress.NONE;
    }

    /** JDK 22+ gives a Console even when redirected; only its isTerminal() then tells. */
    static boolean onTerminal(java.io.Console console) {
        if (console == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 17-21: a console exists only on a terminal
        }
    }

    @Override
    public void update(long packets, long bytesRead, long totalBytes) {
        long now = clock.getAsLong();
        long elapsed = now - start;
        if (elapsed < FIRST_AFTER_NANOS || (width > 0 && now - lastDrawn < REDRAW_NANOS)) return;
        lastDrawn = now;
        String line = format(packets, bytesRead, totalBytes, elapsed);
        err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        err.flush();
        width = line.length();
    }

    @Override
    public void done() {
        if (width == 0) return;
        err.print("\r" + " ".repeat(width) + "\r");
        err.flush();
        width = 0;
    }

    /** "replay: 1,234,567 packets · 312,000 packets/s · 45% · ETA 0:09" */
    static String format(long packets, long bytesRead, long totalBytes, long elapsedNanos) {
        double secs = elapsedNanos / 1e9;
        double share = totalBytes <= 0 ? 0 : Math.min(1.0, (double) bytesRead / totalBytes);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "replay: %,d packets · %,.0f packets/s · %.0f%%",
                packets, secs > 0 ? packets / secs : 0, share * 100));
        if (share > 0 && share < 1) s.append(" · ETA ").append(clock(Math.round(secs * (1 - share) / share)));
        return s.toString();
    }

    private static String clock(long seconds) {
        long h = seconds / 3600, m = seconds / 60 % 60, sec = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
