package dev.lanecontroller.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** What the lane asks of central: schema docs/schemas/lane-request.schema.json. */
public final class RequestWire {
    private static final String SCHEMA = "lane-request/1";

    private RequestWire() {}

    /** A full snapshot of a program's list, from the version the lane has (null: none). */
    public static byte[] snapshot(String site, String lane, String program, Long haveVersion, String why, long wallMs) {
        ObjectNode request = Json.object();
        request.put("schema", SCHEMA);
        request.put("site", site);
        request.put("lane", lane);
        request.put("type", "LIST_SNAPSHOT");
        request.put("program", program);
        if (haveVersion == null) {
            request.putNull("haveVersion");
        } else {
            request.put("haveVersion", haveVersion);
        }
        request.put("why", why);
        request.put("at", Instant.ofEpochMilli(wallMs).toString());
        return Json.bytes(request);
    }
}
