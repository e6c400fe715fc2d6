package io.mailtap.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM and process meters of Micrometer's standard binders (memory pools, GC pauses, threads,
 * CPU, open file descriptors, uptime, loaded classes), with Micrometer's usual names
 * ({@code jvm_*}, {@code process_*}, {@code system_*}) so stock JVM dashboards work. They read the
 * JVM's management beans at scrape time; nothing here touches the packet path.
 */
public final class ProcessMetrics implements AutoCloseable {
    /** The exposed families a scrape has on every JVM the sensor supports (the metrics contract lists them). */
    public static final java.util.List<String> FAMILIES = java.util.List.of(
            "jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total", "jvm_threads_live_threads", "process_cpu_usage",
            "system_cpu_count", "process_files_open_files", "process_uptime_seconds", "jvm_classes_loaded_classes");

    private final JvmGcMetrics gc = new JvmGcMetrics();

    ProcessMetrics(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
    }

    /** Unregisters the GC notification listeners. */
    @Override
    public void close() {
        gc.close();
    }
}
