package dev.lanecontroller.cli;

import dev.lanecontroller.daemon.LaneDevices;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.hal.gpio.PinSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The technician's check at the lane (docs/hardware.md): every input's live state, every output
 * driven in turn (asking whether it did what it should, unless told yes), the gate raised and
 * lowered to its limit switches (never while the safety loop is occupied), the reader's link and
 * the camera's endpoint. Ends with a table; fails if any line does.
 */
final class Selftest {
    /**
     * The camera endpoint's first answer, in a JVM just started: seconds on a Pi, more under emulation
     * (3 s failed there). Nothing listening is refused at once; only a hung endpoint waits this long.
     */
    private static final Duration CAMERA_PROBE_TIMEOUT = Duration.ofSeconds(30);

    enum Result { PASS, FAIL, SKIPPED, DRIVEN }

    record Line(String item, Result result, String detail) {}

    private final LaneDevices devices;
    private final BufferedReader answers;
    private final PrintStream out;
    private final boolean yes;
    private final long stepMs;
    private final long gateTimeoutMs;
    private final List<Line> lines = new ArrayList<>();

    Selftest(LaneDevices devices, BufferedReader answers, PrintStream out, boolean yes, long stepMs, long gateTimeoutMs) {
        this.devices = devices;
        this.answers = answers;
        this.out = out;
        this.yes = yes;
        this.stepMs = stepMs;
        this.gateTimeoutMs = gateTimeoutMs;
    }

    List<Line> run() throws IOException, InterruptedException {
        inputs();
        lamps();
        gate();
        reader();
        camera();
        table();
        return lines;
    }

    boolean passed() {
        return lines.stream().noneMatch(line -> line.result() == Result.FAIL);
    }

    private void inputs() {
        out.println("Inputs (live):");
        devices.gpio().inputNames().forEach((name, pin) -> {
            if (!name.startsWith("feedback.")) {
                boolean on = devices.gpio().logical(name);
                out.printf(Locale.ROOT, "  %-20s GPIO %2d  %s%n", name, pin.bcm(), on ? "ON (occupied / reached / open)" : "off");
                lines.add(new Line(name, Result.PASS, "reads " + (on ? "on" : "off")));
            }
        });
    }

    private void lamps() throws IOException, InterruptedException {
        for (String output : devices.gpio().outputNames().keySet()) {
            if (!output.startsWith("lamp.")) {
                continue;
            }
            PinSpec pin = devices.gpio().outputNames().get(output);
            if (!ask("Light " + output + " (GPIO " + pin.bcm() + ") for " + stepMs + " ms?")) {
                lines.add(new Line(output, Result.SKIPPED, "not driven"));
                continue;
            }
            devices.gpio().signal().show(SignalAspect.valueOf(output.substring("lamp.".length())));
            Thread.sleep(stepMs);
            String feedback = "feedback." + output;
            Boolean readBack = devices.gpio().inputNames().containsKey(feedback) ? devices.gpio().logical(feedback) : null;
            devices.gpio().signal().show(SignalAspect.STOP);
            if (readBack != null) {
                lines.add(new Line(output, readBack ? Result.PASS : Result.FAIL, readBack ? "lit, confirmed by its feedback"
                        : "its feedback did not see it lit"));
            } else if (yes) {
                lines.add(new Line(output, Result.DRIVEN, "driven; no feedback wired, look at the signal"));
            } else {
                boolean seen = ask("Did " + output + " light (and only it)?");
                lines.add(new Line(output, seen ? Result.PASS : Result.FAIL, seen ? "seen lit" : "not seen lit"));
            }
        }
    }

    private void gate() throws IOException, InterruptedException {
        if (devices.gpio().logical("loop." + LoopId.SAFETY)) {
            out.println("The safety loop is occupied: the gate is not moved.");
            lines.add(new Line("gate", Result.FAIL, "REFUSED: the safety loop is occupied; clear it and run again"));
            return;
        }
        if (!ask("Raise the gate, then lower it (the lane must be clear)?")) {
            lines.add(new Line("gate", Result.SKIPPED, "not moved"));
            return;
        }
        lines.add(new Line("gate open", move(GateDirection.UP, GateLimit.OPEN), "to the open limit switch"));
        if (devices.gpio().logical("loop." + LoopId.SAFETY)) {
            lines.add(new Line("gate close", Result.FAIL, "REFUSED: the safety loop became occupied"));
            return;
        }
        if (devices.gpio().inputNames().containsKey("closedLimit") && devices.gpio().logical("closedLimit")) {
            // Reaching a limit the arm never left proves nothing about the close.
            lines.add(new Line("gate close", Result.FAIL, "the arm never left the closed limit: the close cannot be checked (relays, operator?)"));
            return;
        }
        lines.add(new Line("gate close", move(GateDirection.DOWN, GateLimit.CLOSED), "to the closed limit switch"
                + (devices.gpio().outputNames().containsKey("safetyTest") ? ", after the safety sensor's check" : "")));
    }

    private Result move(GateDirection direction, GateLimit limit) throws InterruptedException {
        CountDownLatch reached = new CountDownLatch(1);
        List<String> faults = new ArrayList<>();
        devices.gpio().gate().onLimitReached(l -> {
            if (l == limit) {
                reached.countDown();
            }
        });
        devices.gpio().faults().onFault(fault -> faults.add(fault.component() + ": " + fault.detail()));
        devices.gpio().gate().move(direction);
        boolean ok = reached.await(gateTimeoutMs, TimeUnit.MILLISECONDS)
                || devices.gpio().logical(limit == GateLimit.OPEN ? "openLimit" : "closedLimit");
        if (!faults.isEmpty()) {
            out.println("  " + String.join("; ", faults));
            return Result.FAIL;
        }
        out.println("  gate " + direction + ": " + (ok ? limit + " limit reached" : "no " + limit + " limit within " + gateTimeoutMs + " ms"));
        return ok ? Result.PASS : Result.FAIL;
    }

    private void reader() throws InterruptedException {
        CountDownLatch alive = new CountDownLatch(1);
        devices.ports().tagReader().onHeartbeat(alive::countDown);
        devices.ports().tagReader().onRead(read -> out.println("  card read: " + read.epcHex().substring(0, Math.min(8, read.epcHex().length()))
                + "… antenna " + read.antenna() + ", " + read.rssiDbm() + " dBm"));
        devices.start();
        boolean ok = alive.await(10, TimeUnit.SECONDS);
        if (devices.llrp() != null) {
            // Online means set up and inventorying, not just answering keepalives.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!devices.llrp().online() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            ok = devices.llrp().online();
        }
        String detail;
        if (devices.llrp() != null && ok && !devices.llrp().antennaTrouble().isEmpty()) {
            ok = false; // set up and inventorying, but blind where the lane needs it
            detail = "LLRP reader online, but it reports " + devices.llrp().antennaTrouble() + " (check the antenna cable)";
        } else if (devices.llrp() != null) {
            detail = ok ? "LLRP reader online (set up and inventorying)" : "LLRP reader not ready: " + devices.llrp().lastProblem();
        } else if (devices.serial() != null) {
            detail = ok ? "serial port open" : "serial reader: " + devices.serial().lastProblem();
        } else {
            detail = ok ? "Wiegand lines idle high" : "Wiegand: a line is held low (wiring?)";
        }
        lines.add(new Line("reader", ok ? Result.PASS : Result.FAIL, detail));
    }

    private void camera() throws IOException, InterruptedException {
        if (devices.camera() == null) {
            lines.add(new Line("camera", Result.SKIPPED, "none configured"));
            return;
        }
        if (devices.camera().https()) {
            // Checking it from here would mean trusting any certificate; the camera's own test post is the check.
            lines.add(new Line("camera endpoint", Result.SKIPPED, "HTTPS on port " + devices.camera().port() + ": post from the camera (or curl "
                    + "--cacert) to check it; " + devices.camera().accepted() + " posts from the camera so far"));
            return;
        }
        // Without the secret the configured path must answer 401: it is up, it is the path, and it checks.
        HttpClient http = HttpClient.newBuilder().connectTimeout(CAMERA_PROBE_TIMEOUT).build();
        String path = devices.camera().path();
        try {
            int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + devices.camera().port() + path))
                    .timeout(CAMERA_PROBE_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            lines.add(new Line("camera endpoint", status == 401 ? Result.PASS : Result.FAIL,
                    "port " + devices.camera().port() + ", path " + path + ": " + status + " without the secret"
                            + (status == 401 ? "" : " (401 expected)") + "; " + devices.camera().accepted() + " posts from the camera so far"));
        } catch (IOException e) {
            lines.add(new Line("camera endpoint", Result.FAIL, "not answering on port " + devices.camera().port() + ": " + e.getMessage()));
        }
    }

    private boolean ask(String question) throws IOException {
        if (yes) {
            out.println(question + " yes (--yes)");
            return true;
        }
        out.print(question + " [y/N] ");
        out.flush();
        String answer = answers.readLine();
        return answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y");
    }

    private void table() {
        out.println();
        out.printf(Locale.ROOT, "%-20s %-8s %s%n", "ITEM", "RESULT", "DETAIL");
        for (Line line : lines) {
            out.printf(Locale.ROOT, "%-20s %-8s %s%n", line.item(), line.result(), line.detail());
        }
        out.println(passed() ? "selftest PASSED" : "selftest FAILED");
    }
}
