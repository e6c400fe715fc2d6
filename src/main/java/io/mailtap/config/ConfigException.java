package io.mailtap.config;

import java.util.List;

/**
 * The configuration is unusable. The message has one line per problem, each
 * {@code config error: <dotted.key>: <problem>}; {@link #problems()} lists them individually.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem, Throwable cause) {
        super(problem, cause);
        this.problems = List.of(problem);
    }

    /** Each problem as {@code config error: <dotted.key>: <problem>}. */
    public List<String> problems() { return problems; }
}
