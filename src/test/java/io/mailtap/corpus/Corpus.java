package io.mailtap.corpus;

import io.mailtap.testutil.CorpusDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;


/**
 * The shared capture corpora ({@code ../shared/pcaps} and its sibling {@code pcaps2}, see
 * {@link CorpusDir}). On CI a missing corpus is a failure (the agreement numbers in the README
 * would silently stop being checked); on a developer machine the tests are skipped with a message.
 */
final class Corpus {
    private Corpus() {}

    /** One capture of a corpus: its truth file and its name as the deviation tables and reports use it. */
    record Capture(CorpusDir.Corpus corpus, Path truthRelative) {
        /** e.g. {@code zeek/smtp.pcap} for the first corpus, {@code pcaps2/zeek-zeek/old/smtp.trace} for the second. */
        String name() {
            String rel = truthRelative.toString().replace('\\', '/');
            rel = rel.substring(0, rel.length() - ".truth.json".length());
            return corpus == CorpusDir.Corpus.PCAPS ? rel : corpus.folder + "/" + rel;
        }

        Path truth() { return corpus.dir().resolve(truthRelative); }

        Path file() {
            String rel = truthRelative.toString();
            return corpus.dir().resolve(rel.substring(0, rel.length() - ".truth.json".length()));
        }

        @Override
        public String toString() { return name(); }
    }

    static Path dir() {
        return CorpusDir.get();
    }

    /** Every capture with a {@code *.truth.json} in both corpora, sorted by corpus then path. */
    static List<Capture> captures() throws IOException {
        Stream<Capture> all = Stream.empty();
        for (CorpusDir.Corpus c : CorpusDir.Corpus.values()) all = Stream.concat(all, captures(c).stream());
        return all.toList();
    }

    static List<Capture> captures(CorpusDir.Corpus corpus) throws IOException {
        Path dir = corpus.dir();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".truth.json"))
                    .map(dir::relativize)
                    .sorted()
                    .map(p -> new Capture(corpus, p))
                    .toList();
        }
    }
}
