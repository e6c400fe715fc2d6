package io.mailtap.cli;

import io.mailtap.bench.BenchGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench-gen",
        description = {"Write a seeded benchmark capture (see bench/README.md).",
                "Options: --out FILE --variant mix|many-flows|syn-flood --seed N --packets N --flows N --syns N",
                "         --concurrency N --retransmit-rate R --reorder-rate R --no-close (numbers take k/M suffixes)"})
final class BenchGenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @CommandLine.Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return BenchGenerator.run(stream(spec.commandLine().getOut()), stream(spec.commandLine().getErr()),
                args.toArray(String[]::new));
    }

    private static PrintStream stream(PrintWriter w) {
        return new PrintStream(new OutputStream() {
            @Override public void write(int b) { w.write(b); }
            @Override public void write(byte[] b, int off, int len) { w.write(new String(b, off, len, StandardCharsets.UTF_8)); }
            @Override public void flush() { w.flush(); }
        }, true, StandardCharsets.UTF_8);
    }
}
