package dev.lanecontroller.core;

import dev.lanecontroller.core.LaneAction.MoveGate;
import dev.lanecontroller.core.LaneAction.RecordEvent;
import dev.lanecontroller.core.LaneAction.ShowSignal;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.SignalAspect;

/**
 * Checks the invariants of DESIGN §5 on every step, from the inputs and the actions alone, not from
 * the core's own reasoning: a second, independent reading of the rules. The shell runs it in
 * production (a violation stops the process; systemd restarts it into the safe state) and the
 * simulations run it after every step.
 */
public final class SafetyMonitor {
    private final Lane lane;
    private boolean safetyOccupied;
    private boolean safetyLoopOccupied;
    private boolean photoEyeOccupied;
    private long safetyClearedAtMs;
    private GateDirection gateCommand;
    private boolean gateClosedReached;
    /** A clearance, confirm or release came since the gate was last commanded down or PROCEED last ended. */
    private boolean passageAuthorised;
    private SignalAspect signal;
    /**
     * A clearance, confirm or release was recorded while the safety loop was occupied: the lane holds
     * the arm until the loop is clear, and may open it then, once, unless the wait ended first.
     */
    private boolean openingHeld;
    /** Every cause of the FAULT in force is one that clears itself (a silent reader): read from the FAULT events alone. */
    private boolean faultSelfClearing;
    /** The reader reported trouble and has not said it is fine since. */
    private boolean readerTroubleReported;
    private long lastDecidedTransaction;
    private long stepsChecked;

    public SafetyMonitor(Lane lane, long startMonoMs) {
        this.lane = lane;
        this.safetyClearedAtMs = startMonoMs;
    }

    public long stepsChecked() {
        return stepsChecked;
    }

    /** Throws {@link SafetyViolation} when the step broke an invariant. */
    public void check(LaneState before, LaneInput input, Now now, Lane.Step step) {
        stepsChecked++;
        long suppressionMs = lane.settings().suppressionMs();
        boolean reversalRequired = false;
        if (input instanceof LaneInput.LoopChanged changed && (changed.loop() == LoopId.SAFETY || changed.loop() == LoopId.PHOTO_EYE)) {
            // The zone under the arm: the safety loop, or the photo-eye beside it (either occupied is occupied).
            boolean wasOccupied = safetyOccupied;
            if (changed.loop() == LoopId.SAFETY) {
                safetyLoopOccupied = changed.occupied();
            } else {
                photoEyeOccupied = changed.occupied();
            }
            safetyOccupied = safetyLoopOccupied || photoEyeOccupied;
            if (wasOccupied && !safetyOccupied) {
                safetyClearedAtMs = now.monoMs();
            }
            reversalRequired = !wasOccupied && safetyOccupied && gateCommand == GateDirection.DOWN && !gateClosedReached;
        }
        if (input instanceof LaneInput.GateLimitReached reached) {
            // An open limit reported after a down command (a report that crossed the command) means not closed.
            gateClosedReached = reached.limit() == GateLimit.CLOSED && gateCommand == GateDirection.DOWN;
        }

        boolean openAuthorised = false;
        boolean faultSeenThisStep = false;
        boolean resetThisStep = false;
        boolean reversalRecorded = false;
        boolean movedUp = false;
        boolean decisionSeen = false;
        long decisionForTransaction = -1;
        for (LaneAction action : step.actions()) {
            if (action instanceof RecordEvent event) {
                if (event.event() instanceof LaneEvent.DecisionMade decision) {
                    long id = decision.transactionId();
                    require(4, id > lastDecidedTransaction, "transaction " + id + " decided twice or out of order");
                    lastDecidedTransaction = id;
                    decisionSeen = true;
                    decisionForTransaction = id;
                    if (decision.cleared() && !lane.settings().officerConfirm()) {
                        openAuthorised = true;
                        passageAuthorised = true;
                    }
                } else if (event.type() == EventType.FAULT_RESET) {
                    // What latched before is ended by the reset; a fault after it in the same step (one
                    // that is still there, showing itself again) starts afresh.
                    resetThisStep = true;
                    faultSeenThisStep = false;
                } else if (event.type() == EventType.CONFIRMED || event.type() == EventType.RELEASED) {
                    openAuthorised = true;
                    passageAuthorised = true;
                } else if (event.type() == EventType.ABANDONED || event.type() == EventType.FAULT
                        || event.type() == EventType.VEHICLE_LEFT) {
                    openingHeld = false;
                    if (event.event() instanceof LaneEvent.Fault fault) {
                        boolean selfClearing = Lane.clearsItself(fault.cause());
                        boolean faultBefore = (before.mode() == LaneMode.FAULT && !resetThisStep) || faultSeenThisStep;
                        faultSelfClearing = faultBefore ? faultSelfClearing && selfClearing : selfClearing;
                        faultSeenThisStep = true;
                    }
                } else if (event.type() == EventType.SAFETY_REVERSAL) {
                    require(1, safetyOccupied && gateCommand == GateDirection.DOWN && !gateClosedReached,
                            "a reversal was recorded with no descending arm over an occupied safety loop");
                    reversalRecorded = true;
                }
            } else if (action instanceof MoveGate move && move.direction() == GateDirection.UP) {
                require(3, openAuthorised || reversalRecorded || (openingHeld && !safetyOccupied),
                        "gate commanded up without a clearance, a release or a safety reversal in the same step (or held for a clear loop)");
                openingHeld = false;
                require(6, step.state().mode() != LaneMode.FAULT || reversalRecorded,
                        "gate opened for a vehicle while the lane is in FAULT");
                gateCommand = GateDirection.UP;
                gateClosedReached = false;
                movedUp = true;
            } else if (action instanceof MoveGate) {
                require(1, !safetyOccupied, "gate commanded down while the safety loop is occupied");
                require(1, now.monoMs() - safetyClearedAtMs >= suppressionMs,
                        "gate commanded down " + (now.monoMs() - safetyClearedAtMs) + " ms after the safety loop cleared (suppression "
                                + suppressionMs + " ms)");
                require(2, signal != SignalAspect.PROCEED, "gate commanded down while PROCEED is shown");
                gateCommand = GateDirection.DOWN;
                gateClosedReached = false;
                passageAuthorised = false;
                openingHeld = false;
            } else if (action instanceof ShowSignal show) {
                if (show.aspect() == SignalAspect.PROCEED) {
                    require(2, gateCommand == GateDirection.UP && passageAuthorised,
                            "PROCEED shown without the gate open or opening for a cleared or released vehicle");
                } else if (signal == SignalAspect.PROCEED) {
                    passageAuthorised = false; // one green per clearance or release
                }
                signal = show.aspect();
            }
        }
        if (openAuthorised && !movedUp && safetyOccupied) {
            openingHeld = true;
        }
        require(1, !reversalRequired || movedUp, "the safety loop became occupied under a descending arm and the arm was not reversed");
        if (before.phase() instanceof Phase.Collecting c) {
            boolean stillCollecting = step.state().phase() instanceof Phase.Collecting n
                    && n.transaction().id() == c.transaction().id();
            require(4, stillCollecting || (decisionSeen && decisionForTransaction == c.transaction().id()),
                    "transaction " + c.transaction().id() + " ended without its decision");
        }
        require(4, !decisionSeen || firstIndex(step, false) < 0 || firstIndex(step, false) > firstIndex(step, true),
                "an output was actuated before the decision was recorded");
        require(2, signal != SignalAspect.PROCEED || gateCommand == GateDirection.UP, "PROCEED is lit over a gate commanded down");
        // FAULT is latched by design (DESIGN §5.6): it waits for a technician, with the lane safe.
        require(5, step.state().phase() instanceof Phase.Idle || step.state().mode() == LaneMode.FAULT
                        || lane.nextDeadlineMs(step.state()) != Long.MAX_VALUE,
                "phase " + step.state().phase().getClass().getSimpleName() + " has no timeout");
        if (input instanceof LaneInput.HardwareFault || input instanceof LaneInput.ReaderTrouble) {
            require(6, step.state().mode() == LaneMode.FAULT, "a hardware fault did not put the lane in FAULT");
        }
        if (input instanceof LaneInput.ReaderTrouble) {
            readerTroubleReported = true;
        } else if (input instanceof LaneInput.ReaderTroubleEnded) {
            readerTroubleReported = false;
        }
        if (step.state().mode() == LaneMode.FAULT) {
            require(6, signal != SignalAspect.PROCEED, "PROCEED is lit while the lane is in FAULT");
        }
        if (before.mode() == LaneMode.FAULT && step.state().mode() != LaneMode.FAULT) {
            // Latched: only a technician's or central's reset ends a FAULT, never a mode change that waited;
            // except a FAULT whose every cause clears itself (a reader heard again), which ends as FAULT_CLEARED.
            boolean reset = step.actions().stream().anyMatch(a -> a instanceof RecordEvent e && e.type() == EventType.FAULT_RESET);
            boolean cleared = step.actions().stream().anyMatch(a -> a instanceof RecordEvent e && e.type() == EventType.FAULT_CLEARED);
            require(6, reset || (cleared && faultSelfClearing), "the lane left FAULT for " + step.state().mode() + " without a FAULT_RESET"
                    + (cleared ? " (FAULT_CLEARED, but a cause that needs a reset had latched)" : ""));
            require(6, !readerTroubleReported, "the lane left FAULT for " + step.state().mode() + " while the reader still reports trouble");
        }
    }

    /** The index of the first DECISION event ({@code decision}) or of the first output command; -1 when none. */
    private static int firstIndex(Lane.Step step, boolean decision) {
        for (int i = 0; i < step.actions().size(); i++) {
            LaneAction action = step.actions().get(i);
            boolean isDecision = action instanceof RecordEvent event && event.type() == EventType.DECISION;
            if (decision ? isDecision : !(action instanceof RecordEvent)) {
                return i;
            }
        }
        return -1;
    }

    private static void require(int invariant, boolean holds, String what) {
        if (!holds) {
            throw new SafetyViolation(invariant, what);
        }
    }
}
