package dev.lanecontroller.hal.gpio;

import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.SignalAspect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lane's wiring to the Pi's GPIO (docs/hardware.md). Names are the config's keys, so every
 * problem {@link #problems()} finds names what to fix.
 *
 * @param lamps one output per signal aspect lit (STOP and PROCEED required; an aspect without a
 *     lamp shows STOP's)
 * @param gateOpen the relay that tells the gate operator to raise the arm (pulsed)
 * @param gateClose the relay that tells it to lower the arm (pulsed)
 * @param gatePulseMs how long a gate relay is pulsed
 * @param openLimit the limit switch reached when the arm is up
 * @param closedLimit the limit switch reached when the arm is down
 * @param loops presence inputs per loop (SAFETY required: the loop or photo-eye under the arm)
 * @param tamper the cabinet door contact (null: none)
 * @param safetyTest an output that interrupts the safety sensor (the photo-eye's emitter, a loop
 *     detector's test input) to check it before every close; null: no monitored sensor, and
 *     automatic closing relies on the operator's own
 * @param safetyTestMs how long the safety input has to answer the test
 * @param feedback read-back inputs, keyed by the output they watch ("lamp.STOP", "gateOpen", ...)
 * @param feedbackSettleMs how long an output has to show on its feedback before a mismatch is a fault
 * @param readerInputs pins a reader takes on the same header (Wiegand's D0 and D1): checked with
 *     the rest, claimed by the reader
 */
public record GpioSettings(Map<SignalAspect, PinSpec> lamps, PinSpec gateOpen, PinSpec gateClose, long gatePulseMs, PinSpec openLimit,
                           PinSpec closedLimit, Map<LoopId, PinSpec> loops, PinSpec tamper, PinSpec safetyTest, long safetyTestMs,
                           Map<String, PinSpec> feedback, long feedbackSettleMs, Map<String, PinSpec> readerInputs) {
    public GpioSettings {
        // In the order of their enums, so the self-test and the problems list them the same way each time.
        lamps = lamps.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(lamps));
        loops = loops.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(loops));
        feedback = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(feedback));
        readerInputs = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(readerInputs));
    }

    /** Every output by its name. */
    public Map<String, PinSpec> outputs() {
        Map<String, PinSpec> outputs = new LinkedHashMap<>();
        lamps.forEach((aspect, pin) -> outputs.put("lamp." + aspect, pin));
        outputs.put("gateOpen", gateOpen);
        outputs.put("gateClose", gateClose);
        if (safetyTest != null) {
            outputs.put("safetyTest", safetyTest);
        }
        return outputs;
    }

    /** Every input by its name. */
    public Map<String, PinSpec> inputs() {
        Map<String, PinSpec> inputs = new LinkedHashMap<>();
        loops.forEach((loop, pin) -> inputs.put("loop." + loop, pin));
        inputs.put("openLimit", openLimit);
        inputs.put("closedLimit", closedLimit);
        if (tamper != null) {
            inputs.put("tamper", tamper);
        }
        feedback.forEach((output, pin) -> inputs.put("feedback." + output, pin));
        return inputs;
    }

    /** What is wrong with this wiring, all of it; empty when it can be used. Nothing moves before this is empty. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!lamps.containsKey(SignalAspect.STOP) || !lamps.containsKey(SignalAspect.PROCEED)) {
            problems.add("lamps: STOP and PROCEED need an output each");
        }
        if (gateOpen == null || gateClose == null || openLimit == null || closedLimit == null) {
            problems.add("gateOpen, gateClose, openLimit and closedLimit are all needed");
        }
        if (!loops.containsKey(LoopId.SAFETY)) {
            problems.add("loops.SAFETY: the loop or photo-eye under the arm is needed");
        }
        if (gatePulseMs < 100 || gatePulseMs > 5_000) {
            problems.add("gatePulseMs: 100..5000, got " + gatePulseMs);
        }
        if (safetyTest != null && (safetyTestMs < 10 || safetyTestMs > 5_000)) {
            problems.add("safetyTestMs: 10..5000, got " + safetyTestMs);
        }
        if (feedbackSettleMs < 10 || feedbackSettleMs > 5_000) {
            problems.add("feedbackSettleMs: 10..5000, got " + feedbackSettleMs);
        }
        Map<String, PinSpec> outputs = outputs();
        for (String watched : feedback.keySet()) {
            if (!outputs.containsKey(watched)) {
                problems.add("feedback." + watched + ": no output of that name (" + String.join(", ", outputs.keySet()) + ")");
            }
        }
        Map<Integer, String> used = new LinkedHashMap<>();
        Map<String, PinSpec> all = new LinkedHashMap<>(outputs);
        all.putAll(inputs());
        all.putAll(readerInputs);
        all.forEach((name, pin) -> {
            if (pin == null) {
                return;
            }
            if (pin.bcm() < PinSpec.BCM_MIN || pin.bcm() > PinSpec.BCM_MAX) {
                problems.add(name + ": GPIO " + pin.bcm() + " does not exist on the header (BCM " + PinSpec.BCM_MIN + ".."
                        + PinSpec.BCM_MAX + ")");
            }
            if (pin.debounceMs() < 0 || pin.debounceMs() > PinSpec.DEBOUNCE_MS_MAX) {
                problems.add(name + ": debounceMs 0.." + PinSpec.DEBOUNCE_MS_MAX + ", got " + pin.debounceMs());
            }
            String other = used.putIfAbsent(pin.bcm(), name);
            if (other != null) {
                problems.add(name + ": GPIO " + pin.bcm() + " is already " + other);
            }
        });
        return problems;
    }
}
