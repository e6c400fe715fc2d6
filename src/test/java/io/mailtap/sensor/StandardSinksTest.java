package io.mailtap.sensor;

import io.mailtap.alert.AlertSink;
import io.mailtap.alert.AlertmanagerSink;
import io.mailtap.alert.MonitoredSink;
import io.mailtap.alert.WebhookSink;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The configuration decides which live sinks exist; each is monitored under a contract sink label. */
class StandardSinksTest {
    @Test
    void nothingConfiguredMeansNoSinks() {
        assertThat(SinkFactory.standard().create(ConfigLoader.defaults())).isEmpty();
        assertThat(SinkFactory.none().create(ConfigLoader.defaults())).isEmpty();
    }

    @Test
    void configuredSinksAreCreatedAndMonitored() {
        MailtapConfig cfg = ConfigLoader.parse("alerts:\n  alertmanager:\n    urls: [\"http://127.0.0.1:1\"]\n"
                + "  webhook:\n    url: http://127.0.0.1:1/hook\n");
        List<AlertSink> sinks = SinkFactory.standard().create(cfg);
        try {
            assertThat(sinks).hasSize(2);
            assertThat(sinks.get(0)).isInstanceOf(AlertmanagerSink.class);
            assertThat(sinks.get(1)).isInstanceOf(WebhookSink.class);
            for (AlertSink s : sinks) assertThat(Scrape.SINKS).contains(((MonitoredSink) s).name());
        } finally {
            sinks.forEach(AlertSink::close);
        }
    }

    @Test
    void eachSinkSpecIsASectionUnderAlertsNamedLikeItsMetricLabel() {
        io.mailtap.settings.Section alerts = (io.mailtap.settings.Section) MailtapConfig.schema().child(io.mailtap.alert.SinkSpec.PARENT);
        for (io.mailtap.alert.SinkSpec spec : io.mailtap.alert.Sinks.ALL) {
            assertThat(alerts.child(spec.name())).as(spec.path()).isSameAs(spec.section());
            assertThat(Scrape.SINKS).contains(spec.name());
        }
        assertThat(io.mailtap.alert.Sinks.ALL.stream().map(io.mailtap.alert.SinkSpec::name))
                .containsExactly(AlertmanagerSink.NAME, WebhookSink.NAME);
    }
}
