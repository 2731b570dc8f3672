package dev.lanecontroller.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** The lane's answer to a command: schema docs/schemas/lane-reply.schema.json. */
final class ReplyWire {
    static final String SCHEMA = "lane-reply/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** done: carried out; accepted: will be carried out (a mode change waits for the lane to empty); rejected: nothing changed. */
    enum Result { DONE, ACCEPTED, REJECTED }

    private final String site;
    private final String lane;

    ReplyWire(String site, String lane) {
        this.site = site;
        this.lane = lane;
    }

    byte[] encode(String commandId, String type, Result result, String code, String why, Long eventSeq, long wallMs,
                  ObjectNode extra) {
        ObjectNode reply = JSON.createObjectNode();
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
        if (extra != null) {
            reply.setAll(extra);
        }
        return StatusWire.bytes(reply);
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
