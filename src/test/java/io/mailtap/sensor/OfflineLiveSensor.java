package io.mailtap.sensor;

import io.mailtap.capture.OfflineSource;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;

import java.nio.file.Path;

/**
 * The live sensor ({@code mailtap run}: its threads, outputs, metrics endpoint and the standard
 * alert sinks from the configuration) fed from a capture file instead of an interface, for tests
 * outside this package that need the real run-time outputs without capture rights.
 */
public final class OfflineLiveSensor {
    private OfflineLiveSensor() {}

    /** Starts it; the capture ends by itself ({@link LiveSensor#awaitTermination(java.time.Duration)}). */
    public static LiveSensor start(Path configFile, Path pcap) throws SensorException {
        MailtapConfig cfg = ConfigLoader.load(configFile);
        LiveSensor s = new LiveSensor(cfg, configFile, "test", () -> new CaptureOpener.Opened(OfflineSource.open(pcap, null), null),
                SinkFactory.standard(), SystemdNotifier.disabled());
        s.start();
        return s;
    }
}
