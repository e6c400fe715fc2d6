package io.mailtap.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link io.mailtap.sensor.ReplayProbe} (the replay assembly) in a child JVM on this test's
 * classpath, with a hard heap limit: a replay that buffers a hostile element whole runs out of heap
 * there and exits non-zero ({@code -XX:+ExitOnOutOfMemoryError}), which no sampling of this JVM's
 * heap could show as reliably.
 */
final class ChildReplay {
    /** What the child printed and where it wrote. */
    record Result(int exit, String stdout, String stderr, Path out) {}

    private ChildReplay() {}

    static Result run(String maxHeap, Path pcap, Path out, Path config, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "io.mailtap.sensor.ReplayProbe", out.toString(), pcap.toString()));
        if (config != null) cmd.add(config.toString());
        Files.createDirectories(out);
        Path stdout = out.resolveSibling(out.getFileName() + ".stdout");
        Path stderr = out.resolveSibling(out.getFileName() + ".stderr");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("replay of " + pcap.getFileName() + " did not finish within " + timeoutSeconds
                    + " s; stderr: " + tail(Files.readString(stderr)));
        }
        return new Result(p.exitValue(), Files.readString(stdout), Files.readString(stderr), out);
    }

    static String tail(String s) {
        return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    }
}
