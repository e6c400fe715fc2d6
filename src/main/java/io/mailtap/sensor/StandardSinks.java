package io.mailtap.sensor;

import io.mailtap.alert.AlertSink;
import io.mailtap.config.MailtapConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * Alertmanager and webhook sinks from their config sections.
 *
 * <p>The sinks are written in {@code io.mailtap.alert} in parallel with the live sensor, to the
 * contract {@code static X fromConfig(MailtapConfig.Alertmanager|Webhook, String sensorName)},
 * returning null when not configured, each a {@code MonitoredSink}. Until both branches are merged
 * they are looked up by name, so the sensor builds and runs either way (a configured sink missing
 * from the build is logged). Once merged, {@link #create} can become the two plain calls
 * {@code AlertmanagerSink.fromConfig(cfg.alerts().alertmanager(), cfg.sensor().name())} and
 * {@code WebhookSink.fromConfig(cfg.alerts().webhook(), cfg.sensor().name())}; until then
 * {@code StandardSinksTest} fails if a class is present with another signature.
 */
final class StandardSinks {
    private static final Logger LOG = LoggerFactory.getLogger(StandardSinks.class);
    static final String ALERTMANAGER_CLASS = "io.mailtap.alert.AlertmanagerSink";
    static final String WEBHOOK_CLASS = "io.mailtap.alert.WebhookSink";

    private StandardSinks() {}

    static List<AlertSink> create(MailtapConfig cfg) {
        List<AlertSink> sinks = new ArrayList<>(2);
        String sensor = cfg.sensor().name();
        try {
            add(sinks, ALERTMANAGER_CLASS, MailtapConfig.Alertmanager.class, cfg.alerts().alertmanager(), sensor,
                    !cfg.alerts().alertmanager().urls().isEmpty(), "alerts.alertmanager");
            add(sinks, WEBHOOK_CLASS, MailtapConfig.Webhook.class, cfg.alerts().webhook(), sensor,
                    cfg.alerts().webhook().url() != null, "alerts.webhook");
        } catch (RuntimeException e) {
            for (AlertSink s : sinks) s.close();
            throw e;
        }
        return sinks;
    }

    private static <S> void add(List<AlertSink> out, String className, Class<S> section, S value, String sensor,
                                boolean wanted, String key) {
        Method factory = factoryMethod(className, section);
        if (factory == null) {
            if (wanted) LOG.warn("{} is configured but this build has no {}; alerts go to the alert log only", key, className);
            return;
        }
        try {
            Object sink = factory.invoke(null, value, sensor);
            if (sink != null) out.add((AlertSink) sink);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            throw new IllegalStateException(key + ": cannot create the sink: " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(className + ".fromConfig is not accessible", e);
        }
    }

    /** {@code className.fromConfig(section, String)}, or null when the class is not in this build. */
    static Method factoryMethod(String className, Class<?> section) {
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            return null;
        }
        try {
            Method m = c.getMethod("fromConfig", section, String.class);
            if (!Modifier.isStatic(m.getModifiers()) || !AlertSink.class.isAssignableFrom(m.getReturnType())) {
                throw new IllegalStateException(className + ".fromConfig must be static and return an AlertSink");
            }
            return m;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(className + " has no static fromConfig(MailtapConfig."
                    + section.getSimpleName() + ", String)", e);
        }
    }
}
