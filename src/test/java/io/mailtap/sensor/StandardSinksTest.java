package io.mailtap.sensor;

import io.mailtap.alert.AlertSink;
import io.mailtap.alert.MonitoredSink;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wiring to the Alertmanager and webhook sinks of io.mailtap.alert: when the classes are in
 * the build they must have the agreed factory, and what they return must be monitored sinks.
 */
class StandardSinksTest {
    @Test
    void theSinkClassesHaveTheAgreedFactoryWhenPresent() {
        Method am = StandardSinks.factoryMethod(StandardSinks.ALERTMANAGER_CLASS, MailtapConfig.Alertmanager.class);
        Method wh = StandardSinks.factoryMethod(StandardSinks.WEBHOOK_CLASS, MailtapConfig.Webhook.class);
        for (Method m : new Method[] {am, wh}) {
            if (m == null) continue; // not merged into this build yet
            assertThat(AlertSink.class).isAssignableFrom(m.getReturnType());
        }
        assertThat(StandardSinks.factoryMethod("io.mailtap.alert.NoSuchSink", MailtapConfig.Webhook.class)).isNull();
    }

    @Test
    void nothingConfiguredMeansNoSinks() {
        assertThat(SinkFactory.standard().create(ConfigLoader.defaults())).isEmpty();
        assertThat(SinkFactory.none().create(ConfigLoader.defaults())).isEmpty();
    }

    @Test
    void configuredSinksAreCreatedAndMonitoredWhenTheBuildHasThem() {
        MailtapConfig cfg = ConfigLoader.parse("alerts:\n  alertmanager:\n    urls: [\"http://127.0.0.1:1\"]\n"
                + "  webhook:\n    url: http://127.0.0.1:1/hook\n");
        List<AlertSink> sinks = SinkFactory.standard().create(cfg);
        try {
            int expected = (StandardSinks.factoryMethod(StandardSinks.ALERTMANAGER_CLASS, MailtapConfig.Alertmanager.class) != null ? 1 : 0)
                    + (StandardSinks.factoryMethod(StandardSinks.WEBHOOK_CLASS, MailtapConfig.Webhook.class) != null ? 1 : 0);
            assertThat(sinks).hasSize(expected);
            for (AlertSink s : sinks) {
                assertThat(s).isInstanceOf(MonitoredSink.class);
                assertThat(Scrape.SINKS).contains(((MonitoredSink) s).name());
            }
        } finally {
            sinks.forEach(AlertSink::close);
        }
    }
}
