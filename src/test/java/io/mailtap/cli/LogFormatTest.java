package io.mailtap.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogFormatTest {
    private static final String PROP = "logback.configurationFile";

    @AfterEach
    void restore() {
        System.clearProperty(PROP);
    }

    @Test
    void jsonSelectsTheJsonConfigurationThatShipsInTheJar() {
        System.clearProperty(PROP);
        assertThat(LogFormat.select("json")).isNull();
        assertThat(System.getProperty(PROP)).isEqualTo("logback-json.xml");
        assertThat(LogFormat.class.getClassLoader().getResource("logback-json.xml")).isNotNull();
    }

    @Test
    void textOrNothingKeepsTheDefault() {
        System.clearProperty(PROP);
        assertThat(LogFormat.select(null)).isNull();
        assertThat(LogFormat.select("TEXT")).isNull();
        assertThat(System.getProperty(PROP)).isNull();
    }

    @Test
    void anUnknownFormatIsRefusedAndEscaped() {
        assertThat(LogFormat.select("xml\u001b[2J")).isEqualTo("MAILTAP_LOG_FORMAT must be text or json, not 'xml\\x1b[2J'");
        assertThat(System.getProperty(PROP)).isNull();
    }
}
