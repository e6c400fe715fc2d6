package io.mailtap.txlog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A JSONL file that only ever holds whole records: the writers hand it one complete record (ending
 * in a newline) at a time, it keeps them in a buffer of whole records and writes the buffer with
 * positional writes after the last complete record on disk. A failed or short write (disk full,
 * quota, I/O error) is undone by truncating the file back to that point, so a reader never sees a
 * cut line.
 *
 * <p><b>Live</b> (the sensor): every record is written at once (a tailing reader sees it). While the
 * file cannot be written, records wait in the buffer ({@link #LIVE_BUFFER_BYTES}); the write is
 * retried on the next record after a back-off ({@link #RETRY_INITIAL_NANOS} doubling to
 * {@link #RETRY_MAX_NANOS}), never by waiting, so the caller is never blocked. When space returns
 * the buffered records are written and the file resumes; records that did not fit in the buffer are
 * counted in {@link OutputStats#lost}. {@link #append} never throws.
 *
 * <p><b>Replay</b>: buffered ({@link #REPLAY_BUFFER_BYTES}); the first failed write truncates back to
 * the last whole record and throws, so the replay stops at once with one message.
 *
 * <p><b>Rotation</b> (live): after logrotate renamed the file, a {@link ReopenRequest} (SIGUSR1 or
 * SIGHUP) makes the writer thread reopen the path before its next record ({@link #reopenIfRequested}):
 * what is buffered is written to the old (rotated) file first, then the new file is created and
 * every later record goes there — whole records on both sides, none lost or repeated. A reopen that
 * fails (directory gone, permissions) is counted in {@link OutputStats#reopenErrors}, logged, and
 * retried with the same back-off as a write; meanwhile records keep going to the old file, so
 * nothing is lost.
 *
 * <p>New files are created {@code 0640} (the records name accounts and addresses). Not thread-safe:
 * one writer thread, or the caller synchronizes.
 */
public final class RecordFile implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(RecordFile.class);
    /** Records kept while the disk is full (live): about 2,000 smtp.jsonl lines. */
    public static final int LIVE_BUFFER_BYTES = 1 << 20;
    public static final int REPLAY_BUFFER_BYTES = 1 << 16;
    static final long RETRY_INITIAL_NANOS = 500_000_000L;
    static final long RETRY_MAX_NANOS = 5_000_000_000L;
    /** Rate limit of the "still failing" log line. */
    static final long LOG_INTERVAL_NANOS = 30_000_000_000L;
    /** rw-r-----: the owner writes, the group (the operators) reads, nobody else. */
    public static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r-----");

    /** How the channel is opened (a test substitutes a channel that runs out of space). */
    @FunctionalInterface
    public interface Opener {
        FileChannel open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs) throws IOException;
    }

    private final Output output;
    private final Path path;
    private FileChannel channel;
    private final boolean live;
    private final Opener opener;
    /** Live rotation: the shared request and the generation this channel was opened for; null: never reopens. */
    private ReopenRequest reopen;
    private long reopenedFor;
    private int reopenFailures;
    private long reopenRetryAtNanos;
    private final OutputStats stats;
    private final LongSupplier nanoClock;
    private final ByteBuffer pending;
    private int pendingRecords;
    /** File length up to the end of the last whole record written. */
    private long committed;
    /** The file may hold bytes past {@link #committed} (a truncate after a failed write failed too). */
    private boolean dirty;
    private int consecutiveFailures;
    private long retryAtNanos;
    private long lostThisOutage;
    private long nextLogNanos;
    private boolean closed;

    private RecordFile(Output output, Path path, FileChannel channel, boolean live, OutputStats stats,
                       Opener opener, LongSupplier nanoClock) throws IOException {
        this.output = output;
        this.opener = opener;
        this.path = path;
        this.channel = channel;
        this.live = live;
        this.stats = stats;
        this.nanoClock = nanoClock;
        this.pending = ByteBuffer.allocate(live ? LIVE_BUFFER_BYTES : REPLAY_BUFFER_BYTES);
        this.committed = channel.size();
        stats.failing(null);
    }

    /**
     * Opens (creating it 0640, and its directories) {@code path}.
     *
     * @param live   true: the live sensor (append to what the file holds, write each record at once,
     *               survive a full disk); false: a replay (start the file afresh, buffered, fail fast)
     */
    public static RecordFile open(Output output, Path path, boolean live, OutputStats stats) throws IOException {
        return open(output, path, live, stats, FileChannel::open, System::nanoTime);
    }

    /** As {@link #open(Output, Path, boolean, OutputStats)}, with the channel and the clock given (tests). */
    public static RecordFile open(Output output, Path path, boolean live, OutputStats stats, Opener opener,
                                  LongSupplier nanoClock) throws IOException {
        FileChannel ch = openChannel(path, live, opener);
        try {
            return new RecordFile(output, path, ch, live, stats, opener, nanoClock);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static FileChannel openChannel(Path path, boolean live, Opener opener) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Set<StandardOpenOption> opts = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (!live) opts.add(StandardOpenOption.TRUNCATE_EXISTING);
        return path.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? opener.open(path, opts, PosixFilePermissions.asFileAttribute(MODE))
                : opener.open(path, opts);
    }

    public Path path() { return path; }

    /**
     * Live: reopen the path whenever {@code request} is bumped (log rotation). Call before the first
     * record; the generation current now counts as already opened.
     */
    public RecordFile reopenOn(ReopenRequest request) {
        if (!live) throw new IllegalStateException("a replay's output is never rotated");
        this.reopen = request;
        this.reopenedFor = request.generation();
        return this;
    }

    /**
     * On the writer thread, at a record boundary: if a reopen was requested since the last one,
     * writes what is buffered to the current file, then reopens the path (a failure is counted and
     * retried after a back-off; the records keep going to the open file meanwhile). Also done by
     * {@link #append} and {@link #flush}; the writer's owner calls it when idle so a rotated file is
     * recreated without waiting for the next record.
     *
     * @return true if the file was reopened now
     */
    public boolean reopenIfRequested() {
        ReopenRequest r = reopen;
        if (r == null || closed) return false;
        long gen = r.generation();
        if (gen == reopenedFor) return false;
        long now = nanoClock.getAsLong();
        if (reopenFailures > 0 && now - reopenRetryAtNanos < 0) return false;
        writePending(true); // the records before the signal belong in the rotated file; if it fails they stay buffered
        FileChannel next;
        try {
            next = openChannel(path, true, opener);
        } catch (IOException | RuntimeException e) {
            stats.reopenErrors.incrementAndGet();
            long delay = RETRY_INITIAL_NANOS;
            for (int i = 0; i < reopenFailures && delay < RETRY_MAX_NANOS; i++) delay *= 2;
            reopenRetryAtNanos = now + Math.min(delay, RETRY_MAX_NANOS);
            if (reopenFailures++ == 0 || reopenFailures % 100 == 0) {
                LOG.error("cannot reopen {} after rotation ({} attempts): {}; records keep going to the file open before,"
                        + " retrying (mailtap_output_reopens_total{{output=\"{}\",result=\"failure\"}})", path, reopenFailures,
                        e.getMessage() != null ? e.getMessage() : e.toString(), output.label());
            }
            return false;
        }
        FileChannel old = channel;
        channel = next;
        try {
            committed = next.size();
        } catch (IOException e) {
            committed = 0;
        }
        dirty = false;
        reopenedFor = gen;
        if (reopenFailures > 0) LOG.warn("{} reopened after {} failed attempts", path, reopenFailures);
        reopenFailures = 0;
        stats.reopens.incrementAndGet();
        try {
            old.close();
        } catch (IOException e) {
            LOG.warn("closing the rotated {} failed: {}", path, e.getMessage());
        }
        return true;
    }

    /**
     * One whole record, {@code len} bytes from {@code off}, ending in '\n' (the caller's buffer is
     * copied; it may be reused at once). Live: never throws. Replay: throws
     * {@link UncheckedIOException} when the file cannot be written.
     */
    public void append(byte[] record, int off, int len) {
        if (closed) throw new IllegalStateException(path + " is closed");
        if (reopen != null) reopenIfRequested();
        if (len > pending.remaining() && !writePending(false)) {
            lose(1);
            return;
        }
        if (len > pending.capacity()) { // one record larger than the whole buffer: written on its own
            if (!write(ByteBuffer.wrap(record, off, len), 1)) lose(1);
            return;
        }
        pending.put(record, off, len);
        pendingRecords++;
        if (live) writePending(false);
    }

    /** Replay: writes what is buffered (throws on failure). Live: retries a failed write if due. */
    public void flush() {
        if (reopen != null) reopenIfRequested();
        writePending(false);
    }

    /** Records the file cannot take now and cannot keep: counted, and said in the log (rate-limited). */
    private void lose(long n) {
        stats.lost.addAndGet(n);
        lostThisOutage += n;
    }

    /** Writes the buffered records; false (they stay buffered) while the file cannot be written. */
    private boolean writePending(boolean finalAttempt) {
        if (pending.position() == 0) return true;
        if (!finalAttempt && stats.failing() != null && nanoClock.getAsLong() - retryAtNanos < 0) return false;
        int end = pending.position();
        pending.flip();
        if (write(pending, pendingRecords)) {
            pending.clear();
            pendingRecords = 0;
            return true;
        }
        pending.limit(pending.capacity());
        pending.position(end);
        return false;
    }

    /** Writes {@code buf} (whole records) after the last whole record; on failure undoes the part written. */
    private boolean write(ByteBuffer buf, int records) {
        try {
            if (dirty) {
                channel.truncate(committed);
                dirty = false;
            } else if (live) {
                // A reload hands alerts.jsonl to a new writer while the old one may still flush its
                // buffer: write after whatever is there, never over it.
                committed = Math.max(committed, channel.size());
            }
            long at = committed;
            while (buf.hasRemaining()) {
                dirty = true;
                at += channel.write(buf, at);
            }
            committed = at;
            dirty = false;
            stats.written.addAndGet(records);
            if (stats.failing() != null) recovered();
            return true;
        } catch (IOException e) {
            failed(e);
            return false;
        }
    }

    private void failed(IOException e) {
        stats.writeErrors.incrementAndGet();
        try {
            channel.truncate(committed); // never leave a cut record behind
            dirty = false;
        } catch (IOException ignored) {
            dirty = true; // tried again before the next write
        }
        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (!live) {
            stats.failing(why);
            throw new UncheckedIOException("cannot write " + path + ": " + why, e);
        }
        long now = nanoClock.getAsLong();
        long delay = RETRY_INITIAL_NANOS;
        for (int i = 0; i < consecutiveFailures && delay < RETRY_MAX_NANOS; i++) delay *= 2;
        retryAtNanos = now + Math.min(delay, RETRY_MAX_NANOS);
        consecutiveFailures++;
        if (stats.failing() == null) {
            stats.failing(why);
            lostThisOutage = 0;
            nextLogNanos = now + LOG_INTERVAL_NANOS;
            LOG.error("cannot write {} ({}): {}; keeping up to {} KiB of records and retrying, records beyond that are"
                    + " lost and counted (mailtap_output_records_lost_total{{output=\"{}\"}})", path, output.fileName(), why,
                    pending.capacity() >> 10, output.label());
        } else if (now - nextLogNanos >= 0) {
            nextLogNanos = now + LOG_INTERVAL_NANOS;
            LOG.warn("{} still cannot be written ({}); {} records lost so far in this outage", path, why, lostThisOutage);
        }
    }

    private void recovered() {
        LOG.warn("{} is written again after {} failed attempts; {} records were lost during the outage", path,
                consecutiveFailures, lostThisOutage);
        stats.failing(null);
        consecutiveFailures = 0;
        lostThisOutage = 0;
    }

    /** A last attempt at what is buffered (counted as lost if it fails), then closes the file. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            if (!writePending(true)) {
                lose(pendingRecords);
                LOG.error("{}: {} buffered records could not be written before closing", path, pendingRecords);
            }
        } finally {
            channel.close();
        }
    }
}
