package io.mailtap.txlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;

/**
 * A real file whose "disk" holds at most {@link #limit} bytes: a write that crosses it writes what
 * fits (a short write, as write(2) does) and the next one fails with ENOSPC's message. Raising the
 * limit gives the space back.
 */
public final class SpaceLimitedChannel extends FileChannel {
    private final FileChannel real;
    volatile long limit;
    int failedWrites;

    private SpaceLimitedChannel(FileChannel real, long limit) {
        this.real = real;
        this.limit = limit;
    }

    /** An opener for {@link RecordFile#open} handing out one channel with {@code limit}; the channel is in {@code out[0]}. */
    public static RecordFile.Opener opener(long limit, SpaceLimitedChannel[] out) {
        return (Path p, Set<? extends OpenOption> o, FileAttribute<?>... a) -> out[0] = new SpaceLimitedChannel(FileChannel.open(p, o, a), limit);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        long room = limit - position;
        if (room <= 0) {
            failedWrites++;
            throw new IOException("No space left on device");
        }
        if (src.remaining() > room) {
            ByteBuffer part = src.slice();
            part.limit((int) room);
            int n = real.write(part, position);
            src.position(src.position() + n);
            return n;
        }
        return real.write(src, position);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = write(src, real.position());
        real.position(real.position() + n);
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long n = 0;
        for (int i = offset; i < offset + length; i++) n += write(srcs[i]);
        return n;
    }

    @Override public int read(ByteBuffer dst) throws IOException { return real.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return real.read(dsts, offset, length); }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return real.read(dst, position); }
    @Override public long position() throws IOException { return real.position(); }
    @Override public FileChannel position(long p) throws IOException { real.position(p); return this; }
    @Override public long size() throws IOException { return real.size(); }
    @Override public FileChannel truncate(long size) throws IOException { real.truncate(size); return this; }
    @Override public void force(boolean metaData) throws IOException { real.force(metaData); }
    @Override public long transferTo(long p, long c, WritableByteChannel t) throws IOException { return real.transferTo(p, c, t); }
    @Override public long transferFrom(ReadableByteChannel s, long p, long c) { throw new UnsupportedOperationException(); }
    @Override public MappedByteBuffer map(MapMode m, long p, long s) { throw new UnsupportedOperationException(); }
    @Override public FileLock lock(long p, long s, boolean sh) throws IOException { return real.lock(p, s, sh); }
    @Override public FileLock tryLock(long p, long s, boolean sh) throws IOException { return real.tryLock(p, s, sh); }
    @Override protected void implCloseChannel() throws IOException { real.close(); }
}
