package io.mailtap.smtp;

import io.mailtap.testutil.ReadmeTables;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class AnomalyCatalogueTest {
    @Test
    void idsAreUniqueStableSnakeCaseAndDocumented() {
        assertThat(Arrays.stream(Anomaly.values()).map(Anomaly::id))
                .doesNotHaveDuplicates().allMatch(id -> id.matches("[a-z][a-z0-9_]*"));
        assertThat(Anomaly.values()).allSatisfy(a -> {
            assertThat(a.id()).isEqualTo(a.name().toLowerCase(java.util.Locale.ROOT));
            assertThat(a.doc()).isNotBlank().doesNotContain("|").doesNotContain("\n");
        });
    }

    @Test
    void theReadmeTableIsTheCatalogue() {
        assertThat(ReadmeTables.table("| kind | once per connection | meaning |"))
                .as("README's anomaly table; regenerate it from Anomaly.readmeTable()")
                .isEqualTo(Anomaly.readmeTable());
    }

    /** Kinds are only ever named through the catalogue: no string literal can bypass it again. */
    @Test
    void noAnalyzerSourceNamesAKindByString() throws Exception {
        Pattern literal = Pattern.compile("anomaly\\(\\s*\"");
        try (var files = Files.walk(Path.of("src/main/java/io/mailtap"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                try {
                    assertThat(literal.matcher(Files.readString(f)).find()).as("string anomaly kind in %s", f).isFalse();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    @Test
    void masksRoundTripInDeclarationOrder() {
        int mask = Anomaly.INTERNAL_ERROR.bit() | Anomaly.LINE_TOO_LONG.bit() | Anomaly.PROXY_TUNNEL.bit();
        assertThat(Anomaly.of(mask)).containsExactly(Anomaly.LINE_TOO_LONG, Anomaly.PROXY_TUNNEL, Anomaly.INTERNAL_ERROR);
        assertThat(Anomaly.of(0)).isEmpty();
    }
}
