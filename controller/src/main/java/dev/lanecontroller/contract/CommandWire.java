package dev.lanecontroller.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A signed command (schema docs/schemas/lane-command.schema.json): what the lane checks it
 * against, and how central's tools (and the tests) write and seal one.
 */
public final class CommandWire {
    public static final String SCHEMA = "lane-command/1";
    public static final int COMMAND_BYTES_MAX = 16 * 1024;
    public static final Pattern COMMAND_ID = Pattern.compile("[A-Za-z0-9._:-]{8,64}");
    public static final Pattern ACTOR = Pattern.compile("[A-Za-z0-9._@:-]{1,64}");

    /** The commands of the contract. */
    public enum Type { SET_MODE, RELEASE, CONFIRM, FAULT_RESET, REPLAY, LIST_RESYNC }

    private CommandWire() {}

    /** {@code args}: mode for SET_MODE, fromSeq and toSeq for REPLAY, program for LIST_RESYNC. */
    public static byte[] payload(String commandId, String site, String lane, String type, Instant issuedAt, String actor,
                                 Map<String, Object> args) {
        ObjectNode command = Json.object();
        command.put("schema", SCHEMA);
        command.put("commandId", commandId);
        command.put("site", site);
        command.put("lane", lane);
        command.put("type", type);
        command.put("issuedAt", issuedAt.toString());
        command.put("actor", actor);
        args.forEach((name, value) -> {
            if (value instanceof Number number) {
                command.put(name, number.longValue());
            } else {
                command.put(name, String.valueOf(value));
            }
        });
        return Json.bytes(command);
    }

    public static byte[] sealed(String commandId, String site, String lane, String type, Instant issuedAt, String actor,
                                Map<String, Object> args, String keyId, PrivateKey key) {
        return SignedEnvelope.seal(payload(commandId, site, lane, type, issuedAt, actor, args), keyId, key);
    }
}
