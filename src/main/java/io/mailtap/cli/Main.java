package io.mailtap.cli;

import org.slf4j.LoggerFactory;
import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.ServiceLoader;
import picocli.CommandLine.Command;

/**
 * Entry point. Commands only parse arguments, call into the sensor and print; exit codes:
 * 0 success, 1 runtime failure (unreadable capture, I/O), 2 bad usage or bad configuration.
 */
@Command(name = "mailtap",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Passive SMTP sensor: follows TCP/SMTP on a mirror port or in capture files and reports who sends what mail.",
        subcommands = {RunCommand.class, ReplayCommand.class, CheckConfigCommand.class, InterfacesCommand.class,
                CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class, ManPageCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        String problem = LogFormat.select(System.getenv(LogFormat.ENV));
        if (problem != null) {
            System.err.println("mailtap: " + problem);
            System.exit(EXIT_USAGE);
        }
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** As {@link #run(String...)}, with the command's output and error streams given. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> EXIT_FAILURE);
        // A failure while running (disk full, an output directory that cannot be written) is one
        // clear line for the operator; the stack trace is there with MAILTAP_LOG_LEVEL=DEBUG.
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String why = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
            if (ex.getCause() != null && ex.getCause().getMessage() != null && !why.contains(ex.getCause().getMessage())) {
                why += ": " + ex.getCause().getMessage();
            }
            cmd.getErr().println("mailtap: " + why);
            LoggerFactory.getLogger(Main.class).debug("command failed", ex);
            return EXIT_FAILURE;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("mailtap: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_USAGE;
        });
        return cl.execute(args);
    }

    /** The sensor's commands plus those of any tooling jar on the class path ({@link ToolCommand}). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (ToolCommand tool : ServiceLoader.load(ToolCommand.class)) cl.addSubcommand(tool);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
