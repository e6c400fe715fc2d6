package io.mailtap.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code target/corpus-report.md}: each corpus test writes its own section, and the report is the
 * sections in name order, so the tests can run alone or together and the README quotes one file.
 */
final class CorpusReport {
    private static final Path DIR = Path.of("target", "corpus-report.d");
    private static final Path REPORT = Path.of("target", "corpus-report.md");

    private CorpusReport() {}

    static synchronized void section(String name, List<String> lines) throws IOException {
        Files.createDirectories(DIR);
        Files.write(DIR.resolve(name + ".md"), lines);
        List<String> all = new ArrayList<>();
        try (Stream<Path> s = Files.list(DIR)) {
            for (Path p : s.sorted().toList()) {
                all.addAll(Files.readAllLines(p));
                all.add("");
            }
        }
        Files.write(REPORT, all);
    }
}
