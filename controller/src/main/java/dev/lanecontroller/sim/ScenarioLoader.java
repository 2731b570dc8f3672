package dev.lanecontroller.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.config.ConfigLoader;
import dev.lanecontroller.config.LaneSetup;
import dev.lanecontroller.core.CommandKind;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.PlateEventKind;
import dev.lanecontroller.hal.PlateReport;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ListFileReader;
import dev.lanecontroller.store.ListFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/** Reads a scenario file (JSON, docs/scenarios.md), reporting every problem at once. */
public final class ScenarioLoader {
    public static final long FILE_BYTES_MAX = 16L * 1024 * 1024;
    public static final int STEPS_MAX = 100_000;
    /** A scenario runs at most a simulated week: longer is a typo in runForMs. */
    public static final long RUN_FOR_MS_MAX = 7L * 24 * 3600 * 1000;
    private static final long SETTLE_AFTER_LAST_STEP_MS = 60_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScenarioLoader() {}

    public static Scenario load(Path file) {
        try {
            if (Files.size(file) > FILE_BYTES_MAX) {
                throw new ScenarioException(file.toString(), List.of("larger than " + FILE_BYTES_MAX + " bytes"));
            }
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ScenarioException(file.toString(), List.of("cannot read: " + e.getMessage()));
        }
    }

    public static Scenario parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ScenarioException(source, List.of("not valid JSON: " + e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ScenarioException(source, List.of("a scenario is a JSON object"));
        }
        List<String> problems = new ArrayList<>();
        for (var names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!List.of("name", "description", "seed", "start", "clockSynced", "settings", "simulated", "lists", "steps", "runForMs",
                    "expect").contains(name)) {
                problems.add(name + ": unknown key");
            }
        }
        String name = root.path("name").asText("unnamed");
        long seed = root.path("seed").asLong(1);
        long startWallMs = instant(root.path("start"), "start", Instant.parse("2026-01-01T08:00:00Z").toEpochMilli(), problems);
        boolean clockSynced = root.path("clockSynced").asBoolean(true);
        LaneSetup setup = ConfigLoader.scenarioSetup(root.path("settings"), problems, "settings");
        JsonNode sim = root.path("simulated");
        long gateTravelMs = sim.path("gateTravelMs").asLong(1_500);
        long heartbeatMs = sim.path("readerHeartbeatIntervalMs").asLong(1_000);
        if (gateTravelMs < 100 || gateTravelMs > 20_000) {
            problems.add("simulated.gateTravelMs: allowed 100..20000");
        }
        List<Scenario.ScenarioList> lists = lists(root.path("lists"), startWallMs, problems);
        List<Scenario.Step> steps = new ArrayList<>();
        JsonNode stepNodes = root.path("steps");
        if (!stepNodes.isArray() || stepNodes.size() > STEPS_MAX) {
            problems.add("steps: must be a list of at most " + STEPS_MAX + " steps");
        } else {
            for (int i = 0; i < stepNodes.size(); i++) {
                Scenario.Step step = step(stepNodes.get(i), "steps[" + i + "]", problems);
                if (step != null) {
                    steps.add(step);
                }
            }
        }
        steps.sort(Comparator.comparingLong(Scenario.Step::atMs));
        long lastStepMs = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).atMs();
        long runForMs = root.path("runForMs").asLong(lastStepMs + SETTLE_AFTER_LAST_STEP_MS);
        if (runForMs < lastStepMs || runForMs > RUN_FOR_MS_MAX) {
            problems.add("runForMs: must cover the last step (" + lastStepMs + " ms) and be at most " + RUN_FOR_MS_MAX);
        }
        List<String> expected = new ArrayList<>();
        root.path("expect").path("decisions").forEach(d -> expected.add(d.asText()));
        if (!problems.isEmpty()) {
            throw new ScenarioException(source, problems);
        }
        return new Scenario(name, seed, startWallMs, clockSynced, setup, gateTravelMs, heartbeatMs, lists, steps, runForMs, expected);
    }

    private static List<Scenario.ScenarioList> lists(JsonNode node, long startWallMs, List<String> problems) {
        List<Scenario.ScenarioList> lists = new ArrayList<>();
        if (node.isMissingNode()) {
            return lists;
        }
        if (!node.isArray()) {
            problems.add("lists: must be a list");
            return lists;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode list = node.get(i);
            String where = "lists[" + i + "]";
            String program = list.path("program").asText("");
            if (!program.matches("[A-Z][A-Z0-9_]{0,15}")) {
                problems.add(where + ".program: upper-case name such as NEXUS");
            }
            long issued = instant(list.path("issued"), where + ".issued", startWallMs - 3_600_000, problems);
            long expires = instant(list.path("expires"), where + ".expires", ListInfo.NO_EXPIRY, problems);
            List<CardRecord> cards = new ArrayList<>();
            JsonNode cardNodes = list.path("cards");
            for (int c = 0; c < cardNodes.size(); c++) {
                try {
                    cards.add(ListFileReader.fromJson(cardNodes.get(c), c + 1L));
                } catch (ListFormatException e) {
                    problems.add(where + ".cards[" + c + "]: " + e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
                }
            }
            lists.add(new Scenario.ScenarioList(new ListInfo(program, list.path("version").asLong(1), issued, expires, cards.size()), cards));
        }
        return lists;
    }

    private static long instant(JsonNode node, String where, long fallback, List<String> problems) {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        try {
            return Instant.parse(node.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            problems.add(where + ": '" + node.asText() + "' is not an instant such as 2026-11-28T08:00:00Z");
            return fallback;
        }
    }

    private static Scenario.Step step(JsonNode node, String where, List<String> problems) {
        long at = node.path("at").asLong(-1);
        if (at < 0) {
            problems.add(where + ".at: milliseconds from the start, 0 or more");
            return null;
        }
        try {
            Consumer<Simulation> action;
            String description;
            if (node.has("vehicle")) {
                VehicleSpec spec = vehicle(node.get("vehicle"));
                action = sim -> sim.traffic.add(spec);
                description = "vehicle";
            } else if (node.has("loop")) {
                LoopId loop = LoopId.valueOf(node.get("loop").asText().toUpperCase(Locale.ROOT));
                boolean occupied = node.path("occupied").asBoolean();
                action = sim -> sim.hardware.loop(loop).setOccupied(occupied);
                description = "loop";
            } else if (node.has("tag")) {
                TagRead read = tag(node.get("tag"));
                action = sim -> sim.hardware.tagReader.read(read);
                description = "tag";
            } else if (node.has("plate")) {
                JsonNode plate = node.get("plate");
                PlateReport report = new PlateReport(plate.path("text").asText(), plate.path("jurisdiction").asText(""),
                        plate.path("confidence").asInt(95), PlateEventKind.valueOf(plate.path("event").asText("NEW").toUpperCase(Locale.ROOT)));
                action = sim -> sim.hardware.plateReader.report(report);
                description = "plate";
            } else if (node.has("command")) {
                LaneInput.Command command = command(node.get("command"), where);
                action = sim -> sim.submit(command);
                description = "command";
            } else if (node.has("fault")) {
                action = fault(node.get("fault").asText(), node.path("loop").asText("safety"));
                description = "fault";
            } else if (node.has("tamper")) {
                boolean tampered = node.get("tamper").asBoolean();
                action = sim -> sim.hardware.tamper.set(tampered);
                description = "tamper";
            } else {
                problems.add(where + ": a step needs one of vehicle, loop, tag, plate, command, fault, tamper");
                return null;
            }
            return new Scenario.Step(at, description, action);
        } catch (IllegalArgumentException e) {
            problems.add(where + ": " + e.getMessage());
            return null;
        }
    }

    private static VehicleSpec vehicle(JsonNode v) {
        List<TagRead> tags = new ArrayList<>();
        v.path("tags").forEach(t -> tags.add(tag(t)));
        JsonNode plate = v.path("plate");
        String text = plate.isMissingNode() || plate.isNull() ? null : plate.path("text").asText();
        return new VehicleSpec(tags, text, plate.path("jurisdiction").asText(""), plate.path("misreadFirst").asText(null),
                v.path("lengthM").asDouble(4.5), v.path("speedKmh").asDouble(10),
                Behaviour.valueOf(v.path("behaviour").asText("NORMAL").toUpperCase(Locale.ROOT)),
                v.path("patienceMs").asLong(20_000), v.path("pauseMs").asLong(5_000));
    }

    private static TagRead tag(JsonNode t) {
        if (!t.path("epc").isTextual()) {
            throw new IllegalArgumentException("a tag needs an 'epc' (hex string)");
        }
        return new TagRead(t.get("epc").asText(), t.path("tid").isTextual() ? t.get("tid").asText() : null,
                t.path("antenna").asInt(1), t.path("rssi").asInt(-50));
    }

    /** A scenario command step as the lane input it stands for (the physical-lane test replays these too). */
    public static LaneInput.Command command(JsonNode c, String where) {
        String type = c.path("type").asText("");
        String id = c.path("id").asText(where);
        String actor = c.path("actor").asText("officer-sim");
        return switch (type) {
            case "release" -> new LaneInput.Command(id, CommandKind.RELEASE, null, actor);
            case "confirm" -> new LaneInput.Command(id, CommandKind.CONFIRM, null, actor);
            case "faultReset" -> new LaneInput.Command(id, CommandKind.FAULT_RESET, null, actor);
            case "setMode" -> new LaneInput.Command(id, CommandKind.SET_MODE,
                    LaneMode.valueOf(c.path("mode").asText().toUpperCase(Locale.ROOT)), actor);
            default -> throw new IllegalArgumentException("command type '" + type + "'; allowed: release, confirm, setMode, faultReset");
        };
    }

    private static Consumer<Simulation> fault(String kind, String loopName) {
        LoopId loop = LoopId.valueOf(loopName.toUpperCase(Locale.ROOT));
        return switch (kind) {
            case "gateJam" -> sim -> sim.hardware.gate.jam();
            case "gateUnjam" -> sim -> sim.hardware.gate.unjam();
            case "loopStuck" -> sim -> sim.hardware.loop(loop).stickOccupied();
            case "loopUnstick" -> sim -> sim.hardware.loop(loop).unstick();
            case "loopChatter" -> sim -> sim.hardware.loop(loop).chatter(12, 50);
            case "readerSilent" -> sim -> sim.hardware.tagReader.setSilent(true);
            case "readerBack" -> sim -> sim.hardware.tagReader.setSilent(false);
            case "journal", "outputMismatch" -> sim -> sim.submit(new LaneInput.HardwareFault(kind, "injected by the scenario"));
            default -> throw new IllegalArgumentException("fault '" + kind + "'; allowed: gateJam, gateUnjam, loopStuck, loopUnstick, "
                    + "loopChatter, readerSilent, readerBack, journal, outputMismatch");
        };
    }
}
