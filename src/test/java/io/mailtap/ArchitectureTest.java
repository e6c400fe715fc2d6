package io.mailtap;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md's first rule, enforced: data flows one way, so a package never imports a package to its
 * right in the chain. The order below is DESIGN's chain (capture → decode → flow → stream → smtp →
 * detect → alert) with the floors around it: ground-floor helpers first, the outputs that consume
 * facts after the stages that produce them, and composition (config, sensor) and commands (cli) on
 * top. A package not in the list fails the test, so a new package must be placed deliberately.
 * Tooling is not a floor of the product: the benchmark generator is its own source set (src/bench),
 * compiled against the product, so no main file can import it (and this test would name one that did).
 *
 * <p>A plain scan of import lines (fully qualified references in code are not used in this code
 * base): cheap, no dependency, and it reads the same text a reviewer reads.
 */
class ArchitectureTest {
    /** Lowest floor first; a package may import only packages earlier in this list. */
    static final List<String> FLOORS = List.of(
            "text",      // WireText: the policies for hostile wire text (ground floor)
            "time",      // PacketTime: packet time as ISO-8601 text (ground floor)
            "util",      // redaction and meter helpers, no knowledge of any stage
            "settings",  // the config key DSL (Section, Leaf, ConfigView, live/restart): no YAML, any stage declares its keys with it
            "capture",   // pcap handles: parses nothing beyond the link type
            "decode",    // frames → views
            "flow",      // TCP flows and reassembly
            "stream",    // connection routing, content detection, TLS sniffing, tunnels
            "smtp",      // the protocol state machine: facts, no judgement
            "detect",    // policies over the facts
            "txlog",     // the transaction log writer (consumes smtp facts)
            "alert",     // alert model, de-duplication, sinks
            "metrics",   // reads the stages' counters
            "config",    // YAML → the stages' settings
            "sensor",    // assembles the chain once (replay and live)
            "cli");      // parses and prints

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?io\\.mailtap\\.([a-z0-9_]+)\\.", Pattern.MULTILINE);
    private static final Path MAIN = Path.of("src", "main", "java", "io", "mailtap");

    @Test
    void noPackageImportsAPackageToItsRight() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles()) {
            String from = MAIN.relativize(file).getName(0).toString();
            int fromFloor = FLOORS.indexOf(from);
            Matcher m = IMPORT.matcher(Files.readString(file));
            while (m.find()) {
                String to = m.group(1);
                if (to.equals(from)) continue;
                int toFloor = FLOORS.indexOf(to);
                if (toFloor < 0 || toFloor > fromFloor) {
                    violations.add(MAIN.relativize(file) + " imports io.mailtap." + to
                            + (toFloor < 0 ? " (a package missing from FLOORS)" : " (a floor above " + from + ")"));
                }
            }
        }
        assertThat(violations).as("imports that point upstream (DESIGN: data flows one way)").isEmpty();
    }

    @Test
    void everyMainPackageHasAFloor() throws IOException {
        Set<String> packages = new TreeSet<>();
        for (Path file : javaFiles()) {
            Path rel = MAIN.relativize(file);
            if (rel.getNameCount() > 1) packages.add(rel.getName(0).toString());
        }
        assertThat(packages).as("packages under io.mailtap").isNotEmpty();
        assertThat(FLOORS).as("every package is placed in DESIGN's order").containsAll(packages);
    }

    /** The scan itself must see violations, or the first test could never fail. */
    @Test
    void theScanFindsAnUpstreamImport() {
        Matcher m = IMPORT.matcher("package io.mailtap.flow;\nimport io.mailtap.smtp.SmtpSession;\n");
        assertThat(m.find()).isTrue();
        assertThat(FLOORS.indexOf(m.group(1))).isGreaterThan(FLOORS.indexOf("flow"));
    }

    private static List<Path> javaFiles() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).filter(p -> MAIN.relativize(p).getNameCount() > 1).toList();
        }
    }
}
