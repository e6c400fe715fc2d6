package io.mailtap.testutil;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the shared capture corpora live. The first, {@link #get()}: {@code $MAILTAP_CORPUS}, else
 * {@code ../shared/pcaps} next to the checkout. The second, {@link #second()}:
 * {@code $MAILTAP_CORPUS2}, else the sibling {@code pcaps2} of the first. On CI a missing corpus
 * fails the test (what it checks would silently stop being checked); on a developer machine the
 * test is skipped with a message.
 */
public final class CorpusDir {
    private CorpusDir() {}

    /** The two corpora by name, for tests that run over both. */
    public enum Corpus {
        PCAPS("pcaps", "MAILTAP_CORPUS"),
        PCAPS2("pcaps2", "MAILTAP_CORPUS2");

        public final String folder;
        final String env;

        Corpus(String folder, String env) {
            this.folder = folder;
            this.env = env;
        }

        public Path dir() {
            String override = System.getenv(env);
            Path dir;
            if (override != null && !override.isBlank()) dir = Path.of(override);
            else if (this == PCAPS) dir = Path.of("..", "shared", "pcaps");
            else dir = PCAPS.located().resolveSibling(folder);
            return require(dir, env, folder);
        }

        /** Where the corpus would be, without checking that it exists. */
        private Path located() {
            String override = System.getenv(env);
            return override != null && !override.isBlank() ? Path.of(override) : Path.of("..", "shared", folder);
        }
    }

    public static Path get() {
        return Corpus.PCAPS.dir();
    }

    public static Path second() {
        return Corpus.PCAPS2.dir();
    }

    private static Path require(Path dir, String env, String folder) {
        if (!Files.isDirectory(dir)) {
            String msg = "capture corpus not found at " + dir.toAbsolutePath().normalize()
                    + " (set " + env + " to the shared/" + folder + " directory)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(msg);
            Assumptions.abort(msg);
        }
        return dir;
    }

    /** A file of the first corpus, by its path relative to the corpus directory. */
    public static Path file(String relative) {
        Path p = get().resolve(relative);
        if (!Files.exists(p)) throw new AssertionError("not in the corpus: " + p);
        return p;
    }
}
