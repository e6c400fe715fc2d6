package io.mailtap.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a Markdown table out of README.md, so tests can hold it against the declaration it documents. */
public final class ReadmeTables {
    private ReadmeTables() {}

    /** The table that starts with the line {@code header} (the header and every row, each with its newline). */
    public static String table(String header) {
        String readme;
        try {
            readme = Files.readString(Path.of("README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = readme.indexOf(header + "\n");
        if (start < 0) throw new AssertionError("README.md has no table headed " + header);
        if (readme.indexOf(header + "\n", start + 1) >= 0) throw new AssertionError("README.md has two tables headed " + header);
        StringBuilder b = new StringBuilder();
        for (String line : readme.substring(start).split("\n", -1)) {
            if (!line.startsWith("|")) break;
            b.append(line).append('\n');
        }
        return b.toString();
    }
}
