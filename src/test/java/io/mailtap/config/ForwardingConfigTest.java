package io.mailtap.config;

import io.mailtap.txlog.Forwarded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** output.stdout / output.syslog: the keys parse, bad values name the key, the record kinds are the log package's. */
class ForwardingConfigTest {
    @TempDir
    Path dir;

    @Test
    void theRecordKindsAreTheForwardedEnum() {
        assertThat(Schema.FORWARDED_ALL).isEqualTo(Arrays.stream(Forwarded.values()).map(Forwarded::configName).toList());
    }

    @Test
    void defaultsAreOffAndKeysParse() throws Exception {
        MailtapConfig d = ConfigLoader.defaults();
        assertThat(d.output().stdout().enabled()).isFalse();
        assertThat(d.output().syslog().enabled()).isFalse();
        Path f = Files.writeString(dir.resolve("m.yml"), "output:\n  stdout:\n    enabled: true\n    records: [alerts]\n"
                + "  syslog:\n    enabled: true\n    protocol: unix\n    address: /run/rsyslog/mailtap.sock\n    facility: 3\n");
        MailtapConfig c = ConfigLoader.load(f);
        assertThat(c.output().stdout().records()).isEqualTo(List.of("alerts"));
        assertThat(c.output().syslog().protocol()).isEqualTo("unix");
        assertThat(c.output().syslog().facility()).isEqualTo(3);
    }

    @Test
    void badValuesNameTheirKey() throws Exception {
        Path f = Files.writeString(dir.resolve("m.yml"), "output:\n  stdout:\n    records: [mail]\n");
        assertThatThrownBy(() -> ConfigLoader.load(f)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("output.stdout.records[0]");
        Path a = Files.writeString(dir.resolve("a.yml"), "output:\n  syslog:\n    enabled: true\n    protocol: tcp\n    address: localhost\n");
        assertThatThrownBy(() -> ConfigLoader.load(a)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("output.syslog.address");
        Path g = Files.writeString(dir.resolve("g.yml"), "output:\n  syslog:\n    protocol: tls\n");
        assertThatThrownBy(() -> ConfigLoader.load(g)).hasMessageContaining("output.syslog.protocol");
    }
}
