package dev.lanecontroller.hal.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import dev.lanecontroller.hal.DeviceFaults;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.hal.sim.VirtualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The GPIO lane against Pi4J's mock platform, in virtual time. */
class GpioLaneTest {
    static final long DEBOUNCE_MS = 30;

    private Context pi4j;
    private final VirtualScheduler scheduler = new VirtualScheduler(0);
    private final List<String> events = new ArrayList<>();
    private final List<DeviceFaults.Fault> faults = new ArrayList<>();
    private GpioLane lane;

    /** Relay board active-low (as most are), loops and limits active-high, the door contact high when open, the photo-eye tested through GPIO 16. */
    static GpioSettings wiring(PinSpec safetyTest, Map<String, PinSpec> feedback) {
        return new GpioSettings(
                Map.of(SignalAspect.STOP, PinSpec.output(5, true), SignalAspect.PROCEED, PinSpec.output(6, true),
                        SignalAspect.REFER, PinSpec.output(13, true)),
                PinSpec.output(19, true), PinSpec.output(26, true), 500,
                PinSpec.input(20, false, PinSpec.Pull.DOWN, DEBOUNCE_MS), PinSpec.input(21, false, PinSpec.Pull.DOWN, DEBOUNCE_MS),
                Map.of(LoopId.ARMING, PinSpec.input(17, false, PinSpec.Pull.DOWN, DEBOUNCE_MS),
                        LoopId.SAFETY, PinSpec.input(27, false, PinSpec.Pull.DOWN, DEBOUNCE_MS),
                        LoopId.EXIT, PinSpec.input(22, false, PinSpec.Pull.DOWN, DEBOUNCE_MS)),
                PinSpec.input(23, false, PinSpec.Pull.UP, DEBOUNCE_MS), safetyTest, 200, feedback, 100, Map.of());
    }

    @BeforeEach
    void context() {
        pi4j = Pi4J.newContextBuilder().add(new MockPlatform())
                .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance()).build();
    }

    @AfterEach
    void shutdown() {
        pi4j.shutdown();
    }

    private GpioLane open(GpioSettings settings) {
        lane = GpioLane.open(settings, new Pi4jPins(pi4j, "mock"), scheduler);
        lane.loops().forEach((id, loop) -> loop.onChange(occupied -> events.add(id + "=" + occupied)));
        lane.gate().onLimitReached(limit -> events.add("limit " + limit));
        lane.tamper().onChange(tampered -> events.add("tamper=" + tampered));
        lane.faults().onFault(faults::add);
        return lane;
    }

    /** The output's logical state: the relay board is active-low, so on is LOW. */
    private boolean on(String output) {
        return pi4j.io(Pi4jPins.pi4jId(output), DigitalOutput.class).state() == DigitalState.LOW;
    }

    private MockDigitalInput input(String name) {
        return pi4j.io(Pi4jPins.pi4jId(name), MockDigitalInput.class);
    }

    private void advance(long ms) {
        long target = scheduler.nowMs() + ms;
        while (scheduler.runNext(target)) {
            // Every task due by then, in order.
        }
        scheduler.advanceTo(target);
    }

    @Test
    void startsOnStopWithTheRelaysReleasedAndShowsEachAspectAlone() {
        open(wiring(null, Map.of()));
        assertTrue(on("lamp.STOP"));
        assertFalse(on("lamp.PROCEED") || on("lamp.REFER") || on("gateOpen") || on("gateClose"));
        for (SignalAspect aspect : SignalAspect.values()) {
            lane.signal().show(aspect);
            String lit = aspect == SignalAspect.CLOSING ? "lamp.STOP" : "lamp." + aspect; // no CLOSING lamp: STOP's
            for (String lamp : List.of("lamp.STOP", "lamp.PROCEED", "lamp.REFER")) {
                assertEquals(lamp.equals(lit), on(lamp), aspect + ": " + lamp);
            }
        }
    }

    @Test
    void inputsAreDebounced() {
        open(wiring(null, Map.of()));
        MockDigitalInput arming = input("loop.ARMING");
        // Chatter: up and down every 10 ms, then steady.
        for (int i = 0; i < 5; i++) {
            arming.mockState(DigitalState.HIGH);
            advance(10);
            arming.mockState(DigitalState.LOW);
            advance(10);
        }
        advance(100);
        assertEquals(List.of(), events, "chatter shorter than the debounce never reaches the lane");
        arming.mockState(DigitalState.HIGH);
        advance(DEBOUNCE_MS - 1);
        assertEquals(List.of(), events);
        advance(1);
        assertEquals(List.of("ARMING=true"), events);
        // The door contact is normally closed to ground with a pull-up: the door opening breaks it (high).
        input("tamper").mockState(DigitalState.HIGH);
        advance(DEBOUNCE_MS);
        input("tamper").mockState(DigitalState.LOW);
        advance(DEBOUNCE_MS);
        assertEquals(List.of("ARMING=true", "tamper=true", "tamper=false"), events);
    }

    @Test
    void aFeedbackThatDisagreesWithItsOutputIsAFault() {
        open(wiring(null, Map.of("lamp.PROCEED", PinSpec.input(24, false, PinSpec.Pull.DOWN, 0))));
        advance(200);
        assertEquals(List.of(), faults, "PROCEED off, its feedback off: no fault");
        lane.signal().show(SignalAspect.PROCEED);
        input("feedback.lamp.PROCEED").mockState(DigitalState.HIGH); // the lamp's current sensor sees it lit
        advance(200);
        assertEquals(List.of(), faults);
        lane.signal().show(SignalAspect.STOP);
        advance(200); // the lamp is still lit: a welded relay
        assertEquals(1, faults.size());
        assertEquals("lamp.PROCEED", faults.get(0).component());
        assertTrue(faults.get(0).detail().contains("commanded off but its feedback reads on"), faults.get(0).detail());
    }

    @Test
    void theGateRelaysArePulsedAndTheLimitSwitchesReported() {
        open(wiring(null, Map.of()));
        lane.gate().move(GateDirection.UP);
        assertTrue(on("gateOpen"));
        advance(499);
        assertTrue(on("gateOpen"));
        advance(1);
        assertFalse(on("gateOpen"));
        input("openLimit").mockState(DigitalState.HIGH);
        advance(DEBOUNCE_MS);
        lane.gate().move(GateDirection.DOWN);
        assertTrue(on("gateClose"));
        lane.gate().move(GateDirection.UP); // a reversal cancels the close pulse at once
        assertFalse(on("gateClose"));
        assertTrue(on("gateOpen"));
        // The arm never left its open limit: the reversal is told it is there (no edge would come).
        assertEquals(List.of("limit " + GateLimit.OPEN, "limit " + GateLimit.OPEN), events);
    }

    @Test
    void theMonitoredSafetySensorIsCheckedBeforeEveryCloseWithoutTheLaneSeeingTheTest() {
        open(wiring(PinSpec.output(16, false), Map.of()));
        // The photo-eye: its emitter off (the test output on) breaks the beam.
        DigitalOutput test = pi4j.io("safetyTest", DigitalOutput.class);
        test.addListener(event -> input("loop.SAFETY").mockState(event.state()));
        lane.gate().move(GateDirection.DOWN);
        advance(10);
        assertTrue(on("gateClose"), "the check passed and the close was pulsed");
        assertFalse(test.isHigh());
        advance(1_000);
        assertEquals(List.of(), events, "the lane never sees the test's beam break");
        assertEquals(List.of(), faults);
    }

    @Test
    void aSafetySensorThatFailsItsCheckBlocksTheClose() {
        open(wiring(PinSpec.output(16, false), Map.of()));
        lane.gate().move(GateDirection.DOWN); // nothing answers the test: a dead photo-eye
        advance(1_000);
        assertFalse(on("gateClose"));
        assertEquals(1, faults.size());
        assertEquals("safetyCheck", faults.get(0).component());
        assertTrue(faults.get(0).detail().contains("automatic closing blocked"), faults.get(0).detail());
    }

    @Test
    void aCloseWhileTheSafetyLoopIsOccupiedIsRefused() {
        open(wiring(null, Map.of()));
        input("loop.SAFETY").mockState(DigitalState.HIGH);
        advance(DEBOUNCE_MS);
        lane.gate().move(GateDirection.DOWN);
        assertFalse(on("gateClose"));
        assertEquals("gate", faults.get(0).component());
    }

    @Test
    void shutdownShowsStopAndReleasesTheRelaysWithoutMovingTheGate() {
        open(wiring(null, Map.of()));
        lane.signal().show(SignalAspect.PROCEED);
        lane.gate().move(GateDirection.UP);
        Map<String, DigitalOutput> outputs = new java.util.HashMap<>();
        for (String name : List.of("lamp.STOP", "lamp.PROCEED", "gateOpen", "gateClose")) {
            outputs.put(name, pi4j.io(Pi4jPins.pi4jId(name), DigitalOutput.class));
        }
        List<String> gateCloseStates = new ArrayList<>();
        outputs.get("gateClose").addListener(event -> gateCloseStates.add(event.state().toString()));
        lane.close();
        // Active-low relay board: on is LOW.
        assertTrue(outputs.get("lamp.STOP").isLow());
        assertTrue(outputs.get("lamp.PROCEED").isHigh());
        assertTrue(outputs.get("gateOpen").isHigh());
        assertTrue(outputs.get("gateClose").isHigh());
        assertFalse(gateCloseStates.contains("LOW"), "never a close on the way out");
    }

    @Test
    void badWiringIsRefusedWholeBeforeAnyPinIsTouched() {
        GpioSettings good = wiring(null, Map.of());
        GpioSettings bad = new GpioSettings(good.lamps(), PinSpec.output(5, true), good.gateClose(), good.gatePulseMs(),
                PinSpec.input(40, false, PinSpec.Pull.DOWN, 10), good.closedLimit(), good.loops(), good.tamper(), null, 0,
                Map.of("lamp.CLOSING", PinSpec.input(24, false, PinSpec.Pull.DOWN, 0)), good.feedbackSettleMs(), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpioLane.open(bad, new Pi4jPins(pi4j, "mock"), scheduler));
        assertTrue(e.getMessage().contains("gateOpen: GPIO 5 is already lamp.STOP"), e.getMessage());
        assertTrue(e.getMessage().contains("openLimit: GPIO 40 does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("feedback.lamp.CLOSING: no output of that name"), e.getMessage());
        assertEquals(0, pi4j.registry().all().size(), "no pin was claimed");
    }

    @Test
    void whatTheInputsShowAtStartIsReportedToTheLaneWhenItSubscribes() {
        // The arm rests down, a car stands on the safety loop and the cabinet door is open as the daemon starts.
        Set<String> onAtStart = Set.of("closedLimit", "loop.SAFETY");
        GpioPins pins = new Pi4jPins(pi4j, "mock");
        GpioPins wired = new GpioPins() {
            @Override
            public Output output(String name, PinSpec pin, boolean initialHigh) {
                return pins.output(name, pin, initialHigh);
            }

            @Override
            public Input input(String name, PinSpec pin, java.util.function.Consumer<Boolean> onChange) {
                Input input = pins.input(name, pin, onChange);
                if (onAtStart.contains(name)) {
                    GpioLaneTest.this.input(name).mockState(DigitalState.HIGH);
                } else if (name.equals("tamper")) {
                    GpioLaneTest.this.input(name).mockState(DigitalState.HIGH); // pulled up: the open door
                }
                return input;
            }

            @Override
            public void close() {
                pins.close();
            }
        };
        lane = GpioLane.open(wiring(null, Map.of()), wired, scheduler);
        lane.loops().forEach((id, loop) -> loop.onChange(occupied -> events.add(id + "=" + occupied)));
        lane.gate().onLimitReached(limit -> events.add("limit " + limit));
        lane.tamper().onChange(tampered -> events.add("tamper=" + tampered));
        assertTrue(events.containsAll(List.of("SAFETY=true", "limit CLOSED", "tamper=true")), events.toString());
        assertFalse(events.contains("ARMING=true") || events.contains("limit OPEN"), events.toString());
    }

    @Test
    void anOutputThePi4jLibraryCannotWriteIsADeviceFaultNotACrash() {
        // Pi4J's own output, made to fail on write as a lost gpiochip line does (Mockito: the mock
        // platform never fails).
        Context failing = org.mockito.Mockito.spy(pi4j);
        org.mockito.Mockito.doAnswer(call -> {
            com.pi4j.io.gpio.digital.DigitalOutput real = (com.pi4j.io.gpio.digital.DigitalOutput) call.callRealMethod();
            if (!real.id().equals("lamp-PROCEED")) {
                return real;
            }
            com.pi4j.io.gpio.digital.DigitalOutput broken = org.mockito.Mockito.spy(real);
            org.mockito.Mockito.doThrow(new com.pi4j.io.exception.IOException("gpiochip0 line 6: write failed"))
                    .when(broken).state(org.mockito.ArgumentMatchers.any(DigitalState.class));
            return broken;
        }).when(failing).create(org.mockito.ArgumentMatchers.any(com.pi4j.io.gpio.digital.DigitalOutputConfigBuilder.class));
        lane = GpioLane.open(wiring(null, Map.of()), new Pi4jPins(failing, "mock"), scheduler);
        lane.faults().onFault(faults::add);
        lane.signal().show(SignalAspect.PROCEED); // must not throw into the lane thread
        assertEquals(1, faults.size(), faults.toString());
        assertEquals("lamp.PROCEED", faults.get(0).component());
        assertTrue(faults.get(0).detail().contains("write failed"), faults.get(0).detail());
        lane.signal().show(SignalAspect.STOP);
        assertTrue(on("lamp.STOP"), "the other lamps still work");
    }

    @Test
    void aMoveToTheLimitTheArmRestsOnIsReportedAtOnce() {
        // After a FAULT_RESET the lane sends the arm down again; an arm already down brings no new
        // edge from its switch, so the driver says so itself (else the lane faults again at once).
        open(wiring(null, Map.of()));
        input("closedLimit").mockState(DigitalState.HIGH);
        advance(DEBOUNCE_MS + 1);
        events.clear();
        lane.gate().move(GateDirection.DOWN);
        assertEquals(List.of("limit CLOSED"), events);
        lane.gate().move(GateDirection.UP);
        assertEquals(List.of("limit CLOSED"), events, "not at the open limit: nothing until the arm gets there");
    }
}
