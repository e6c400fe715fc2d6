package io.mailtap.sensor;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A replay output written beside its final name and renamed onto it only when the replay got
 * through: a replay that fails (bad input, disk full, an exception) leaves the previous
 * {@code smtp.jsonl}/{@code alerts.jsonl} as they were, never truncated or half-written. The
 * temporary name is in the same directory, so the rename is atomic on one file system.
 */
final class StagedFile {
    private final Path target;
    private final Path temp;

    private StagedFile(Path target, Path temp) {
        this.target = target;
        this.temp = temp;
    }

    /** Reserves {@code .NAME.PID.part} beside {@code target} (the caller opens and writes it). */
    static StagedFile beside(Path target) {
        Path abs = target.toAbsolutePath();
        return new StagedFile(target, abs.resolveSibling("." + abs.getFileName() + "." + ProcessHandle.current().pid() + ".part"));
    }

    Path temp() { return temp; }

    Path target() { return target; }

    /** Replaces the target with what was written. */
    void commit() throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Drops what was written; the target is untouched. */
    void discard() {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // a stray .part file beside the outputs is all that is left; nothing to tell the operator more
        }
    }
}
