package io.mailtap.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real small file system for disk-full tests: a tmpfs mounted on a test's temp directory. Needs
 * root (tests guard with {@link #usable()}); {@link #close} unmounts it.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;

    private Tmpfs(Path dir) { this.dir = dir; }

    /** True when running as root on Linux with mount(8): the only case these tests can run in. */
    public static boolean usable() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/bin/mount"));
    }

    public static Tmpfs mount(Path dir, String size) throws IOException, InterruptedException {
        run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "tmpfs", dir.toString());
        return new Tmpfs(dir);
    }

    public Path dir() { return dir; }

    /** Gives the file system a new size (space returns). */
    public void resize(String size) throws IOException, InterruptedException {
        run("mount", "-o", "remount,size=" + size, dir.toString());
    }

    /** Fills what is left with a file (until ENOSPC). */
    public void fill() throws IOException {
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(dir.resolve("filler"))) {
            while (true) out.write(block);
        } catch (IOException full) {
            // expected: No space left on device
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", dir.toString());
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
    }
}
