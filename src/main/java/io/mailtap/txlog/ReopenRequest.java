package io.mailtap.txlog;

/**
 * "Reopen your file by its path" (log rotation), shared by a sensor's output files. The signal
 * handler only bumps a volatile generation; each {@link RecordFile} compares it with the generation
 * it last opened on its own writer thread, before its next record — so the file is swapped at a
 * record boundary, without a lock on the write path, and a record is never split between the
 * rotated file and the new one.
 */
public final class ReopenRequest {
    private volatile long generation;

    /** Asks every file sharing this request to reopen (any thread; cheap). */
    public void request() {
        synchronized (this) { // several signal threads: no bump is lost
            generation++;
        }
    }

    /** Bumped once per {@link #request()}. */
    public long generation() { return generation; }
}
