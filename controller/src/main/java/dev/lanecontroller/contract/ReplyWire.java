package dev.lanecontroller.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** The lane's answer to a command: schema docs/schemas/lane-reply.schema.json. */
public final class ReplyWire {
    private static final String SCHEMA = "lane-reply/1";

    /** done: carried out; accepted: will be carried out (a mode change waits for the lane to empty); rejected: nothing changed. */
    public enum Result { DONE, ACCEPTED, REJECTED }

    private final String site;
    private final String lane;

    public ReplyWire(String site, String lane) {
        this.site = site;
        this.lane = lane;
    }

    /** The events a REPLAY will send again, told in its reply. */
    public record Range(long fromSeq, long toSeq) {}

    /** {@code replayed}: null but for a REPLAY that was accepted. */
    public byte[] encode(String commandId, String type, Result result, String code, String why, Long eventSeq, long wallMs,
                         Range replayed) {
        ObjectNode reply = Json.object();
        reply.put("schema", SCHEMA);
        reply.put("site", site);
        reply.put("lane", lane);
        reply.put("commandId", commandId);
        reply.put("type", type);
        reply.put("result", result.name().toLowerCase(java.util.Locale.ROOT));
        reply.put("code", code);
        reply.put("why", why);
        if (eventSeq == null) {
            reply.putNull("eventSeq");
        } else {
            reply.put("eventSeq", eventSeq);
        }
        reply.put("at", Instant.ofEpochMilli(wallMs).toString());
        if (replayed != null) {
            reply.put("fromSeq", replayed.fromSeq());
            reply.put("toSeq", replayed.toSeq());
        }
        return Json.bytes(reply);
    }
}
