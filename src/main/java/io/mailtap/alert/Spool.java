package io.mailtap.alert;

import io.mailtap.txlog.RecordFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

/**
 * The notifications a sink could not deliver yet, oldest first: in memory (what the delivery
 * thread sends from) and in a file {@code <dir>/<sink>-<id>.spool} (one encoded notification per
 * line, 0640, locked while in use) so a restart or a reload that rebuilds the sink sends them
 * too. Bounded by {@code maxBytes}; {@link #add} refuses beyond it (the caller counts the drop).
 *
 * <p>A file whose sink is gone (its lock is free: an earlier run, or the sink a reload replaced)
 * is adopted by {@link #adoptOrphans}: its lines are appended to this spool and the file is
 * deleted. The file is emptied whenever the spool empties; a crash between a delivery and that
 * point sends a notification twice (at least once, never lost). Delivery thread only.
 */
final class Spool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final String SUFFIX = ".spool";

    private final Path dir;
    private final String sink;
    private final long maxBytes;
    private final Path path;
    private final FileChannel file;
    private final FileLock lock;
    private final ArrayDeque<byte[]> records = new ArrayDeque<>();
    private final LogLimiter diskErrorLog = new LogLimiter(AsyncDelivery.LOG_INTERVAL);
    private long bytes;
    private long fileEnd;

    private Spool(Path dir, String sink, long maxBytes) throws IOException {
        this.dir = dir;
        this.sink = sink;
        this.maxBytes = maxBytes;
        Files.createDirectories(dir);
        this.path = dir.resolve(sink + "-" + UUID.randomUUID() + SUFFIX);
        this.file = FileChannel.open(path, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(RecordFile.MODE));
        this.lock = file.tryLock();
    }

    /** Opens a new spool file for {@code sink} in {@code dir} and adopts what earlier runs left there. */
    static Spool open(Path dir, String sink, long maxBytes) throws IOException {
        Spool s = new Spool(dir, sink, maxBytes);
        s.adoptOrphans();
        return s;
    }

    int size() { return records.size(); }

    boolean isEmpty() { return records.isEmpty(); }

    long bytes() { return bytes; }

    /** Appends one encoded notification (no line break inside); false when it does not fit. */
    boolean add(byte[] record) {
        if (bytes + record.length + 1 > maxBytes) return false;
        records.addLast(record);
        bytes += record.length + 1;
        ByteBuffer b = ByteBuffer.allocate(record.length + 1).put(record).put((byte) '\n').flip();
        try {
            while (b.hasRemaining()) fileEnd += file.write(b, fileEnd);
        } catch (IOException e) {
            // memory still holds it: only a restart during this outage could lose it
            long skipped = diskErrorLog.acquire();
            if (skipped >= 0) LOG.warn("{}: cannot write the spool file {}: {}{}", sink, path, e.getMessage(),
                    LogLimiter.suppressedNote(skipped));
        }
        return true;
    }

    /** The oldest {@code n} (or fewer) notifications, still spooled until {@link #remove}. */
    List<byte[]> head(int n) {
        List<byte[]> out = new ArrayList<>(Math.min(n, records.size()));
        for (byte[] r : records) {
            if (out.size() == n) break;
            out.add(r);
        }
        return out;
    }

    /** Removes the oldest {@code n}: delivered, or given up for good. */
    void remove(int n) {
        for (int i = 0; i < n && !records.isEmpty(); i++) bytes -= records.removeFirst().length + 1;
        if (records.isEmpty()) {
            try {
                file.truncate(0);
                fileEnd = 0;
            } catch (IOException e) {
                LOG.warn("{}: cannot empty the spool file {}: {}", sink, path, e.getMessage());
            }
        }
    }

    /**
     * Takes over spool files of this sink that no live sink holds: their notifications join this
     * spool (after what it holds) and the files are deleted.
     *
     * @return notifications that did not fit (the caller counts them as dropped)
     */
    int adoptOrphans() {
        int dropped = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, sink + "-*" + SUFFIX)) {
            for (Path p : ds) {
                if (p.equals(path)) continue;
                dropped += adopt(p);
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot look for earlier spool files in {}: {}", sink, dir, e.getMessage());
        }
        return dropped;
    }

    private int adopt(Path p) {
        int dropped = 0;
        int taken = 0;
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException held) {
                return 0; // a live sink of this process holds it (a reload's previous sink, still closing)
            }
            if (l == null) return 0; // a live sink of another process holds it
            byte[] all = Files.readAllBytes(p);
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] != '\n') continue;
                if (i > start) {
                    if (add(java.util.Arrays.copyOfRange(all, start, i))) taken++;
                    else dropped++;
                }
                start = i + 1;
            }
            Files.delete(p);
        } catch (IOException e) {
            LOG.warn("{}: cannot take over the spool file {}: {}", sink, p, e.getMessage());
            return dropped;
        }
        if (taken + dropped > 0) {
            LOG.info("{}: took over {} undelivered notification(s) from {}{}", sink, taken, p,
                    dropped > 0 ? " (" + dropped + " did not fit and were dropped)" : "");
        }
        return dropped;
    }

    /** Releases the file; what is still spooled stays in it for the next sink (or run) to send. */
    @Override
    public void close() {
        try {
            if (lock != null) lock.release();
            file.close();
            if (records.isEmpty()) Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("{}: cannot close the spool file {}: {}", sink, path, e.getMessage());
        }
    }
}
