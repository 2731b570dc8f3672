package dev.lanecontroller.hal.gpio;

import dev.lanecontroller.hal.DeviceFaults;
import dev.lanecontroller.hal.Gate;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LaneHardware;
import dev.lanecontroller.hal.LaneSignal;
import dev.lanecontroller.hal.Listeners;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.PlateReader;
import dev.lanecontroller.hal.PresenceDetector;
import dev.lanecontroller.hal.Scheduler;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.hal.TagReader;
import dev.lanecontroller.hal.TamperInput;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A lane wired to the Pi's GPIO: the signal's lamps, the gate operator's open and close relays
 * (pulsed), its limit switches, the loops, the tamper contact, and the read-back and safety-sensor
 * checks that turn wiring faults into lane faults (DESIGN §5.6). Starts in the safe state (STOP lit,
 * relays released) and returns to it on close, without ever moving the gate itself. Logical levels
 * throughout: "on" is high unless the pin is active-low.
 */
public final class GpioLane implements AutoCloseable {
    /** How often the safety check looks at its input. */
    static final long SAFETY_POLL_MS = 5;

    private final GpioSettings settings;
    private final GpioPins pins;
    private final Scheduler scheduler;
    private final Map<String, GpioPins.Output> outputs = new LinkedHashMap<>();
    private final Map<String, Boolean> commanded = new LinkedHashMap<>();
    private final Map<String, GpioPins.Input> inputs = new LinkedHashMap<>();
    private final Map<String, Debouncer> debouncers = new LinkedHashMap<>();
    private final Map<LoopId, Listeners<Boolean>> loopListeners = new EnumMap<>(LoopId.class);
    private final Listeners<GateLimit> limitListeners = new Listeners<>();
    private final Listeners<Boolean> tamperListeners = new Listeners<>();
    private final Listeners<DeviceFaults.Fault> faultListeners = new Listeners<>();
    private final LaneSignal signal = new GpioSignal();
    private final Gate gate = new GpioGate();
    private boolean safetyTestRunning;
    private long gatePulseGeneration;

    private GpioLane(GpioSettings settings, GpioPins pins, Scheduler scheduler) {
        this.settings = settings;
        this.pins = pins;
        this.scheduler = scheduler;
    }

    /**
     * Checks the wiring first (every problem in one IllegalArgumentException, before a pin is
     * touched), then claims the pins in the safe state.
     */
    public static GpioLane open(GpioSettings settings, GpioPins pins, Scheduler scheduler) {
        var problems = settings.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("GPIO wiring: " + String.join("; ", problems));
        }
        GpioLane lane = new GpioLane(settings, pins, scheduler);
        lane.claim();
        return lane;
    }

    private synchronized void claim() {
        settings.outputs().forEach((name, pin) -> {
            boolean on = name.equals("lamp." + SignalAspect.STOP);
            outputs.put(name, pins.output(name, pin, on != pin.activeLow()));
            commanded.put(name, on);
        });
        for (LoopId loop : settings.loops().keySet()) {
            loopListeners.put(loop, new Listeners<>());
        }
        settings.inputs().forEach((name, pin) -> {
            Debouncer[] debouncer = new Debouncer[1];
            GpioPins.Input input = pins.input(name, pin, high -> {
                if (debouncer[0] != null) {
                    debouncer[0].change(high != pin.activeLow());
                }
            });
            inputs.put(name, input);
            debouncer[0] = new Debouncer(scheduler, pin.debounceMs(), input.high() != pin.activeLow(), on -> stable(name, on));
            debouncers.put(name, debouncer[0]);
        });
        settings.feedback().keySet().forEach(this::checkFeedbackLater);
    }

    private void stable(String input, boolean on) {
        if (input.startsWith("loop.")) {
            LoopId loop = LoopId.valueOf(input.substring("loop.".length()));
            boolean suppressed;
            synchronized (this) {
                suppressed = loop == LoopId.SAFETY && safetyTestRunning;
            }
            if (!suppressed) {
                loopListeners.get(loop).notifyAll(on);
            }
        } else if (input.equals("openLimit") && on) {
            limitListeners.notifyAll(GateLimit.OPEN);
        } else if (input.equals("closedLimit") && on) {
            limitListeners.notifyAll(GateLimit.CLOSED);
        } else if (input.equals("tamper")) {
            tamperListeners.notifyAll(on);
        } else if (input.startsWith("feedback.")) {
            checkFeedbackLater(input.substring("feedback.".length()));
        }
    }

    /** An output's logical state as commanded. */
    private synchronized void set(String output, boolean on) {
        if (!outputs.containsKey(output)) {
            return;
        }
        commanded.put(output, on);
        try {
            outputs.get(output).set(on != settings.outputs().get(output).activeLow());
        } catch (RuntimeException e) {
            // A write the GPIO library refuses is a device fault (the lane goes to FAULT), not a crash
            // of whichever thread asked: the lane's, or the scheduler's at the end of a pulse.
            fault(output, "cannot be driven " + (on ? "on" : "off") + ": " + e.getMessage());
            return;
        }
        checkFeedbackLater(output);
    }

    private void checkFeedbackLater(String output) {
        if (settings.feedback().containsKey(output)) {
            scheduler.after(settings.feedbackSettleMs(), () -> checkFeedback(output));
        }
    }

    private void checkFeedback(String output) {
        boolean expected;
        boolean actual;
        synchronized (this) {
            expected = commanded.get(output);
            actual = logical("feedback." + output);
        }
        if (expected != actual) {
            fault(output, "commanded " + (expected ? "on" : "off") + " but its feedback reads " + (actual ? "on" : "off")
                    + " after " + settings.feedbackSettleMs() + " ms");
        }
    }

    /** An input's present logical level, read now (not debounced). */
    public synchronized boolean logical(String input) {
        GpioPins.Input pin = inputs.get(input);
        if (pin == null) {
            throw new IllegalArgumentException("no input named " + input + " (" + String.join(", ", inputs.keySet()) + ")");
        }
        return pin.high() != settings.inputs().get(input).activeLow();
    }

    public Map<String, PinSpec> inputNames() {
        return settings.inputs();
    }

    public Map<String, PinSpec> outputNames() {
        return settings.outputs();
    }

    /** For the technician's self-test: one output on or off. The gate relays are pulsed, never held. */
    public void drive(String output, boolean on) {
        if (!settings.outputs().containsKey(output)) {
            throw new IllegalArgumentException("no output named " + output + " (" + String.join(", ", settings.outputs().keySet()) + ")");
        }
        if (output.equals("gateOpen") || output.equals("gateClose")) {
            if (on) {
                gate.move(output.equals("gateOpen") ? GateDirection.UP : GateDirection.DOWN);
            }
            return;
        }
        set(output, on);
    }

    private void fault(String component, String detail) {
        faultListeners.notifyAll(new DeviceFaults.Fault(component, detail));
    }

    private final class GpioSignal implements LaneSignal {
        @Override
        public void show(SignalAspect aspect) {
            String lit = "lamp." + (settings.lamps().containsKey(aspect) ? aspect : SignalAspect.STOP);
            synchronized (GpioLane.this) {
                // Everything else off first: never two aspects at once.
                settings.lamps().keySet().stream().map(a -> "lamp." + a).filter(name -> !name.equals(lit)).forEach(name -> set(name, false));
                set(lit, true);
            }
        }
    }

    private final class GpioGate implements Gate {
        @Override
        public void move(GateDirection direction) {
            if (direction == GateDirection.UP) {
                pulse("gateOpen", "gateClose");
                reportIfAlreadyAt("openLimit", GateLimit.OPEN);
                return;
            }
            if (logical("loop." + LoopId.SAFETY)) {
                fault("gate", "close refused: the safety loop is occupied");
                return;
            }
            if (settings.safetyTest() == null) {
                pulse("gateClose", "gateOpen");
                reportIfAlreadyAt("closedLimit", GateLimit.CLOSED);
                return;
            }
            synchronized (GpioLane.this) {
                if (safetyTestRunning) {
                    return; // a close is already on its way through the check
                }
                safetyTestRunning = true;
            }
            set("safetyTest", true);
            awaitSafety(true, scheduler.nowMs() + settings.safetyTestMs());
        }

        /** The limit the arm rests on now is reported at once: a lane that starts with the arm down knows it is down. */
        @Override
        public void onLimitReached(Consumer<GateLimit> listener) {
            limitListeners.add(listener);
            if (reported("closedLimit")) {
                listener.accept(GateLimit.CLOSED);
            } else if (reported("openLimit")) {
                listener.accept(GateLimit.OPEN);
            }
        }
    }

    /** The monitored safety sensor's check: it must go occupied under test, then clear again, in time. */
    private void awaitSafety(boolean wantOccupied, long deadlineMs) {
        boolean occupied = logical("loop." + LoopId.SAFETY);
        if (occupied == wantOccupied) {
            if (wantOccupied) {
                set("safetyTest", false);
                awaitSafety(false, scheduler.nowMs() + settings.safetyTestMs());
            } else {
                synchronized (this) {
                    safetyTestRunning = false;
                }
                pulse("gateClose", "gateOpen");
                reportIfAlreadyAt("closedLimit", GateLimit.CLOSED);
            }
            return;
        }
        if (scheduler.nowMs() >= deadlineMs) {
            set("safetyTest", false);
            synchronized (this) {
                safetyTestRunning = false;
            }
            fault("safetyCheck", "the safety sensor " + (wantOccupied ? "did not respond to its test" : "did not clear after its test")
                    + " within " + settings.safetyTestMs() + " ms: automatic closing blocked");
            return;
        }
        scheduler.after(SAFETY_POLL_MS, () -> awaitSafety(wantOccupied, deadlineMs));
    }

    private void pulse(String relay, String opposite) {
        long mine;
        synchronized (this) {
            set(opposite, false);
            set(relay, true);
            mine = ++gatePulseGeneration;
        }
        scheduler.after(settings.gatePulseMs(), () -> {
            synchronized (this) {
                if (mine == gatePulseGeneration) {
                    set(relay, false);
                }
            }
        });
    }

    public LaneSignal signal() {
        return signal;
    }

    public Gate gate() {
        return gate;
    }

    public Map<LoopId, PresenceDetector> loops() {
        Map<LoopId, PresenceDetector> loops = new EnumMap<>(LoopId.class);
        loopListeners.forEach((loop, listeners) -> loops.put(loop, new PresenceDetector() {
            @Override
            public LoopId id() {
                return loop;
            }

            /** A loop occupied now is reported at once: a car under the arm when the daemon starts is seen. */
            @Override
            public void onChange(Consumer<Boolean> occupiedListener) {
                listeners.add(occupiedListener);
                if (reported("loop." + loop)) {
                    occupiedListener.accept(true);
                }
            }
        }));
        return loops;
    }

    /** A cabinet door open now is reported at once. */
    public TamperInput tamper() {
        return listener -> {
            tamperListeners.add(listener);
            if (reported("tamper")) {
                listener.accept(true);
            }
        };
    }

    /**
     * A move to the limit the arm already rests on brings no new edge from its switch; the lane is
     * told at once, as if it had arrived (after a reset, a redundant close: else GATE_TRAVEL_TIMEOUT).
     */
    private void reportIfAlreadyAt(String limitInput, GateLimit limit) {
        if (reported(limitInput)) {
            limitListeners.notifyAll(limit);
        }
    }

    /** What the lane was last told of an input (its debounced level); false for an input not wired. */
    private boolean reported(String input) {
        Debouncer debouncer = debouncers.get(input);
        return debouncer != null && debouncer.reported();
    }

    public DeviceFaults faults() {
        return faultListeners::add;
    }

    public LaneHardware hardware(TagReader tagReader, PlateReader plateReader) {
        return new LaneHardware(signal, gate, loops(), tagReader, plateReader, tamper(), faults());
    }

    /** Back to the safe state (STOP, relays released; the gate is not moved) and the pins released. */
    @Override
    public void close() {
        signal.show(SignalAspect.STOP);
        synchronized (this) {
            gatePulseGeneration++;
            set("gateOpen", false);
            set("gateClose", false);
            set("safetyTest", false);
        }
        pins.close();
    }
}
