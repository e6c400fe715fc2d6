package io.mailtap.sensor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Signals of a running sensor: SIGHUP → {@link LiveSensor#reload()} and then
 * {@link LiveSensor#reopenOutputs()} (as Suricata's SIGHUP reopens its logs); SIGUSR1 →
 * {@link LiveSensor#reopenOutputs()} only, which the shipped logrotate file sends, so a nightly
 * rotation never re-applies a configuration file someone is in the middle of editing; SIGTERM and
 * SIGINT → {@link LiveSensor#stop()}, after which {@code mailtap run} exits 0.
 *
 * <p>TERM and INT get {@code sun.misc.Signal} handlers rather than only a shutdown hook: in a hook
 * the JVM is already exiting and reports status 143 (128+SIGTERM) whatever the sensor does, which
 * systemd would count as a failure. A shutdown hook still stops the sensor cleanly if the JVM exits
 * any other way (or the handlers could not be installed, e.g. under {@code -Xrs}).
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is reached reflectively: javac warns about
 * every direct use of it and the warning cannot be suppressed, and a JDK without it then only
 * loses SIGHUP (logged).
 */
public final class SensorSignals {
    private static final Logger LOG = LoggerFactory.getLogger(SensorSignals.class);

    private SensorSignals() {}

    /** Installs the handlers and the shutdown hook for {@code sensor}. */
    public static void install(LiveSensor sensor) {
        handle("HUP", () -> {
            LOG.info("SIGHUP: reloading the configuration and reopening the output files");
            try {
                sensor.reload();
            } finally {
                sensor.reopenOutputs(); // also when the new file is rejected: a rotation must not wait on a typo
            }
        });
        handleReopen(sensor);
        for (String name : new String[] {"TERM", "INT"}) {
            handle(name, () -> {
                LOG.info("SIG{}: stopping", name);
                sensor.stop();
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(sensor::stop, "mailtap-shutdown"));
    }

    /** SIGUSR1 → {@link LiveSensor#reopenOutputs()} (log rotation); false if it could not be installed. */
    static boolean handleReopen(LiveSensor sensor) {
        return handle("USR1", () -> {
            LOG.info("SIGUSR1: reopening the output files");
            sensor.reopenOutputs();
        });
    }

    /** {@code Signal.handle(new Signal(name), sig -> action.run())}; false if it could not be installed. */
    static boolean handle(String name, Runnable action) {
        String why;
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object sig = signal.getConstructor(String.class).newInstance(name);
            // The JVM runs each handler call on a new thread, so a slow reload or stop blocks nothing.
            Object h = Proxy.newProxyInstance(SensorSignals.class.getClassLoader(), new Class<?>[] {handler},
                    (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            action.run();
                            return null;
                        }
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "mailtap SIG" + name + " handler";
                        };
                    });
            Method handle = signal.getMethod("handle", signal, handler);
            handle.invoke(null, sig, h);
            return true;
        } catch (InvocationTargetException e) { // IllegalArgumentException: in use by the JVM (-Xrs), unknown here
            why = String.valueOf(e.getCause().getMessage());
        } catch (ReflectiveOperationException | RuntimeException e) {
            why = "sun.misc.Signal unavailable: " + e;
        }
        LOG.warn("cannot handle SIG{} ({}); {}", name, why,
                switch (name) {
                    case "HUP" -> "reload by restarting";
                    case "USR1" -> "log rotation needs a restart (or logrotate's copytruncate)";
                    default -> "the shutdown hook stops the sensor";
                });
        return false;
    }
}
