package io.mailtap.e2e;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The lab end-to-end test: runs {@code lab/e2e.sh} (network namespaces with Postfix, swaks traffic on a
 * tc-mirred SPAN port, {@code mailtap run} capturing it live, real Prometheus and Alertmanager, a webhook
 * receiver) against the packaged {@code target/mailtap.jar} and requires it to pass. Run by
 * maven-failsafe-plugin in {@code verify}, after {@code package}.
 *
 * <p>Needs root and the lab's Debian packages ({@code lab/e2e.sh --check} names what is missing). Without
 * them the test is skipped, except with {@code CI=true}, where it fails: CI must run it. The script's
 * output is streamed to the test log (failsafe writes it to
 * {@code target/failsafe-reports/io.mailtap.e2e.EndToEndIT-output.txt}); a failure message carries the
 * script's PASS/FAIL summary. Its work directory (configs, component logs, outputs, a capture of the SPAN
 * port) is {@code target/e2e}.
 */
class EndToEndIT {
    /** The whole run, lab up to cleanup, normally takes well under a minute. */
    private static final Duration TIMEOUT = Duration.ofMinutes(8);
    /** The script's own limit (it stops itself and cleans up); below {@link #TIMEOUT}. */
    private static final int SCRIPT_TIMEOUT_S = 420;
    /** Time the script gets to clean up (namespaces, processes) after SIGTERM. */
    private static final Duration CLEANUP_GRACE = Duration.ofSeconds(60);
    /** e2e.sh: prerequisites missing. */
    private static final int EXIT_PREREQUISITES = 2;
    /** e2e.sh: the lab is up and in use by someone else (not an e2e run). */
    private static final int EXIT_LAB_BUSY = 75;
    /** First line of the script's summary. */
    private static final String SUMMARY_MARK = "mailtap e2e summary";
    private static final int MAX_SUMMARY_LINES = 150;
    private static final String WHERE = "full output: target/failsafe-reports/io.mailtap.e2e.EndToEndIT-output.txt;"
            + " configs, logs, outputs and a capture of the run: target/e2e";

    private static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skipped on a developer machine; a failure on CI. */
    private static void unavailable(String why) {
        if (ci()) fail(why + " (CI=true: the CI machine must run the lab end-to-end test)");
        Assumptions.abort(why);
    }

    private static Path repo() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }

    @Test
    void labEndToEnd() throws Exception {
        Path repo = repo();
        Path script = repo.resolve("lab/e2e.sh");
        Path jar = repo.resolve("target/mailtap.jar");
        assertTrue(Files.isRegularFile(script), "missing " + script);
        assertTrue(Files.isRegularFile(jar), "missing " + jar + " (failsafe runs after package)");

        if (!Files.isRegularFile(Path.of("/proc/self/status"))) unavailable("the lab needs Linux network namespaces");
        Run check = run(repo, Duration.ofSeconds(60), "bash", script.toString(), "--check");
        if (check.exit == EXIT_PREREQUISITES) unavailable(check.tail.trim());
        assertEquals(0, check.exit, "lab/e2e.sh --check: " + check.tail);

        System.out.println("[EndToEndIT] running lab/e2e.sh (limit " + TIMEOUT.toMinutes() + " min)");
        long t0 = System.nanoTime();
        Run e2e = run(repo, TIMEOUT, "bash", script.toString());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        System.out.println("[EndToEndIT] lab/e2e.sh exit " + e2e.exit + " after " + seconds + " s");

        if (e2e.exit == EXIT_LAB_BUSY) unavailable("the lab is in use by someone else: " + e2e.tail.trim());
        if (e2e.timedOut) fail("lab/e2e.sh did not finish within " + TIMEOUT.toMinutes() + " min (" + WHERE
                + "); last output:\n" + e2e.tail);
        assertEquals(0, e2e.exit, () -> "lab/e2e.sh failed (" + WHERE + ")\n"
                + (e2e.summary.isEmpty() ? "last output:\n" + e2e.tail : e2e.summary));
    }

    /**
     * Result of a script run: exit code, whether it was stopped for time, its last lines, and its
     * PASS/FAIL summary without the log dump (capped; empty when it printed none).
     */
    private record Run(int exit, boolean timedOut, String tail, String summary) {}

    /**
     * Runs a command in {@code dir}, streaming its output (stderr merged) to the test log. Past
     * {@code limit} it gets SIGTERM (the script cleans up), then SIGKILL after {@link #CLEANUP_GRACE}.
     */
    private static Run run(Path dir, Duration limit, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("MAILTAP_JAR", dir.resolve("target/mailtap.jar").toString());
        pb.environment().put("MAILTAP_E2E_DIR", dir.resolve("target/e2e").toString());
        pb.environment().put("MAILTAP_E2E_TIMEOUT", Integer.toString(SCRIPT_TIMEOUT_S));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        Deque<String> last = new ArrayDeque<>();
        List<String> summary = new ArrayList<>();
        boolean[] inSummary = {false};
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println(line);
                    synchronized (last) {
                        last.addLast(line);
                        if (last.size() > 40) last.removeFirst();
                        // the summary: from its first line to the log dump, and the final verdict
                        if (line.contains(SUMMARY_MARK)) {
                            summary.clear();
                            inSummary[0] = true;
                        } else if (line.startsWith("-----")) {
                            inSummary[0] = false;
                        }
                        if ((inSummary[0] || line.startsWith("E2E ")) && summary.size() < MAX_SUMMARY_LINES) {
                            summary.add(line);
                        }
                    }
                }
            } catch (IOException e) {
                System.out.println("[EndToEndIT] output stream: " + e);
            }
        }, "e2e-output");
        pump.setDaemon(true);
        pump.start();
        boolean timedOut = !p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (timedOut) {
            System.out.println("[EndToEndIT] time limit reached: SIGTERM (the script cleans up)");
            p.destroy();
            if (!p.waitFor(CLEANUP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                System.out.println("[EndToEndIT] still running: SIGKILL (namespaces may be left; the next run removes them)");
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        pump.join(5_000);
        String tail;
        String sum;
        synchronized (last) {
            tail = String.join("\n", last);
            sum = String.join("\n", summary);
        }
        return new Run(timedOut ? -1 : p.exitValue(), timedOut, tail, sum);
    }
}
