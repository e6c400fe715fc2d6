package io.mailtap.bench;

import io.mailtap.bench.BenchGenerator.Options;
import io.mailtap.bench.BenchGenerator.Variant;
import io.mailtap.cli.Main;
import io.mailtap.cli.ToolCommand;
import io.mailtap.cli.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code mailtap bench-gen}: the seeded benchmark capture generator's command line (bench/README.md).
 * It is tooling, not sensor: it ships in the tooling jar (src/bench → target/mailtap-bench.jar) and
 * joins mailtap's CLI through {@link ToolCommand} when that jar is on the class path.
 */
@Command(name = "bench-gen", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Write a seeded benchmark capture: the same options and seed give a byte-identical file.",
                "Numbers take k/M suffixes (200k, 3M) and underscores."})
public final class BenchGenCommand implements Callable<Integer>, ToolCommand {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE",
            description = "pcap to write (written as FILE.part, renamed when complete)")
    Path out;

    @Option(names = "--variant", paramLabel = "V", converter = VariantConverter.class, defaultValue = "mix",
            description = "mix (default): SMTP sessions with ~20%% HTTPS/DNS noise; many-flows: concurrent SMTP "
                    + "connections opened before any closes; syn-flood: distinct SYNs to port 25 with ~10%% mix background")
    Variant variant;

    @Option(names = "--seed", paramLabel = "N", converter = SignedCount.class, defaultValue = "1",
            description = "same seed and options give a byte-identical file (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--packets", paramLabel = "N", converter = Count.class, defaultValue = "3M",
            description = "mix: at least N packets (default ${DEFAULT-VALUE})")
    long packets;

    @Option(names = "--flows", paramLabel = "N", converter = Count.class, defaultValue = "1M",
            description = "many-flows: connections (default ${DEFAULT-VALUE}, at most 16M)")
    long flows;

    @Option(names = "--syns", paramLabel = "N", converter = Count.class, defaultValue = "5M",
            description = "syn-flood: SYNs (default ${DEFAULT-VALUE}, at most 16M)")
    long syns;

    @Option(names = "--concurrency", paramLabel = "N", converter = Count.class, defaultValue = "200",
            description = "mix: sessions open at a time (default ${DEFAULT-VALUE})")
    long concurrency;

    @Option(names = "--retransmit-rate", paramLabel = "P", converter = Rate.class, defaultValue = "0.03",
            description = "probability that a pair of bulk segments includes a retransmission (default ${DEFAULT-VALUE})")
    double retransmitRate;

    @Option(names = "--reorder-rate", paramLabel = "P", converter = Rate.class, defaultValue = "0.03",
            description = "probability that a pair of bulk segments is swapped (default ${DEFAULT-VALUE})")
    double reorderRate;

    @Option(names = "--no-close", description = "many-flows: leave the connections open at the end")
    boolean noClose;

    @Override
    public Integer call() {
        Options o;
        try {
            o = new Options(variant, seed, packets, (int) Math.min(Integer.MAX_VALUE, flows), syns,
                    (int) Math.min(Integer.MAX_VALUE, concurrency), retransmitRate, reorderRate, !noClose);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            BenchGenerator.Result r = BenchGenerator.write(o, out);
            spec.commandLine().getOut().println(r.summary(out.toString()));
            return Main.EXIT_OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("mailtap: bench-gen: cannot write " + out + ": " + e);
            return Main.EXIT_FAILURE;
        }
    }

    static final class VariantConverter implements CommandLine.ITypeConverter<Variant> {
        @Override public Variant convert(String v) { return Variant.parse(v); }
    }

    static final class Count implements CommandLine.ITypeConverter<Long> {
        @Override public Long convert(String v) { return BenchGenerator.parseCount(v, false); }
    }

    static final class SignedCount implements CommandLine.ITypeConverter<Long> {
        @Override public Long convert(String v) { return BenchGenerator.parseCount(v, true); }
    }

    static final class Rate implements CommandLine.ITypeConverter<Double> {
        @Override public Double convert(String v) { return BenchGenerator.parseRate(v); }
    }
}
