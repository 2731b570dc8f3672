package dev.lanecontroller.core;

import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.PlateReport;
import dev.lanecontroller.hal.TagRead;
import java.util.Objects;

/** Everything that can happen to a lane. The shell turns hardware callbacks, commands and timers into these. */
public sealed interface LaneInput {
    /** The first input after the process starts: outputs go to their safe state. */
    /**
     * The lane starts; {@code restoredMode} is the mode a command last put it in before it stopped
     * (from the journal), or null to start in the configured {@code initialMode}.
     */
    record Start(LaneMode restoredMode) implements LaneInput {
        public Start() {
            this(null);
        }
    }

    /** The process is shutting down: recorded, so the journal shows a clean stop from a crash. */
    record Stop() implements LaneInput {}

    /**
     * A loop's detector changed; {@code atStart} when it is the state the loop was in as the lane
     * started (reported once, at subscription), not a change seen since.
     */
    record LoopChanged(LoopId loop, boolean occupied, boolean atStart) implements LaneInput {
        public LoopChanged(LoopId loop, boolean occupied) {
            this(loop, occupied, false);
        }

        public LoopChanged {
            Objects.requireNonNull(loop, "loop");
        }
    }

    /** A card read, with the list entry the shell found for it (null: not on any list in force). */
    record TagSeen(TagRead read, CardEntry entry) implements LaneInput {
        public TagSeen {
            Objects.requireNonNull(read, "read");
        }
    }

    record PlateSeen(PlateReport report) implements LaneInput {
        public PlateSeen {
            Objects.requireNonNull(report, "report");
        }
    }

    record GateLimitReached(GateLimit limit) implements LaneInput {
        public GateLimitReached {
            Objects.requireNonNull(limit, "limit");
        }
    }

    /** The tag reader's heartbeat (keepalive). */
    record ReaderAlive() implements LaneInput {}

    /** The reader reports something wrong with itself ({@code detail}: an antenna disconnected), again or worse. */
    record ReaderTrouble(String detail) implements LaneInput {
        public ReaderTrouble {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** The reader reports nothing wrong with itself any more. */
    record ReaderTroubleEnded() implements LaneInput {}

    record TamperChanged(boolean tampered) implements LaneInput {}

    /** A new clearance list version took effect for its program. */
    record ListInForce(ListInfo list) implements LaneInput {
        public ListInForce {
            Objects.requireNonNull(list, "list");
        }
    }

    /** Something outside the core failed: the journal, an output read back wrong, the inbox overflowed. */
    record HardwareFault(String component, String detail) implements LaneInput {
        public HardwareFault {
            Objects.requireNonNull(component, "component");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Time passed; timeouts are checked on every input, and a Tick is an input with nothing else in it. */
    record Tick() implements LaneInput {}

    /**
     * An authenticated command. {@code mode} is set for SET_MODE only.
     *
     * @param commandId the issuer's id for the command, echoed in the events it causes
     * @param actor who sent it (an officer's or technician's id), for the record
     */
    record Command(String commandId, CommandKind kind, LaneMode mode, String actor) implements LaneInput {
        public Command {
            Objects.requireNonNull(commandId, "commandId");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(actor, "actor");
            if ((kind == CommandKind.SET_MODE) != (mode != null)) {
                throw new IllegalArgumentException("a mode goes with SET_MODE and only with it");
            }
        }
    }
}
