package dev.lanecontroller.contract;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanecontroller.core.ListInfo;
import java.time.Instant;
import java.util.Comparator;

/** The lane's retained presence message: schema docs/schemas/lane-status.schema.json. */
public final class StatusWire {
    public static final String SCHEMA = "lane-status/1";

    private final String site;
    private final String lane;
    private final String bootId;
    private final String journalId;
    private final String softwareVersion;
    private final long heartbeatIntervalMs;

    public StatusWire(String site, String lane, String bootId, String journalId, String softwareVersion, long heartbeatIntervalMs) {
        this.site = site;
        this.lane = lane;
        this.bootId = bootId;
        this.journalId = journalId;
        this.softwareVersion = softwareVersion;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
    }

    public byte[] online(LaneView view, long lastSeq, long unsent, long oldestUnsentSeq, long wallMs, long connectedSinceWallMs) {
        ObjectNode status = base("online", wallMs);
        status.put("mode", view.mode());
        status.put("clockSynced", view.clockSynced());
        ArrayNode lists = status.putArray("lists");
        view.lists().stream().sorted(Comparator.comparing(ListInfo::program)).forEach(list -> {
            ObjectNode item = lists.addObject();
            item.put("program", list.program());
            item.put("version", list.version());
            item.put("entries", list.entryCount());
            item.put("issuedAt", Instant.ofEpochMilli(list.issuedWallMs()).toString());
            if (list.expiresWallMs() == ListInfo.NO_EXPIRY) {
                item.putNull("expiresAt");
            } else {
                item.put("expiresAt", Instant.ofEpochMilli(list.expiresWallMs()).toString());
            }
        });
        ObjectNode journal = status.putObject("journal");
        journal.put("lastSeq", lastSeq);
        journal.put("unsent", unsent);
        journal.put("oldestUnsentSeq", oldestUnsentSeq);
        status.put("connectedSince", Instant.ofEpochMilli(connectedSinceWallMs).toString());
        status.put("heartbeatIntervalS", heartbeatIntervalMs / 1000.0);
        return Json.bytes(status);
    }

    /** The last will (reason "connection lost") or the goodbye of a clean stop (reason "stopped"). */
    public byte[] offline(String reason, long wallMs) {
        ObjectNode status = base("offline", wallMs);
        status.put("reason", reason);
        return Json.bytes(status);
    }

    private ObjectNode base(String state, long wallMs) {
        ObjectNode status = Json.object();
        status.put("schema", SCHEMA);
        status.put("site", site);
        status.put("lane", lane);
        status.put("state", state);
        status.put("at", Instant.ofEpochMilli(wallMs).toString());
        status.put("bootId", bootId);
        status.put("journalId", journalId);
        status.put("softwareVersion", softwareVersion);
        return status;
    }
}
