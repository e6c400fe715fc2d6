package io.mailtap.corpus;

import io.mailtap.testutil.CorpusDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;


/**
 * Where the shared capture corpus lives: {@code $MAILTAP_CORPUS}, else {@code ../shared/pcaps}
 * next to the checkout. On CI a missing corpus is a failure (the agreement numbers in the README
 * would silently stop being checked); on a developer machine the tests are skipped with a message.
 */
final class Corpus {
    private Corpus() {}

    static Path dir() {
        return CorpusDir.get();
    }

    /** Every {@code *.truth.json}, sorted, as paths relative to the corpus directory. */
    static List<Path> truthFiles() throws IOException {
        Path dir = dir();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".truth.json"))
                    .map(dir::relativize)
                    .sorted()
                    .toList();
        }
    }

    static Path captureFor(Path truthRelative) {
        String name = truthRelative.toString();
        return dir().resolve(name.substring(0, name.length() - ".truth.json".length()));
    }
}
