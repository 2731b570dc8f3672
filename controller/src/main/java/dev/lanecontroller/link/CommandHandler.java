package dev.lanecontroller.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.contract.CommandWire.Type;
import dev.lanecontroller.contract.ReplyWire;
import dev.lanecontroller.contract.ReplyWire.Result;
import dev.lanecontroller.contract.SignedEnvelope;
import dev.lanecontroller.contract.SignedEnvelope.Rejected;
import dev.lanecontroller.core.CommandKind;
import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.NonceStore;
import dev.lanecontroller.store.StoreException;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Signed commands from central (DESIGN §7): each is checked (size, signature, addressee, age,
 * nonce, shape) before anything happens; every command and its outcome is journaled and answered
 * on the reply topic. Lane commands go to the lane's inbox and are answered when the lane has
 * journaled what it did with them.
 */
public final class CommandHandler {
    /** A command issued this far in the lane's future is refused: the issuer's clock or the lane's is wrong. */
    static final long FUTURE_SKEW_MS = 30_000;
    /** Lane commands waiting for the lane's answer; more are refused with BUSY. */
    static final int PENDING_MAX = 256;
    static final long PENDING_TIMEOUT_MS = 30_000;
    /** Refusals journaled per minute; beyond that they are counted and answered, not journaled (a flood must not fill the disk). */
    static final int REFUSALS_JOURNALED_PER_MINUTE = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the handler needs from around it. */
    public record Wiring(String site, String lane, Map<String, PublicKey> keys, long maxAgeMs, NonceStore nonces,
                        EventRecorder recorder, Predicate<LaneInput> toLane, EventSync sync, Consumer<String> listResync,
                        Replier replier, LongSupplier wallClock) {}

    /** Publishes a reply; false when the link is down (the journal still has the outcome). */
    @FunctionalInterface
    public interface Replier {
        boolean reply(byte[] payload);
    }

    private final Wiring wiring;
    private final ReplyWire wire;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    /**
     * Mode changes answered PENDING (waiting for the vehicle in the lane): their MODE_CHANGED (or
     * MODE_UNCHANGED) is answered again, done. Oldest first; bounded, the oldest dropped.
     */
    private final Map<String, Pending> awaitingEffect = new LinkedHashMap<>();
    private final RefusalCap refusals = new RefusalCap(REFUSALS_JOURNALED_PER_MINUTE);
    private long accepted;

    private record Pending(String type, long sinceWallMs) {}

    /** A refusal's reason, at most this long: one line in a reply, a log and the journal. */
    static final int WHY_CHARS_MAX = 200;

    public CommandHandler(Wiring wiring) {
        this.wiring = wiring;
        this.wire = new ReplyWire(wiring.site(), wiring.lane());
    }

    public long refusals() {
        return refusals.total();
    }

    public synchronized long accepted() {
        return accepted;
    }

    public void handle(byte[] message) {
        long now = wiring.wallClock().getAsLong();
        if (message.length > CommandWire.COMMAND_BYTES_MAX) {
            refuse(null, null, null, "TOO_LARGE", "a command is at most " + CommandWire.COMMAND_BYTES_MAX + " bytes; this one is "
                    + message.length, now);
            return;
        }
        JsonNode command;
        try {
            command = SignedEnvelope.open(message, wiring.keys());
        } catch (Rejected e) {
            // Not acted on, but named: what the (unverified) command says it is, where that can be read.
            JsonNode claimed = SignedEnvelope.unverifiedPayload(message);
            refuse(claimed == null ? null : readable(claimed, "commandId", CommandWire.COMMAND_ID), claimed == null ? null : typeOf(claimed),
                    claimed == null ? null : readable(claimed, "actor", CommandWire.ACTOR), e.code(), e.getMessage(), now);
            return;
        }
        String commandId = command.path("commandId").isTextual() ? command.get("commandId").asText() : null;
        String typeName = command.path("type").isTextual() ? command.get("type").asText() : null;
        try {
            check(command, commandId, now);
        } catch (Rejected e) {
            refuse(readable(command, "commandId", CommandWire.COMMAND_ID), typeOf(command), readable(command, "actor", CommandWire.ACTOR),
                    e.code(), e.getMessage(), now);
            return;
        }
        Type type = Type.valueOf(typeName);
        String actor = command.get("actor").asText();
        boolean fresh;
        try {
            fresh = wiring.nonces().claim(commandId, Instant.parse(command.get("issuedAt").asText()).toEpochMilli());
        } catch (StoreException e) {
            refuse(commandId, typeName, actor, "JOURNAL_FAILED", "the command id could not be stored", now);
            return;
        }
        if (!fresh) {
            refuse(commandId, typeName, actor, "REPLAYED", "command id " + commandId + " was used before", now);
            return;
        }
        JournalEntry received = wiring.recorder().recordNowOrNever(new LaneEvent.CommandReceived(commandId, typeName, actor,
                command.get("issuedAt").asText()));
        if (received == null) {
            // Refused, and that refusal is held for the journal: the record shows the command came and was not carried out.
            refuse(commandId, typeName, actor, "JOURNAL_FAILED", "the command could not be journaled; nothing was done", now);
            return;
        }
        synchronized (this) {
            accepted++;
        }
        carryOut(type, command, commandId, actor, received, now);
    }

    private void carryOut(Type type, JsonNode command, String commandId, String actor, JournalEntry received, long now) {
        switch (type) {
            case REPLAY -> {
                EventSync.Replay replay = wiring.sync().requestReplay(command.get("fromSeq").asLong(), command.get("toSeq").asLong());
                switch (replay.outcome()) {
                    case NOTHING_TO_REPLAY -> reply(commandId, type.name(), Result.REJECTED, "NOTHING_TO_REPLAY",
                            "the journal holds none of those events", received.seq(), now, null);
                    case BUSY -> reply(commandId, type.name(), Result.REJECTED, "BUSY", EventSync.REPLAYS_QUEUED_MAX
                            + " replays are queued already: ask again once one has been sent", received.seq(), now, null);
                    case QUEUED -> {
                        reply(commandId, type.name(), Result.ACCEPTED, "OK", "events " + replay.fromSeq() + ".." + replay.toSeq()
                                + " will be sent again", received.seq(), now, new ReplyWire.Range(replay.fromSeq(), replay.toSeq()));
                    }
                }
            }
            case LIST_RESYNC -> {
                wiring.listResync().accept(command.get("program").asText());
                reply(commandId, type.name(), Result.DONE, "OK", "a snapshot of " + command.get("program").asText() + " was requested",
                        received.seq(), now, null);
            }
            default -> {
                LaneMode mode = type == Type.SET_MODE ? LaneMode.valueOf(command.get("mode").asText()) : null;
                CommandKind kind = CommandKind.valueOf(type.name());
                synchronized (this) {
                    expirePending(now);
                    if (pending.size() >= PENDING_MAX) {
                        reply(commandId, type.name(), Result.REJECTED, "BUSY", "too many commands wait for the lane", received.seq(), now, null);
                        return;
                    }
                    pending.put(commandId, new Pending(type.name(), now));
                }
                if (!wiring.toLane().test(new LaneInput.Command(commandId, kind, mode, actor))) {
                    synchronized (this) {
                        pending.remove(commandId);
                    }
                    reply(commandId, type.name(), Result.REJECTED, "BUSY", "the lane's inbox is full", received.seq(), now, null);
                }
            }
        }
    }

    /** Called with every event the lane journals: the answer to a pending lane command goes out as a reply. */
    public void onLaneEvent(JournalEntry entry) {
        String commandId;
        Pending waiting;
        synchronized (this) {
            if ((pending.isEmpty() && awaitingEffect.isEmpty()) || !(entry.event() instanceof LaneEvent.SettlesCommand settles)
                    || settles.commandId() == null) {
                return;
            }
            commandId = settles.commandId();
            waiting = pending.remove(commandId);
            if (waiting == null) {
                waiting = awaitingEffect.remove(commandId); // a change that waited has now taken effect
                if (waiting == null) {
                    return;
                }
            }
            Result result = settles instanceof LaneEvent.CommandRejected ? Result.REJECTED
                    : settles instanceof LaneEvent.ModeChangePending ? Result.ACCEPTED : Result.DONE;
            if (result == Result.ACCEPTED) {
                if (awaitingEffect.size() >= PENDING_MAX) {
                    awaitingEffect.remove(awaitingEffect.keySet().iterator().next());
                }
                awaitingEffect.put(commandId, waiting);
            }
            String code = result == Result.REJECTED ? "REFUSED_BY_LANE" : result == Result.ACCEPTED ? "PENDING" : "OK";
            String why = settles.why();
            reply(commandId, waiting.type(), result, code, why == null ? entry.type() : why, entry.seq(), entry.wallMs(), null);
        }
    }

    private void expirePending(long now) {
        pending.values().removeIf(p -> now - p.sinceWallMs() > PENDING_TIMEOUT_MS);
    }

    /** Throws with the reason the command is not acceptable. */
    private void check(JsonNode command, String commandId, long now) throws Rejected {
        if (!CommandWire.SCHEMA.equals(command.path("schema").asText())) {
            throw new Rejected("MALFORMED", "schema must be '" + CommandWire.SCHEMA + "'");
        }
        if (commandId == null || !CommandWire.COMMAND_ID.matcher(commandId).matches()) {
            throw new Rejected("MALFORMED", "commandId must match " + CommandWire.COMMAND_ID.pattern());
        }
        if (!wiring.site().equals(command.path("site").asText()) || !wiring.lane().equals(command.path("lane").asText())) {
            throw new Rejected("WRONG_LANE", "addressed to " + command.path("site").asText() + "/" + command.path("lane").asText()
                    + ", this is " + wiring.site() + "/" + wiring.lane());
        }
        long issued;
        try {
            issued = Instant.parse(command.path("issuedAt").asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new Rejected("MALFORMED", "issuedAt must be an ISO-8601 UTC time such as 2026-11-28T10:00:00Z");
        }
        if (now - issued > wiring.maxAgeMs()) {
            throw new Rejected("TOO_OLD", "issued " + (now - issued) / 1000 + " s ago; commands are good for " + wiring.maxAgeMs() / 1000 + " s");
        }
        if (issued - now > FUTURE_SKEW_MS) {
            throw new Rejected("FROM_FUTURE", "issued " + (issued - now) / 1000 + " s in the lane's future: a clock is wrong");
        }
        if (!command.path("actor").isTextual() || !CommandWire.ACTOR.matcher(command.get("actor").asText()).matches()) {
            throw new Rejected("MALFORMED", "actor must match " + CommandWire.ACTOR.pattern());
        }
        String typeName = command.path("type").asText();
        Type type;
        try {
            type = Type.valueOf(typeName);
        } catch (IllegalArgumentException e) {
            throw new Rejected("UNKNOWN_COMMAND", "'" + typeName + "' is not a command; commands are "
                    + java.util.Arrays.toString(Type.values()));
        }
        switch (type) {
            case SET_MODE -> {
                String mode = command.path("mode").asText();
                if (!mode.matches("AUTOMATED|MANUAL|CLOSED|MAINTENANCE")) {
                    throw new Rejected("MALFORMED", "SET_MODE needs mode AUTOMATED, MANUAL, CLOSED or MAINTENANCE");
                }
            }
            case REPLAY -> {
                if (!command.path("fromSeq").canConvertToExactIntegral() || !command.path("toSeq").canConvertToExactIntegral()
                        || command.get("fromSeq").asLong() < 1 || command.get("toSeq").asLong() < command.get("fromSeq").asLong()) {
                    throw new Rejected("MALFORMED", "REPLAY needs whole numbers 1 <= fromSeq <= toSeq");
                }
            }
            case LIST_RESYNC -> {
                if (!command.path("program").asText().matches("[A-Z][A-Z0-9_]{0,15}")) {
                    throw new Rejected("MALFORMED", "LIST_RESYNC needs a program such as NEXUS");
                }
            }
            default -> {
                // RELEASE, CONFIRM, FAULT_RESET take nothing more.
            }
        }
    }

    /**
     * Refuses a command, naming it as far as it can be read: its id, type and actor (the actor it
     * claims: "unknown" when none can be read); {@code why} goes out as one short line.
     */
    private void refuse(String commandId, String type, String actor, String code, String why, long now) {
        String reason = oneLine(why);
        JournalEntry event = null;
        if (refusals.admit(now)) {
            event = wiring.recorder().record(new LaneEvent.CommandRejected(type, commandId, actor == null ? "unknown" : actor,
                    code + ": " + reason, refusals.total()));
        }
        reply(commandId, type, Result.REJECTED, code, reason, event == null ? null : event.seq(), now, null);
    }

    /** A field of a command that passes its pattern, or null: a refusal names only what is well formed. */
    private static String readable(JsonNode command, String field, java.util.regex.Pattern pattern) {
        JsonNode value = command.path(field);
        return value.isTextual() && pattern.matcher(value.asText()).matches() ? value.asText() : null;
    }

    /** The command's type when it is one this lane knows, else null. */
    private static String typeOf(JsonNode command) {
        String type = command.path("type").asText();
        for (Type known : Type.values()) {
            if (known.name().equals(type)) {
                return type;
            }
        }
        return null;
    }

    /** Control characters (a key id, a field central sent) become spaces; at most {@value #WHY_CHARS_MAX} characters. */
    static String oneLine(String why) {
        String line = why.replaceAll("\\p{Cntrl}", " ").strip();
        return line.length() <= WHY_CHARS_MAX ? line : line.substring(0, WHY_CHARS_MAX - 1) + "…";
    }

    private void reply(String commandId, String type, Result result, String code, String why, Long seq, long now, ReplyWire.Range replayed) {
        wiring.replier().reply(wire.encode(commandId, type, result, code, why, seq, now, replayed));
    }
}
