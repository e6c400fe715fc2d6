package io.mailtap.corpus;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.fail;

/**
 * Where the shared capture corpus lives: {@code $MAILTAP_CORPUS}, else {@code ../shared/pcaps}
 * next to the checkout. On CI a missing corpus is a failure (the agreement numbers in the README
 * would silently stop being checked); on a developer machine the tests are skipped with a message.
 */
final class Corpus {
    private Corpus() {}

    static Path dir() {
        String env = System.getenv("MAILTAP_CORPUS");
        Path dir = env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared", "pcaps");
        if (!Files.isDirectory(dir)) {
            String msg = "capture corpus not found at " + dir.toAbsolutePath()
                    + " (set MAILTAP_CORPUS to the shared/pcaps directory)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(msg);
            Assumptions.abort(msg);
        }
        return dir;
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
