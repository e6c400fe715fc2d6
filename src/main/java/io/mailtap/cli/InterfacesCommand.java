package io.mailtap.cli;

import io.mailtap.capture.CaptureException;
import io.mailtap.capture.CaptureInterface;
import io.mailtap.capture.LiveSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "interfaces", mixinStandardHelpOptions = true, description = "List the interfaces libpcap can capture on.")
final class InterfacesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            for (CaptureInterface i : LiveSource.listInterfaces()) {
                out.printf("%-16s %-4s %s%s%n", i.name(), i.up() ? "up" : "down",
                        String.join(", ", i.addresses()),
                        i.description().isEmpty() ? "" : "  (" + i.description() + ")");
            }
            return Main.EXIT_OK;
        } catch (CaptureException e) {
            spec.commandLine().getErr().println("mailtap: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
    }
}
