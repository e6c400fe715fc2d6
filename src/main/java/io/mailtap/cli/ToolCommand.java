package io.mailtap.cli;

/**
 * A subcommand that a tooling jar on the class path adds to mailtap's CLI, found through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.mailtap.cli.ToolCommand}). The
 * product jar contributes none, so the sensor carries no tooling; the checkout's
 * {@code target/mailtap-bench.jar} (src/bench) adds {@code bench-gen}, which then parses, answers
 * {@code --help} and exits like every other command. An implementation is a picocli {@code @Command}
 * with a public no-argument constructor.
 */
public interface ToolCommand {
}
