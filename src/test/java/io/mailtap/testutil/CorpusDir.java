package io.mailtap.testutil;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the shared capture corpus lives: {@code $MAILTAP_CORPUS}, else {@code ../shared/pcaps}
 * next to the checkout. On CI a missing corpus fails the test (what it checks would silently stop
 * being checked); on a developer machine the test is skipped with a message.
 */
public final class CorpusDir {
    private CorpusDir() {}

    public static Path get() {
        String env = System.getenv("MAILTAP_CORPUS");
        Path dir = env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared", "pcaps");
        if (!Files.isDirectory(dir)) {
            String msg = "capture corpus not found at " + dir.toAbsolutePath().normalize()
                    + " (set MAILTAP_CORPUS to the shared/pcaps directory)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(msg);
            Assumptions.abort(msg);
        }
        return dir;
    }

    /** A file of the corpus, by its path relative to the corpus directory. */
    public static Path file(String relative) {
        Path p = get().resolve(relative);
        if (!Files.exists(p)) throw new AssertionError("not in the corpus: " + p);
        return p;
    }
}
