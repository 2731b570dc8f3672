package dev.lanecontroller.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Every event the lane, its central link and its journal record, as typed values: the compiler
 * checks each is complete, and consumers match on them instead of parsing JSON. Each record
 * declares its journal fields once, in {@link #details()}, in the order documented in
 * docs/journal.md and docs/mqtt-contract.md; the journal turns those into JSON in one place
 * ({@code store.EventChain}), so journals written before these types existed read the same.
 */
public sealed interface LaneEvent {
    EventType type();

    /** The event's fields as the journal stores them, in their documented order. */
    Map<String, Object> details();

    /** An event that settles a command: central gets a reply naming it. */
    sealed interface SettlesCommand extends LaneEvent {
        String commandId();

        /** Why the command did not (yet) take effect; null when it did. */
        default String why() {
            return null;
        }
    }

    record ClockStepped(long stepMs, long wallBeforeMs, boolean clockSynced) implements LaneEvent {
        public EventType type() {
            return EventType.CLOCK_STEPPED;
        }

        public Map<String, Object> details() {
            return Details.of("stepMs", stepMs, "wallBeforeMs", wallBeforeMs, "clockSynced", clockSynced);
        }
    }

    /** @param modeFrom "command" (restored from the journal) or "config" */
    record LaneStarted(String mode, String laneId, String modeFrom) implements LaneEvent {
        public EventType type() {
            return EventType.LANE_STARTED;
        }

        public Map<String, Object> details() {
            return Details.of("mode", mode, "laneId", laneId, "modeFrom", modeFrom);
        }
    }

    record LaneStopped(String mode, String phase) implements LaneEvent {
        public EventType type() {
            return EventType.LANE_STOPPED;
        }

        public Map<String, Object> details() {
            return Details.of("mode", mode, "phase", phase);
        }
    }

    record Tamper(boolean tampered) implements LaneEvent {
        public EventType type() {
            return EventType.TAMPER;
        }

        public Map<String, Object> details() {
            return Details.of("tampered", tampered);
        }
    }

    /** @param loop the loop the input named, or null for an input that is not a loop's */
    record InputRejected(String input, String loop, String why) implements LaneEvent {
        public EventType type() {
            return EventType.INPUT_REJECTED;
        }

        public Map<String, Object> details() {
            return loop == null ? Details.of("input", input, "why", why) : Details.of("input", input, "loop", loop, "why", why);
        }
    }

    /**
     * @param evidence what showed the vehicle: {@code safetyLoop} (onto the safety loop with no vehicle
     *        cleared and the arm not down), {@code exitLoop} (a second vehicle over the exit loop in one
     *        passage), {@code plate} (a second plate read during a passage, its vehicle not waiting),
     *        {@code photoEye} (the beam broken under an arm not down, no vehicle cleared, the loop empty)
     * @param plate the second vehicle's plate when the camera read it, else null
     */
    record Tailgate(String phase, long lastTransactionId, String evidence, String plate) implements LaneEvent {
        public static final String SAFETY_LOOP = "safetyLoop";
        public static final String EXIT_LOOP = "exitLoop";
        public static final String PLATE = "plate";
        public static final String PHOTO_EYE = "photoEye";

        public EventType type() {
            return EventType.TAILGATE;
        }

        public Map<String, Object> details() {
            return Details.of("phase", phase, "lastTransactionId", lastTransactionId, "evidence", evidence, "plate", plate);
        }
    }

    /** @param expiresWallMs null for a list without a signed expiry */
    record ListInForce(String program, long version, long entries, long issuedWallMs, Long expiresWallMs) implements LaneEvent {
        public EventType type() {
            return EventType.LIST_IN_FORCE;
        }

        public Map<String, Object> details() {
            return Details.of("program", program, "version", version, "entries", entries, "issuedWallMs", issuedWallMs,
                    "expiresWallMs", expiresWallMs);
        }
    }

    record Released(long transactionId, String commandId, String actor) implements SettlesCommand {
        public EventType type() {
            return EventType.RELEASED;
        }

        public Map<String, Object> details() {
            return Details.of("transactionId", transactionId, "commandId", commandId, "actor", actor);
        }
    }

    record Confirmed(long transactionId, String commandId, String actor) implements SettlesCommand {
        public EventType type() {
            return EventType.CONFIRMED;
        }

        public Map<String, Object> details() {
            return Details.of("transactionId", transactionId, "commandId", commandId, "actor", actor);
        }
    }

    record FaultReset(String cause, String mode, String commandId, String actor) implements SettlesCommand {
        public EventType type() {
            return EventType.FAULT_RESET;
        }

        public Map<String, Object> details() {
            return Details.of("cause", cause, "mode", mode, "commandId", commandId, "actor", actor);
        }
    }

    /** @param mode the mode the lane is back in */
    record FaultCleared(String cause, String mode, long healthyForMs) implements LaneEvent {
        public EventType type() {
            return EventType.FAULT_CLEARED;
        }

        public Map<String, Object> details() {
            return Details.of("cause", cause, "mode", mode, "healthyForMs", healthyForMs);
        }
    }

    record ModeChangePending(String from, String to, String commandId, String why) implements SettlesCommand {
        public EventType type() {
            return EventType.MODE_CHANGE_PENDING;
        }

        public Map<String, Object> details() {
            return Details.of("from", from, "to", to, "commandId", commandId, "why", why);
        }
    }

    /** @param commandId null when a change that waited for the lane to empty took effect */
    record ModeChanged(String from, String to, String commandId) implements SettlesCommand {
        public EventType type() {
            return EventType.MODE_CHANGED;
        }

        public Map<String, Object> details() {
            return Details.of("from", from, "to", to, "commandId", commandId);
        }
    }

    record ModeUnchanged(String mode, String commandId) implements SettlesCommand {
        public EventType type() {
            return EventType.MODE_UNCHANGED;
        }

        public Map<String, Object> details() {
            return Details.of("mode", mode, "commandId", commandId);
        }
    }

    /**
     * A command that did not apply: refused by the lane, or by the link's checks (which also count
     * them: {@code refusalsSinceStart}, null for the lane's own refusals).
     */
    record CommandRejected(String command, String commandId, String actor, String why, Long refusalsSinceStart)
            implements SettlesCommand {
        public EventType type() {
            return EventType.COMMAND_REJECTED;
        }

        public Map<String, Object> details() {
            return refusalsSinceStart == null ? Details.of("command", command, "commandId", commandId, "actor", actor, "why", why)
                    : Details.of("command", command, "commandId", commandId, "actor", actor, "why", why,
                            "refusalsSinceStart", refusalsSinceStart);
        }
    }

    record ConfirmTimeout(long transactionId) implements LaneEvent {
        public EventType type() {
            return EventType.CONFIRM_TIMEOUT;
        }

        public Map<String, Object> details() {
            return Details.of("transactionId", transactionId);
        }
    }

    record ReferralTimeout(long transactionId, boolean vehiclePresent) implements LaneEvent {
        public EventType type() {
            return EventType.REFERRAL_TIMEOUT;
        }

        public Map<String, Object> details() {
            return Details.of("transactionId", transactionId, "vehiclePresent", vehiclePresent);
        }
    }

    /** @param phase what the vehicle was waiting for: {@code Referred} or {@code AwaitingConfirm} */
    record VehicleLeft(long transactionId, String phase) implements LaneEvent {
        public EventType type() {
            return EventType.VEHICLE_LEFT;
        }

        public Map<String, Object> details() {
            return Details.of("transactionId", transactionId, "phase", phase);
        }
    }

    record Abandoned(long transactionId, boolean reachedSafetyLoop) implements LaneEvent {
        public EventType type() {
            return EventType.ABANDONED;
        }

        public Map<String, Object> details() {
            return Details.of("transactionId", transactionId, "reachedSafetyLoop", reachedSafetyLoop);
        }
    }

    /** A card as a decision records it. */
    record DecisionCard(String epc, String tid, int antenna, int rssiDbm, String program, Long listVersion) {
        Map<String, Object> details() {
            return Details.of("epc", epc, "tid", tid, "antenna", antenna, "rssiDbm", rssiDbm, "program", program, "listVersion", listVersion);
        }
    }

    /** The one decision of a transaction (DESIGN §4); {@code outcome} is CLEARED or the first reason found. */
    record DecisionMade(long transactionId, String outcome, List<String> reasons, String mode, boolean officerConfirm,
                        List<DecisionCard> cards, int cardsOverLimit, String plate, int plateRevisions, Map<String, Long> listVersions,
                        double randomDraw, double randomReferralPercent, long openedMonoMs) implements LaneEvent {
        public DecisionMade {
            reasons = List.copyOf(reasons);
            cards = List.copyOf(cards);
            listVersions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(listVersions));
        }

        public boolean cleared() {
            return "CLEARED".equals(outcome);
        }

        public EventType type() {
            return EventType.DECISION;
        }

        public Map<String, Object> details() {
            return Details.of("transactionId", transactionId, "outcome", outcome, "reasons", reasons, "mode", mode,
                    "officerConfirm", officerConfirm, "cards", cards.stream().map(DecisionCard::details).toList(),
                    "cardsOverLimit", cardsOverLimit, "plate", plate, "plateRevisions", plateRevisions, "listVersions", listVersions,
                    "randomDraw", randomDraw, "randomReferralPercent", randomReferralPercent, "openedMonoMs", openedMonoMs);
        }
    }

    record LookoutAlert(long transactionId, List<String> cards) implements LaneEvent {
        public LookoutAlert {
            cards = List.copyOf(cards);
        }

        public EventType type() {
            return EventType.LOOKOUT_ALERT;
        }

        public Map<String, Object> details() {
            return Details.of("transactionId", transactionId, "cards", cards);
        }
    }

    record Fault(String cause, String detail, String modeBefore) implements LaneEvent {
        public EventType type() {
            return EventType.FAULT;
        }

        public Map<String, Object> details() {
            return Details.of("cause", cause, "detail", detail, "modeBefore", modeBefore);
        }
    }

    record Passage(long transactionId, boolean released, long passageMs) implements LaneEvent {
        public EventType type() {
            return EventType.PASSAGE;
        }

        public Map<String, Object> details() {
            return Details.of("transactionId", transactionId, "released", released, "passageMs", passageMs);
        }
    }

    record SafetyReversal(String phase) implements LaneEvent {
        public EventType type() {
            return EventType.SAFETY_REVERSAL;
        }

        public Map<String, Object> details() {
            return Details.of("phase", phase);
        }
    }

    /** A signed command from central passed every check. */
    record CommandReceived(String commandId, String commandType, String actor, String issuedAt) implements LaneEvent {
        public EventType type() {
            return EventType.COMMAND_RECEIVED;
        }

        public Map<String, Object> details() {
            return Details.of("commandId", commandId, "type", commandType, "actor", actor, "issuedAt", issuedAt);
        }
    }

    record ListSnapshotRequested(String program, Long haveVersion, String why) implements LaneEvent {
        public EventType type() {
            return EventType.LIST_SNAPSHOT_REQUESTED;
        }

        public Map<String, Object> details() {
            return Details.of("program", program, "haveVersion", haveVersion, "why", why);
        }
    }

    record ListApplied(String program, long version, String kind, long entries, long tookMs) implements LaneEvent {
        public EventType type() {
            return EventType.LIST_APPLIED;
        }

        public Map<String, Object> details() {
            return Details.of("program", program, "version", version, "kind", kind, "entries", entries, "tookMs", tookMs);
        }
    }

    record ListRejected(String program, Long version, String kind, String code, String why, Long inForceVersion,
                        long rejectedSinceStart) implements LaneEvent {
        public EventType type() {
            return EventType.LIST_REJECTED;
        }

        public Map<String, Object> details() {
            return Details.of("program", program, "version", version, "kind", kind, "code", code, "why", why,
                    "inForceVersion", inForceVersion, "rejectedSinceStart", rejectedSinceStart);
        }
    }

    record CentralBacklog(String measure, long value, long threshold, int level) implements LaneEvent {
        public EventType type() {
            return EventType.CENTRAL_BACKLOG;
        }

        public Map<String, Object> details() {
            return Details.of("measure", measure, "value", value, "threshold", threshold, "level", level);
        }
    }

    record CentralBacklogCleared(String measure, long value) implements LaneEvent {
        public EventType type() {
            return EventType.CENTRAL_BACKLOG_CLEARED;
        }

        public Map<String, Object> details() {
            return Details.of("measure", measure, "value", value);
        }
    }

    /** An event that could never be journaled (a programming error), recorded in its place. */
    record EventRefused(String refusedType, String why) implements LaneEvent {
        public EventRefused {
            Objects.requireNonNull(refusedType, "refusedType");
        }

        public EventType type() {
            return EventType.EVENT_REFUSED;
        }

        public Map<String, Object> details() {
            return Details.of("type", refusedType, "why", why);
        }
    }
}
