package io.mailtap.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A YAML alias would read as its own name ("*n" → "n"): it is refused, naming the key and line. */
class ConfigAliasTest {
    @Test
    void anAliasInAListIsRefusedWithItsKeyAndLine() {
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.parse(
                "sensor:\n  name: &n mail.corp.example\nnetwork:\n  public_helo: [*n]\n"), ConfigException.class);
        assertThat(e).isNotNull();
        assertThat(e.problems()).containsExactly(
                "config error: network.public_helo: YAML alias *n (line 4) is not supported: write the value itself");
    }

    @Test
    void anAliasAsAScalarValueIsRefused() {
        ConfigException e = catchThrowableOfType(() -> ConfigLoader.parse(
                "flow:\n  idle_timeout: &t 10m\n  closed_timeout: *t\n"), ConfigException.class);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).startsWith("config error: flow.closed_timeout: YAML alias *t (line 3)");
    }

    @Test
    void anAnchorAloneIsHarmless() {
        assertThat(ConfigLoader.parse("sensor:\n  name: &n s1\n").sensor().name()).isEqualTo("s1");
    }
}
