package dev.lanecontroller.core;

import dev.lanecontroller.core.LaneAction.MoveGate;
import dev.lanecontroller.core.LaneAction.RecordEvent;
import dev.lanecontroller.core.LaneAction.ShowSignal;
import dev.lanecontroller.core.LaneInput.Command;
import dev.lanecontroller.core.Phase.AwaitingConfirm;
import dev.lanecontroller.core.Phase.Closing;
import dev.lanecontroller.core.Phase.Collecting;
import dev.lanecontroller.core.Phase.Idle;
import dev.lanecontroller.core.Phase.Passage;
import dev.lanecontroller.core.Phase.Referred;
import dev.lanecontroller.core.Phase.WaitingForClearLoop;
import dev.lanecontroller.hal.GateDirection;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.PlateEventKind;
import dev.lanecontroller.hal.SignalAspect;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The lane state machine: {@code step(state, input, now) -> (state', actions)}.
 *
 * <p>Each step runs the same four stages: take the input, check every timeout, settle the phase,
 * then reconcile the outputs. Phases only say what they want (gate up or down, an aspect); the one
 * place that commands the gate and the signal ({@link Draft#reconcileOutputs}) applies the
 * interlocks of DESIGN §5, so no phase can break them.
 */
public final class Lane {
    /** A step's result: the next state and the actions to perform, in order. */
    public record Step(LaneState state, List<LaneAction> actions) {}

    /** The faults that clear themselves: a reader heard again reads again (docs/hardware.md). */
    static final String READER_SILENT = "READER_SILENT";
    /** The reader reports something wrong with itself (an antenna disconnected); clears itself once the reader says it is fine. */
    static final String READER_TROUBLE = "READER_TROUBLE";

    private final LaneSettings settings;
    private final RandomSource random;

    public Lane(LaneSettings settings, RandomSource random) {
        this.settings = settings;
        this.random = random;
    }

    public LaneSettings settings() {
        return settings;
    }

    /** The state at power-up: outputs unknown, loops assumed clear since now (the shell reports the real ones). */
    public LaneState initialState(Now now) {
        Map<LoopId, LoopTrack> loops = new EnumMap<>(LoopId.class);
        for (LoopId id : LoopId.values()) {
            if (hasLoop(id)) {
                loops.put(id, LoopTrack.clear(now.monoMs()));
            }
        }
        return new LaneState(settings.initialMode(), settings.initialMode(), null, null, new Idle(),
                null, null, now.monoMs(), null, Collections.unmodifiableMap(loops), now.monoMs(), false,
                Map.of(), Map.of(), 1, now.wallMs() - now.monoMs(), false, List.of(), null, false, -1, null, null);
    }

    public Step step(LaneState state, LaneInput input, Now now) {
        Draft draft = new Draft(state, now);
        draft.noticeClockStep(state.wallOffsetMs());
        draft.take(input);
        draft.checkTimeouts();
        draft.settlePhase();
        draft.reconcileOutputs();
        return new Step(draft.freeze(), List.copyOf(draft.actions));
    }

    /**
     * Whether a read of this card would be used: the shell looks a card up only then. A reader
     * reports each card many times a second; only its first read in a transaction counts.
     */
    public boolean wantsCardEntry(LaneState state, String epcHex) {
        if (state.phase() instanceof Collecting collecting) {
            return collecting.transaction().cards().stream().noneMatch(card -> card.epcHex().equals(epcHex));
        }
        return state.phase() instanceof Idle && !settings.hasArmingLoop();
    }

    /** The monotonic time at which the next timeout falls due, or Long.MAX_VALUE when nothing waits. */
    public long nextDeadlineMs(LaneState state) {
        long next = Long.MAX_VALUE;
        Phase phase = state.phase();
        if (phase instanceof Collecting collecting) {
            next = Math.min(next, collecting.transaction().openedAtMs() + settings.readWindowMs());
        } else if (phase instanceof AwaitingConfirm awaiting) {
            next = Math.min(next, awaiting.sinceMs() + settings.confirmTimeoutMs());
        } else if (phase instanceof Referred referred) {
            next = Math.min(next, referred.sinceMs() + settings.referralTimeoutMs());
        } else if (phase instanceof Passage passage) {
            next = Math.min(next, passageDeadlineMs(passage, state.isOccupied(LoopId.SAFETY)));
        } else if (phase instanceof WaitingForClearLoop waiting) {
            next = Math.min(next, waiting.sinceMs() + settings.openTimeoutMs());
        }
        boolean wantsDown = !(phase instanceof Passage);
        if (wantsDown && state.gateCommand() != GateDirection.DOWN && !safetyZoneOccupied(state.loops())) {
            next = Math.min(next, safetyZoneClearSinceMs(state.loops()) + settings.suppressionMs());
        }
        if (state.mode() == LaneMode.FAULT && state.faultClearsItself() && state.readerBackSinceMs() >= 0) {
            next = Math.min(next, state.readerBackSinceMs() + readerRecoveryMs());
        }
        if (state.mode() != LaneMode.FAULT) {
            if (state.gateCommand() != null && state.gatePosition() != target(state.gateCommand())) {
                next = Math.min(next, state.gateCommandAtMs() + settings.gateTravelLimitMs());
            }
            for (LoopTrack loop : state.loops().values()) {
                if (loop.occupied()) {
                    next = Math.min(next, loop.sinceMs() + settings.loopStuckMs());
                }
            }
            next = Math.min(next, state.readerAliveAtMs() + settings.readerHeartbeatTimeoutMs());
        }
        return next;
    }

    /** Invariant 1's zone under the arm: the safety loop and, where there is one, the photo-eye. */
    static boolean safetyZoneOccupied(Map<LoopId, LoopTrack> loops) {
        LoopTrack eye = loops.get(LoopId.PHOTO_EYE);
        return loops.get(LoopId.SAFETY).occupied() || (eye != null && eye.occupied());
    }

    /** Since when the whole zone has been clear (the later of the two clearings); meaningful only while it is clear. */
    static long safetyZoneClearSinceMs(Map<LoopId, LoopTrack> loops) {
        LoopTrack eye = loops.get(LoopId.PHOTO_EYE);
        return Math.max(loops.get(LoopId.SAFETY).sinceMs(), eye == null ? Long.MIN_VALUE : eye.sinceMs());
    }

    /** Whether a FAULT of this cause ends by itself once its device is healthy again (docs/hardware.md says which and why). */
    static boolean clearsItself(String cause) {
        return cause.equals(READER_SILENT) || cause.equals(READER_TROUBLE);
    }

    /** A silent reader's FAULT ends by itself once the reader has been heard without a gap this long: two heartbeat timeouts. */
    private long readerRecoveryMs() {
        return 2 * settings.readerHeartbeatTimeoutMs();
    }

    private boolean hasLoop(LoopId id) {
        return switch (id) {
            case ARMING -> settings.hasArmingLoop();
            case SAFETY -> true;
            case EXIT -> settings.hasExitLoop();
            case PHOTO_EYE -> true; // tracked always: a lane without one never reports it, and it stays clear
        };
    }

    /** Before the vehicle reaches the safety loop, or after it backed off it without crossing: the open timeout. */
    private long passageDeadlineMs(Passage passage, boolean safetyOccupied) {
        if (!passage.sawSafety()) {
            return passage.openedAtMs() + settings.openTimeoutMs();
        }
        if (!safetyOccupied && !passage.sawExit()) {
            return passage.safetyClearedAtMs() + settings.openTimeoutMs();
        }
        return Long.MAX_VALUE;
    }

    private static GateLimit target(GateDirection direction) {
        return direction == GateDirection.UP ? GateLimit.OPEN : GateLimit.CLOSED;
    }

    /** One step's working copy of the state, and the actions it has produced so far. */
    private final class Draft {
        final Now now;
        final long t;
        final List<LaneAction> actions = new ArrayList<>();
        LaneMode mode;
        LaneMode modeBeforeFault;
        LaneMode pendingMode;
        String pendingModeCommandId;
        String faultCause;
        Phase phase;
        SignalAspect signal;
        GateDirection gateCommand;
        long gateCommandAtMs;
        GateLimit gatePosition;
        final Map<LoopId, LoopTrack> loops;
        long readerAliveAtMs;
        boolean tampered;
        Map<String, ListInfo> lists;
        Map<String, Long> recentCards;
        long nextTransactionId;
        /** A vehicle stood on the arming loop as the lane started: it is not decided again until the loop clears. */
        boolean armingHeldSinceStart;
        List<PlateAhead> platesAhead;
        String decidedPlate;
        boolean faultClearsItself;
        long readerBackSinceMs;
        String readerTrouble;

        Draft(LaneState s, Now now) {
            this.now = now;
            this.t = now.monoMs();
            mode = s.mode();
            modeBeforeFault = s.modeBeforeFault();
            pendingMode = s.pendingMode();
            pendingModeCommandId = s.pendingModeCommandId();
            faultCause = s.faultCause();
            phase = s.phase();
            signal = s.signal();
            gateCommand = s.gateCommand();
            gateCommandAtMs = s.gateCommandAtMs();
            gatePosition = s.gatePosition();
            loops = new EnumMap<>(s.loops());
            readerAliveAtMs = s.readerAliveAtMs();
            tampered = s.tampered();
            lists = s.lists();
            recentCards = s.recentCards();
            nextTransactionId = s.nextTransactionId();
            armingHeldSinceStart = s.armingHeldSinceStart();
            platesAhead = s.platesAhead();
            decidedPlate = s.decidedPlate();
            faultClearsItself = s.faultClearsItself();
            readerBackSinceMs = s.readerBackSinceMs();
            readerTrouble = s.readerTrouble();
        }

        LaneState freeze() {
            return new LaneState(mode, modeBeforeFault, pendingMode, faultCause, phase, signal, gateCommand,
                    gateCommandAtMs, gatePosition, Collections.unmodifiableMap(loops), readerAliveAtMs, tampered,
                    lists, recentCards, nextTransactionId, now.wallMs() - now.monoMs(), armingHeldSinceStart, platesAhead, decidedPlate, faultClearsItself, readerBackSinceMs,
                    readerTrouble, pendingModeCommandId);
        }

        void record(LaneEvent event) {
            actions.add(new RecordEvent(event));
        }

        boolean occupied(LoopId loop) {
            LoopTrack track = loops.get(loop);
            return track != null && track.occupied();
        }

        /**
         * NTP slews small errors away; a jump is a step (a late first sync, a bad RTC, an operator).
         * Nothing the lane times depends on the wall clock, but expiry does and the record shows it.
         */
        void noticeClockStep(long lastWallOffsetMs) {
            long stepMs = now.wallMs() - now.monoMs() - lastWallOffsetMs;
            if (Math.abs(stepMs) >= LaneSettings.CLOCK_STEP_MIN_MS) {
                record(new LaneEvent.ClockStepped(stepMs, now.monoMs() + lastWallOffsetMs, now.clockSynced()));
            }
        }

        // ---- stage 1: the input ----

        void take(LaneInput input) {
            if (input instanceof LaneInput.Start start) {
                // Central's CLOSED or MANUAL outlives a restart or a power cut: the lane never clears
                // vehicles again just because it started in its configured mode.
                boolean restored = start.restoredMode() != null && start.restoredMode() != LaneMode.FAULT;
                if (restored) {
                    mode = start.restoredMode();
                    modeBeforeFault = mode;
                }
                record(new LaneEvent.LaneStarted(mode.name(), settings.laneId(), restored ? "command" : "config"));
            } else if (input instanceof LaneInput.Stop) {
                record(new LaneEvent.LaneStopped(mode.name(), phase.getClass().getSimpleName()));
            } else if (input instanceof LaneInput.LoopChanged changed) {
                if (changed.loop() == LoopId.ARMING) {
                    // A car on the arming loop when the lane (re)starts may be one it referred before
                    // a crash or power cut: deciding it afresh (a new random draw, no anti-passback
                    // memory) could clear it. It is decided again only after it has left the loop.
                    armingHeldSinceStart = changed.atStart() ? changed.occupied() : armingHeldSinceStart && changed.occupied();
                }
                loopChanged(changed.loop(), changed.occupied());
            } else if (input instanceof LaneInput.TagSeen seen) {
                tagSeen(seen);
            } else if (input instanceof LaneInput.PlateSeen seen) {
                plateSeen(seen);
            } else if (input instanceof LaneInput.GateLimitReached reached) {
                gatePosition = reached.limit();
            } else if (input instanceof LaneInput.ReaderAlive) {
                readerHeard();
            } else if (input instanceof LaneInput.ReaderTrouble trouble) {
                readerTrouble = trouble.detail();
                readerBackSinceMs = -1; // recovery counts from the end of the trouble
                enterFault(READER_TROUBLE, trouble.detail());
            } else if (input instanceof LaneInput.ReaderTroubleEnded) {
                readerTrouble = null; // the recovery time counts from the reader's next heartbeat (readerHeard)
            } else if (input instanceof LaneInput.TamperChanged change) {
                if (change.tampered() != tampered) {
                    tampered = change.tampered();
                    record(new LaneEvent.Tamper(tampered));
                }
            } else if (input instanceof LaneInput.ListInForce inForce) {
                listInForce(inForce.list());
            } else if (input instanceof LaneInput.HardwareFault fault) {
                enterFault(fault.component().toUpperCase(Locale.ROOT) + "_FAULT", fault.detail());
            } else if (input instanceof Command command) {
                command(command);
            } else {
                assert input instanceof LaneInput.Tick : "every input kind is handled";
            }
        }

        void loopChanged(LoopId loop, boolean nowOccupied) {
            LoopTrack track = loops.get(loop);
            if (track == null) {
                record(new LaneEvent.InputRejected("loop", loop.name(), "the lane is configured without this loop"));
                return;
            }
            if (track.occupied() == nowOccupied) {
                return;
            }
            LoopTrack changed = track.changedTo(nowOccupied, t, settings.loopChatterChanges());
            loops.put(loop, changed);
            if (mode != LaneMode.FAULT && changed.isChattering(settings.loopChatterChanges(), settings.loopChatterWindowMs(), t)) {
                enterFault("LOOP_CHATTER", loop.name() + " changed " + settings.loopChatterChanges() + " times within "
                        + settings.loopChatterWindowMs() + " ms");
            }
            switch (loop) {
                case ARMING -> {
                    if (!nowOccupied && !occupied(LoopId.SAFETY)) {
                        vehicleLeft();
                    }
                }
                case SAFETY -> safetyChanged(nowOccupied);
                case PHOTO_EYE -> {
                    if (nowOccupied && !(phase instanceof Passage) && gateCommand != null && gatePosition != GateLimit.CLOSED
                            && !occupied(LoopId.SAFETY)) {
                        // Something crossed the beam under an arm that is not down, with no vehicle cleared.
                        record(new LaneEvent.Tailgate(phase.getClass().getSimpleName(), nextTransactionId - 1, LaneEvent.Tailgate.PHOTO_EYE, null));
                    }
                }
                case EXIT -> {
                    if (nowOccupied && phase instanceof Passage p) {
                        if (p.sawExit()) {
                            // The exit loop cleared and filled again while the arm stayed up for one
                            // vehicle: a second one crossed behind it (the safety loop saw no gap).
                            record(new LaneEvent.Tailgate(phase.getClass().getSimpleName(), p.transactionId(),
                                    LaneEvent.Tailgate.EXIT_LOOP, null));
                        }
                        phase = new Passage(p.transactionId(), p.released(), p.openedAtMs(), p.sawSafety(), true, p.safetyClearedAtMs());
                    }
                }
            }
        }

        /**
         * The vehicle that waits at the stop line stands on the arming loop (or, crept up to the arm,
         * on the safety loop): with both clear it has backed away, and a release or confirm must not
         * open the arm for whichever vehicle rolls up in its place (DESIGN §5: exactly one vehicle).
         */
        void vehicleLeft() {
            if (phase instanceof Referred r) {
                record(new LaneEvent.VehicleLeft(r.transactionId(), "Referred"));
                phase = new Idle();
            } else if (phase instanceof AwaitingConfirm a) {
                record(new LaneEvent.VehicleLeft(a.transactionId(), "AwaitingConfirm"));
                phase = new Idle();
            }
        }

        void safetyChanged(boolean nowOccupied) {
            if (phase instanceof Passage p) {
                phase = nowOccupied
                        ? new Passage(p.transactionId(), p.released(), p.openedAtMs(), true, p.sawExit(), p.safetyClearedAtMs())
                        : new Passage(p.transactionId(), p.released(), p.openedAtMs(), p.sawSafety(), p.sawExit(), t);
            } else if (nowOccupied && gateCommand != null && gatePosition != GateLimit.CLOSED) {
                // No vehicle is cleared to pass, and the arm is not down: whatever is under it came
                // without a decision (a tailgater behind the last car, or one that slipped in).
                record(new LaneEvent.Tailgate(phase.getClass().getSimpleName(), nextTransactionId - 1, LaneEvent.Tailgate.SAFETY_LOOP,
                        null));
            }
        }

        /** The reader spoke (a heartbeat or a read): in a FAULT that clears itself, the time it has been back counts from the first after a gap. */
        void readerHeard() {
            if (mode == LaneMode.FAULT && faultClearsItself && readerTrouble == null
                    && (readerBackSinceMs < 0 || t - readerAliveAtMs >= settings.readerHeartbeatTimeoutMs())) {
                readerBackSinceMs = t;
            }
            readerAliveAtMs = t;
        }

        void tagSeen(LaneInput.TagSeen seen) {
            readerHeard();
            if (phase instanceof Idle && !settings.hasArmingLoop()) {
                openTransaction();
            }
            if (phase instanceof Collecting c) {
                phase = new Collecting(c.transaction().withRead(seen));
            }
        }

        void plateSeen(LaneInput.PlateSeen seen) {
            PlateEventKind kind = seen.report().kind();
            if (kind != PlateEventKind.LOST && seen.report().confidencePct() < settings.minPlateConfidencePct()) {
                return;
            }
            String key = Plates.key(seen.report().jurisdiction(), seen.report().text());
            if (key == null) {
                if (kind != PlateEventKind.LOST) {
                    record(new LaneEvent.InputRejected("plate", null, "plate text is empty once normalised"));
                }
                return;
            }
            if (phase instanceof Collecting c) {
                if (kind != PlateEventKind.LOST) {
                    phase = new Collecting(c.transaction().withPlate(key));
                }
            } else if (kind == PlateEventKind.LOST && key.equals(decidedPlate)) {
                decidedPlate = null; // the decided vehicle leaving the camera's view (a car behind may carry the same plate)
            } else if (plateIsForTheVehicleBehind()) {
                plateAhead(kind, key);
            } else if (phase instanceof Idle && !settings.hasArmingLoop() && kind == PlateEventKind.NEW) {
                // Without an arming loop the camera is what sees a vehicle that carries no card:
                // its plate opens the read window, so the vehicle is decided (NO_TAG) instead of
                // standing at the stop line unseen with the lane's traffic behind it.
                openTransaction();
                phase = new Collecting(((Collecting) phase).transaction().withPlate(key));
            }
            // Otherwise the plate is a late reading of the vehicle already decided (waiting at the
            // stop line, or not yet on the safety loop): its decision stands.
        }

        /**
         * Whether a plate read now belongs to the vehicle behind: the decided one has moved on (it is
         * on or past the safety loop), so whatever the camera sees at the stop line is the next one.
         */
        boolean plateIsForTheVehicleBehind() {
            if (phase instanceof Passage p) {
                return p.sawSafety();
            }
            return phase instanceof Closing || (phase instanceof Idle && settings.hasArmingLoop());
        }

        void plateAhead(PlateEventKind kind, String key) {
            List<PlateAhead> next = new ArrayList<>(platesAhead);
            switch (kind) {
                case NEW -> {
                    if (next.stream().noneMatch(held -> held.key().equals(key))) {
                        next.add(new PlateAhead(key, 0, false));
                        if (next.size() > PlateAhead.HELD_MAX) {
                            next.remove(0);
                        }
                    }
                }
                case UPDATE -> {
                    // A revision follows its first reading closely: it is of the latest vehicle read.
                    for (int i = next.size() - 1; i >= 0; i--) {
                        if (!next.get(i).lost()) {
                            next.set(i, next.get(i).revisedTo(key));
                            break;
                        }
                    }
                }
                case LOST -> next.replaceAll(held -> held.key().equals(key) ? held.goneFromView() : held);
            }
            platesAhead = List.copyOf(next);
        }

        void listInForce(ListInfo list) {
            ListInfo held = lists.get(list.program());
            if (held != null && list.version() <= held.version()) {
                // A report that crossed a newer one (the link's hand-over and the store poll): the
                // version in force never goes back.
                return;
            }
            Map<String, ListInfo> next = new LinkedHashMap<>(lists);
            next.put(list.program(), list);
            lists = Collections.unmodifiableMap(next);
            record(new LaneEvent.ListInForce(list.program(), list.version(), list.entryCount(), list.issuedWallMs(),
                    list.expiresWallMs() == ListInfo.NO_EXPIRY ? null : list.expiresWallMs()));
        }

        void command(Command command) {
            switch (command.kind()) {
                case SET_MODE -> setMode(command);
                case RELEASE -> {
                    if (phase instanceof Referred r && mode != LaneMode.FAULT) {
                        record(new LaneEvent.Released(r.transactionId(), command.commandId(), command.actor()));
                        openFor(r.transactionId(), true);
                    } else {
                        reject(command, mode == LaneMode.FAULT ? "the lane is in FAULT" : "no referred vehicle is waiting");
                    }
                }
                case CONFIRM -> {
                    if (phase instanceof AwaitingConfirm a) {
                        record(new LaneEvent.Confirmed(a.transactionId(), command.commandId(), command.actor()));
                        openFor(a.transactionId(), false);
                    } else {
                        reject(command, "no cleared vehicle is waiting for a confirm");
                    }
                }
                case FAULT_RESET -> {
                    if (mode != LaneMode.FAULT) {
                        reject(command, "the lane is not in FAULT");
                        return;
                    }
                    record(new LaneEvent.FaultReset(faultCause, modeBeforeFault.name(), command.commandId(), command.actor()));
                    mode = modeBeforeFault;
                    faultCause = null;
                    faultClearsItself = false;
                    readerBackSinceMs = -1;
                    // A fresh start for every detector: a fault that is still there shows itself again.
                    loops.replaceAll((id, track) -> new LoopTrack(track.occupied(), track.occupied() ? t : track.sinceMs(), new long[0]));
                    readerAliveAtMs = t;
                    gateCommand = null;
                    gatePosition = null;
                }
            }
        }

        void setMode(Command command) {
            LaneMode wanted = command.mode();
            if (wanted == LaneMode.FAULT) {
                reject(command, "FAULT is entered by the lane itself, not by command");
            } else if (mode == LaneMode.FAULT) {
                reject(command, "the lane is in FAULT: reset it first");
            } else if (phase instanceof Idle || wanted == mode) {
                // The mode already in force needs no wait: MODE_UNCHANGED at once, and a change still
                // waiting is dropped (the latest word counts).
                changeMode(wanted, command.commandId());
            } else {
                pendingMode = wanted;
                pendingModeCommandId = command.commandId();
                record(new LaneEvent.ModeChangePending(mode.name(), wanted.name(), command.commandId(), "a vehicle is in the lane"));
            }
        }

        void changeMode(LaneMode wanted, String commandId) {
            pendingMode = null;
            pendingModeCommandId = null;
            if (wanted != mode) {
                record(new LaneEvent.ModeChanged(mode.name(), wanted.name(), commandId));
                mode = wanted;
                modeBeforeFault = wanted;
            } else if (commandId != null) {
                // Every command gets an answer in the journal, even one that changes nothing.
                record(new LaneEvent.ModeUnchanged(mode.name(), commandId));
            }
        }

        void reject(Command command, String why) {
            record(new LaneEvent.CommandRejected(command.kind().name(), command.commandId(), command.actor(), why, null));
        }

        // ---- stage 2: timeouts ----

        void checkTimeouts() {
            if (phase instanceof Collecting c && t >= c.transaction().openedAtMs() + settings.readWindowMs()) {
                decide(c.transaction());
            } else if (phase instanceof AwaitingConfirm a && t >= a.sinceMs() + settings.confirmTimeoutMs()) {
                record(new LaneEvent.ConfirmTimeout(a.transactionId()));
                phase = new Referred(a.transactionId(), t);
            } else if (phase instanceof Referred r && t >= r.sinceMs() + settings.referralTimeoutMs()) {
                boolean stillThere = occupied(LoopId.ARMING) || occupied(LoopId.SAFETY);
                record(new LaneEvent.ReferralTimeout(r.transactionId(), stillThere));
                phase = stillThere ? new Referred(r.transactionId(), t) : new Idle();
            } else if (phase instanceof Passage p && t >= passageDeadlineMs(p, occupied(LoopId.SAFETY))) {
                record(new LaneEvent.Abandoned(p.transactionId(), p.sawSafety()));
                phase = new Closing(p.transactionId(), false);
            } else if (phase instanceof WaitingForClearLoop w && t >= w.sinceMs() + settings.openTimeoutMs()) {
                record(new LaneEvent.Abandoned(w.transactionId(), false));
                phase = new Closing(w.transactionId(), false);
            }
            if (mode == LaneMode.FAULT) {
                if (faultClearsItself && readerTrouble == null && readerBackSinceMs >= 0 && t >= readerBackSinceMs + readerRecoveryMs()
                        && t - readerAliveAtMs < settings.readerHeartbeatTimeoutMs()) {
                    // The reader is back and has stayed back: nothing a technician could do is left to do.
                    record(new LaneEvent.FaultCleared(faultCause, modeBeforeFault.name(), t - readerBackSinceMs));
                    mode = modeBeforeFault;
                    faultCause = null;
                    faultClearsItself = false;
                    readerBackSinceMs = -1;
                }
                return;
            }
            if (readerTrouble != null) {
                enterFault(READER_TROUBLE, readerTrouble); // reset while the reader still reports trouble: it shows itself again
                return;
            }
            if (gateCommand != null && gatePosition != target(gateCommand) && t >= gateCommandAtMs + settings.gateTravelLimitMs()) {
                enterFault("GATE_TRAVEL_TIMEOUT", "gate commanded " + gateCommand + " did not reach its limit switch within "
                        + settings.gateTravelLimitMs() + " ms");
                return;
            }
            for (Map.Entry<LoopId, LoopTrack> loop : loops.entrySet()) {
                if (loop.getValue().occupied() && t >= loop.getValue().sinceMs() + settings.loopStuckMs()) {
                    enterFault("LOOP_STUCK", loop.getKey() + " occupied for " + settings.loopStuckMs() + " ms");
                    return;
                }
            }
            if (t >= readerAliveAtMs + settings.readerHeartbeatTimeoutMs()) {
                enterFault(READER_SILENT, "no heartbeat or read for " + settings.readerHeartbeatTimeoutMs() + " ms");
            }
        }

        void decide(Transaction txn) {
            double draw = mode == LaneMode.AUTOMATED ? random.nextUnit() : 0.0;
            Decision decision = Decider.decide(settings, mode, lists, txn, recentCards, now, draw);
            record(decisionEvent(txn, decision));
            decidedPlate = txn.plateKey();
            if (decision.reasons().contains(Reason.LOOKOUT)) {
                record(new LaneEvent.LookoutAlert(txn.id(), txn.cards().stream()
                        .filter(c -> c.entry() != null && c.entry().lookout()).map(Transaction.SeenCard::epcHex).toList()));
            }
            rememberCards(txn);
            if (!decision.isCleared()) {
                phase = new Referred(txn.id(), t);
            } else if (settings.officerConfirm()) {
                phase = new AwaitingConfirm(txn.id(), t);
            } else {
                openFor(txn.id(), false);
            }
        }

        /**
         * A clearance or release opens for exactly one vehicle (DESIGN §5), and the lane counts it by
         * the safety loop: with the loop already occupied it could not tell this vehicle from what is
         * there, so it holds STOP until the loop is clear.
         */
        void openFor(long transactionId, boolean released) {
            phase = safetyZoneOccupied(loops) ? new WaitingForClearLoop(transactionId, released, t)
                    : new Passage(transactionId, released, t, false, false, t);
        }

        LaneEvent.DecisionMade decisionEvent(Transaction txn, Decision decision) {
            List<LaneEvent.DecisionCard> cards = new ArrayList<>();
            for (Transaction.SeenCard card : txn.cards()) {
                cards.add(new LaneEvent.DecisionCard(card.epcHex(), card.tidHex(), card.antenna(), card.rssiDbm(),
                        card.entry() == null ? null : card.entry().program(), card.entry() == null ? null : card.entry().listVersion()));
            }
            Map<String, Long> versions = new LinkedHashMap<>();
            lists.forEach((program, list) -> versions.put(program, list.version()));
            return new LaneEvent.DecisionMade(txn.id(), decision.outcomeName(), decision.reasons().stream().map(Reason::name).toList(),
                    mode.name(), settings.officerConfirm(), cards, txn.tagsOverLimit(), txn.plateKey(), txn.plateRevisions(), versions,
                    decision.randomDraw(), settings.randomReferralPercent(), txn.openedAtMs());
        }

        void rememberCards(Transaction txn) {
            LinkedHashMap<String, Long> next = new LinkedHashMap<>();
            recentCards.forEach((epc, atMs) -> {
                if (t - atMs < settings.antiPassbackMs()) {
                    next.put(epc, atMs);
                }
            });
            for (Transaction.SeenCard card : txn.cards()) {
                next.remove(card.epcHex());
                next.put(card.epcHex(), t);
            }
            while (next.size() > LaneSettings.RECENT_CARDS_MAX) {
                next.remove(next.keySet().iterator().next());
            }
            recentCards = Collections.unmodifiableMap(next);
        }

        void enterFault(String cause, String detail) {
            if (mode == LaneMode.FAULT && cause.equals(faultCause)) {
                return;
            }
            record(new LaneEvent.Fault(cause, detail, mode.name()));
            boolean clearsItself = clearsItself(cause);
            if (mode != LaneMode.FAULT) {
                modeBeforeFault = mode;
                faultClearsItself = clearsItself;
                readerBackSinceMs = -1;
            } else {
                faultClearsItself &= clearsItself; // any other cause latched alongside needs a reset
            }
            mode = LaneMode.FAULT;
            faultCause = cause;
            if (phase instanceof Passage p) {
                phase = new Closing(p.transactionId(), false);
            } else if (phase instanceof AwaitingConfirm a) {
                phase = new Referred(a.transactionId(), t);
            } else if (phase instanceof WaitingForClearLoop w) {
                phase = new Referred(w.transactionId(), t);
            }
        }

        // ---- stage 3: the phase settles ----

        void settlePhase() {
            if (phase instanceof WaitingForClearLoop w && !safetyZoneOccupied(loops)) {
                phase = new Passage(w.transactionId(), w.released(), t, false, false, t);
            }
            if (phase instanceof Passage p && hasCrossed(p)) {
                record(new LaneEvent.Passage(p.transactionId(), p.released(), t - p.openedAtMs()));
                phase = new Closing(p.transactionId(), true);
                // The camera read a vehicle behind this one that is gone from its view, or not waiting on
                // the arming loop: it went under the arm with this one (bumper to bumper, no loop saw a gap).
                vehiclesBehindWentThrough("Passage", p.transactionId(), settings.hasArmingLoop() && !occupied(LoopId.ARMING));
            }
            if (phase instanceof Closing c && gateCommand == GateDirection.DOWN && gatePosition == GateLimit.CLOSED) {
                // Under the arm after a passage that ended without its vehicle:
                vehiclesBehindWentThrough("Closing", c.transactionId(), false);
                phase = new Idle();
            }
            if (phase instanceof Idle && pendingMode != null && mode != LaneMode.FAULT) {
                // A FAULT that latched while the change waited is ended by a reset only (invariant 6);
                // the change keeps waiting, and takes effect once the lane is reset and empty.
                changeMode(pendingMode, pendingModeCommandId); // the command that waited is answered by the change
            }
            // The next vehicle's read window runs while the arm comes down behind the last one, once
            // that one has crossed: what is on the arming loop then is the next vehicle. (After an
            // abandoned passage or a fault it may be the same one: wait for the arm to be down.) A
            // mode change waiting for the lane to empty waits for the arm too.
            boolean ready = phase instanceof Idle || (phase instanceof Closing c && c.vehicleCrossed() && pendingMode == null);
            if (ready && occupied(LoopId.ARMING) && !armingHeldSinceStart) {
                openTransaction();
            }
            if (phase instanceof Idle && !platesAhead.isEmpty()) {
                if (settings.hasArmingLoop() && !occupied(LoopId.ARMING)) {
                    platesAhead = List.of(); // the lane is free and nobody waits on the loop: the plates are nobody's now
                } else if (!settings.hasArmingLoop() && platesAhead.stream().anyMatch(held -> !held.lost()) && mode != LaneMode.FAULT) {
                    openTransaction(); // the vehicle the camera read behind the last one is at the stop line now
                }
            }
        }

        /** A TAILGATE for every plate ahead gone from view ({@code all}: for every plate ahead), forgotten then. */
        void vehiclesBehindWentThrough(String inPhase, long transactionId, boolean all) {
            for (PlateAhead held : platesAhead) {
                if (all || held.lost()) {
                    record(new LaneEvent.Tailgate(inPhase, transactionId, LaneEvent.Tailgate.PLATE, held.key()));
                }
            }
            platesAhead = all ? List.of() : platesAhead.stream().filter(held -> !held.lost()).toList();
        }

        boolean hasCrossed(Passage p) {
            return p.sawSafety() && !occupied(LoopId.SAFETY) && (p.sawExit() || !settings.hasExitLoop());
        }

        void openTransaction() {
            Transaction opened = Transaction.open(nextTransactionId++, t);
            // The oldest plate still in view is the vehicle at the stop line; those before it left.
            int first = 0;
            while (first < platesAhead.size() && platesAhead.get(first).lost()) {
                first++;
            }
            if (first < platesAhead.size()) {
                opened = opened.withPlateAhead(platesAhead.get(first));
                first++;
            }
            platesAhead = platesAhead.subList(first, platesAhead.size());
            phase = new Collecting(opened);
        }

        // ---- stage 4: outputs, under the interlocks ----

        void reconcileOutputs() {
            boolean wantUp = phase instanceof Passage;
            List<LaneAction> gateActions = new ArrayList<>(1);
            boolean zoneOccupied = safetyZoneOccupied(loops);
            if (gateCommand == GateDirection.DOWN && gatePosition != GateLimit.CLOSED && zoneOccupied) {
                // Invariant 1: an arm on its way down reverses the moment something is under it.
                record(new LaneEvent.SafetyReversal(phase.getClass().getSimpleName()));
                commandGate(GateDirection.UP, gateActions);
            } else if (wantUp && gateCommand != GateDirection.UP) {
                commandGate(GateDirection.UP, gateActions);
            } else if (!wantUp && gateCommand != GateDirection.DOWN && !zoneOccupied
                    && t - safetyZoneClearSinceMs(loops) >= settings.suppressionMs()) {
                if (gateCommand == null && gatePosition == GateLimit.CLOSED) {
                    // At start the arm already rests on its closed limit: a close pulse would move
                    // nothing and bring no new limit report, so the arm is taken as commanded down.
                    gateCommand = GateDirection.DOWN;
                    gateCommandAtMs = t;
                } else {
                    commandGate(GateDirection.DOWN, gateActions);
                }
            }
            SignalAspect aspect = wantedAspect();
            if (aspect == SignalAspect.PROCEED && gateCommand != GateDirection.UP) {
                aspect = SignalAspect.STOP; // Invariant 2: green only over an arm that is up or going up.
            }
            boolean signalChanges = aspect != signal;
            signal = aspect;
            // Green comes after the arm is told to rise; anything else comes before the arm is told to fall.
            if (aspect == SignalAspect.PROCEED) {
                actions.addAll(gateActions);
                if (signalChanges) {
                    actions.add(new ShowSignal(aspect));
                }
            } else {
                if (signalChanges) {
                    actions.add(new ShowSignal(aspect));
                }
                actions.addAll(gateActions);
            }
        }

        void commandGate(GateDirection direction, List<LaneAction> out) {
            gateCommand = direction;
            gateCommandAtMs = t;
            gatePosition = null;
            out.add(new MoveGate(direction));
        }

        SignalAspect wantedAspect() {
            if (phase instanceof Passage) {
                return SignalAspect.PROCEED;
            }
            if (phase instanceof Referred) {
                return mode == LaneMode.FAULT || mode == LaneMode.CLOSED ? SignalAspect.STOP : SignalAspect.REFER;
            }
            if (phase instanceof Collecting && pendingMode == LaneMode.CLOSED) {
                return SignalAspect.CLOSING;
            }
            return SignalAspect.STOP;
        }
    }
}
