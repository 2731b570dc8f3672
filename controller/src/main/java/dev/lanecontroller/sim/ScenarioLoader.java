package dev.lanecontroller.sim;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.config.ConfigLoader;
import dev.lanecontroller.config.LaneSetup;
import dev.lanecontroller.config.Section;
import dev.lanecontroller.core.CommandKind;
import dev.lanecontroller.core.EventType;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.Reason;
import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.PlateEventKind;
import dev.lanecontroller.hal.PlateReport;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.ListFileReader;
import dev.lanecontroller.store.ListFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads a scenario file (JSON, docs/scenarios.md) as strictly as the config: every key known, every
 * value of its type and range, every problem named by its place (`steps[3].vehicle.speedKmh`) and
 * reported at once.
 */
public final class ScenarioLoader {
    public static final long FILE_BYTES_MAX = 16L * 1024 * 1024;
    public static final int STEPS_MAX = 100_000;
    /** A scenario runs at most a simulated week: longer is a typo in runForMs. */
    public static final long RUN_FOR_MS_MAX = 7L * 24 * 3600 * 1000;
    private static final long SETTLE_AFTER_LAST_STEP_MS = 60_000;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final List<String> STEP_KINDS = List.of("vehicle", "loop", "tag", "plate", "command", "fault", "tamper", "clock", "list",
            "restart", "signedCommand");
    private static final List<String> SIGNED_COMMANDS = List.of("SET_MODE", "RELEASE", "CONFIRM", "FAULT_RESET");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern COMMAND_ID = Pattern.compile(".{1,100}");
    /** A wall-clock step of up to ten years either way: enough for any RTC gone wrong, short of overflow. */
    private static final long CLOCK_STEP_MS_MAX = 10L * 366 * 24 * 3600 * 1000;
    private static final int LIST_STEP_CARDS_MAX = 100_000;
    private static final List<String> FAULTS = List.of("gateJam", "gateUnjam", "loopStuck", "loopUnstick", "loopChatter", "readerSilent",
            "readerBack", "journal", "outputMismatch");
    private static final List<String> LOOP_FAULTS = List.of("loopStuck", "loopUnstick", "loopChatter");
    private static final List<String> COMMANDS = List.of("release", "confirm", "setMode", "faultReset");
    private static final Pattern ANY_TEXT = Pattern.compile("[^\\x00-\\x1f]{0,2000}", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("[^\\x00-\\x1f]{1,200}");
    private static final Pattern PROGRAM = Pattern.compile("[A-Z][A-Z0-9_]{0,15}");
    private static final Pattern HEX = Pattern.compile("([0-9A-Fa-f]{2}){1,62}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:\\[\\]-]{0,127}");
    private static final Pattern JURISDICTION = Pattern.compile("[A-Za-z0-9 -]{0," + PlateReport.JURISDICTION_LENGTH_MAX + "}");
    private static final Pattern PLATE_TEXT = Pattern.compile("[^\\x00-\\x1f]{1," + PlateReport.TEXT_LENGTH_MAX + "}");
    private static final String INSTANT_TEXT = "an instant such as 2026-11-28T08:00:00Z";

    private ScenarioLoader() {}

    public static Scenario load(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // Read at most one byte past the limit: a device file (/dev/urandom) or a huge file is refused, not read.
            bytes = in.readNBytes((int) FILE_BYTES_MAX + 1);
        } catch (IOException e) {
            throw new ScenarioException(file.toString(), List.of("cannot read: " + e.getMessage()));
        }
        if (bytes.length > FILE_BYTES_MAX) {
            throw new ScenarioException(file.toString(), List.of("larger than " + FILE_BYTES_MAX + " bytes"));
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ScenarioException(file.toString(), List.of("not UTF-8 text (a scenario is a JSON file)"));
        }
        return parse(text, file.toString());
    }

    public static Scenario parse(String json, String source) {
        JsonNode rootNode;
        try {
            rootNode = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ScenarioException(source, List.of("not valid JSON: " + e.getOriginalMessage()));
        }
        if (rootNode == null || !rootNode.isObject()) {
            throw new ScenarioException(source, List.of("a scenario is a JSON object"));
        }
        List<String> problems = new ArrayList<>();
        Section root = new Section("", rootNode, problems);
        String name = root.text("name", "unnamed", NAME, "a name of 1 to 200 characters");
        root.text("description", "", ANY_TEXT, "text of at most 2000 characters");
        long seed = root.integer("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
        long startWallMs = instant(root, "start", Instant.parse("2026-01-01T08:00:00Z").toEpochMilli());
        boolean clockSynced = root.bool("clockSynced", true);
        LaneSetup setup = ConfigLoader.scenarioSetup(root.raw("settings"), problems, "settings");
        Section sim = root.section("simulated");
        long gateTravelMs = sim.integer("gateTravelMs", 1_500, 100, 20_000);
        long heartbeatMs = sim.integer("readerHeartbeatIntervalMs", 1_000, 100, 60_000);
        boolean photoEye = sim.bool("photoEye", false);
        sim.rejectUnknownKeys();
        java.util.Set<LoopId> lanesLoops = java.util.EnumSet.of(LoopId.SAFETY);
        if (setup.settings().hasArmingLoop()) {
            lanesLoops.add(LoopId.ARMING);
        }
        if (setup.settings().hasExitLoop()) {
            lanesLoops.add(LoopId.EXIT);
        }
        if (photoEye) {
            lanesLoops.add(LoopId.PHOTO_EYE);
        }
        List<Scenario.ScenarioList> lists = lists(root, startWallMs, problems);
        List<Scenario.Step> steps = new ArrayList<>();
        List<ListStep> listSteps = new ArrayList<>();
        Map<String, String> signedCommandKeys = new LinkedHashMap<>(); // where -> key id, checked against the central section
        JsonNode stepNodes = root.raw("steps");
        if (stepNodes == null || !stepNodes.isArray() || stepNodes.size() > STEPS_MAX) {
            problems.add("steps: required, a list of at most " + STEPS_MAX + " steps");
        } else {
            for (int i = 0; i < stepNodes.size(); i++) {
                Scenario.Step step = step(new Section("steps[" + i + "]", stepNodes.get(i), problems), stepNodes.get(i), problems, startWallMs,
                        listSteps, signedCommandKeys, lanesLoops);
                if (step != null) {
                    steps.add(step);
                }
            }
        }
        steps.sort(Comparator.comparingLong(Scenario.Step::atMs));
        checkListVersions(lists, listSteps, problems);
        long lastStepMs = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).atMs();
        long runForMs = root.integer("runForMs", Math.min(RUN_FOR_MS_MAX, lastStepMs + SETTLE_AFTER_LAST_STEP_MS), 0, RUN_FOR_MS_MAX);
        if (runForMs < lastStepMs) {
            root.problem("runForMs", runForMs + " does not cover the last step (at " + lastStepMs + " ms)");
        }
        Scenario.Expectations expected = expectations(root.section("expect"), problems);
        Scenario.Central central = central(root);
        checkSignedCommands(central, signedCommandKeys, problems);
        root.rejectUnknownKeys();
        if (!problems.isEmpty()) {
            throw new ScenarioException(source, problems);
        }
        return new Scenario(name, seed, startWallMs, clockSynced, setup, gateTravelMs, heartbeatMs, photoEye, lists, steps, runForMs, expected,
                central);
    }

    private static Scenario.Expectations expectations(Section expect, List<String> problems) {
        List<String> outcomes = new ArrayList<>(List.of("CLEARED"));
        for (Reason reason : Reason.values()) {
            outcomes.add(reason.name());
        }
        List<String> decisions = new ArrayList<>();
        JsonNode decisionNodes = expect.raw("decisions");
        if (decisionNodes != null) {
            if (!decisionNodes.isArray()) {
                expect.problem("decisions", "must be a list of outcomes");
            } else {
                for (int i = 0; i < decisionNodes.size(); i++) {
                    String outcome = decisionNodes.get(i).asText();
                    if (!decisionNodes.get(i).isTextual() || !outcomes.contains(outcome)) {
                        expect.problem("decisions[" + i + "]", "'" + outcome + "' is not an outcome; outcomes are " + String.join(", ", outcomes));
                    } else {
                        decisions.add(outcome);
                    }
                }
            }
        }
        Map<String, Integer> eventCounts = new TreeMap<>();
        Section events = expect.section("events");
        for (String type : events.keys()) {
            boolean known = false;
            for (EventType eventType : EventType.values()) {
                known |= eventType.name().equals(type);
            }
            int count = (int) events.integer(type, 0, 0, 1_000_000);
            if (!known) {
                events.problem(type, "not an event type (docs/journal.md)");
            } else {
                eventCounts.put(type, count);
            }
        }
        LaneMode modeAtEnd = expect.choice("modeAtEnd", null, LaneMode.class, Section.all(LaneMode.class));
        List<long[]> gateStill = new ArrayList<>();
        JsonNode windows = expect.raw("gateStill");
        if (windows != null) {
            if (!windows.isArray()) {
                expect.problem("gateStill", "must be a list of {\"fromMs\": ..., \"toMs\": ...}");
            } else {
                for (int i = 0; i < windows.size(); i++) {
                    Section window = new Section(expect.name("gateStill[" + i + "]"), windows.get(i), problems);
                    window.require("fromMs", "ms from the start");
                    window.require("toMs", "ms from the start");
                    long from = window.integer("fromMs", 0, 0, RUN_FOR_MS_MAX);
                    long to = window.integer("toMs", 0, 0, RUN_FOR_MS_MAX);
                    window.rejectUnknownKeys();
                    if (to < from) {
                        window.problem("toMs", "before fromMs");
                    }
                    gateStill.add(new long[] {from, to});
                }
            }
        }
        expect.rejectUnknownKeys();
        return new Scenario.Expectations(List.copyOf(decisions), Map.copyOf(eventCounts), modeAtEnd, List.copyOf(gateStill));
    }

    private static List<Scenario.ScenarioList> lists(Section root, long startWallMs, List<String> problems) {
        List<Scenario.ScenarioList> lists = new ArrayList<>();
        JsonNode node = root.raw("lists");
        if (node == null) {
            return lists;
        }
        if (!node.isArray()) {
            root.problem("lists", "must be a list");
            return lists;
        }
        for (int i = 0; i < node.size(); i++) {
            Section list = new Section("lists[" + i + "]", node.get(i), problems);
            lists.add(list(list, startWallMs, "cards"));
            list.rejectUnknownKeys();
        }
        return lists;
    }

    /** One list: program, version, issued, expires and its cards under {@code cardsKey} (docs/lists.md's JSON records). */
    private static Scenario.ScenarioList list(Section list, long startWallMs, String cardsKey) {
        String program = list.text("program", "", PROGRAM, "an upper-case name such as NEXUS");
        list.require("program", "an upper-case name such as NEXUS");
        long version = list.integer("version", 1, 1, ClearanceStore.VERSION_MAX);
        long issued = instant(list, "issued", startWallMs - 3_600_000);
        long expires = instant(list, "expires", ListInfo.NO_EXPIRY);
        List<CardRecord> cards = cards(list, cardsKey);
        return new Scenario.ScenarioList(new ListInfo(program, version, issued, expires, cards.size()), cards);
    }

    private static List<CardRecord> cards(Section list, String key) {
        List<CardRecord> cards = new ArrayList<>();
        JsonNode cardNodes = list.raw(key);
        if (cardNodes != null && (!cardNodes.isArray() || cardNodes.size() > LIST_STEP_CARDS_MAX)) {
            list.problem(key, "must be a list of at most " + LIST_STEP_CARDS_MAX + " card records (docs/lists.md)");
        } else if (cardNodes != null) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int c = 0; c < cardNodes.size(); c++) {
                try {
                    CardRecord card = ListFileReader.fromJson(cardNodes.get(c), c + 1L);
                    if (seen.add(card.epcHex())) {
                        cards.add(card);
                    } else {
                        list.problem(key + "[" + c + "]", "card " + card.epcHex() + " is listed twice");
                    }
                } catch (ListFormatException e) {
                    list.problem(key + "[" + c + "]", e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
                }
            }
        }
        return cards;
    }

    private static long instant(Section section, String key, long fallback) {
        String text = section.text(key, null, ANY_TEXT, INSTANT_TEXT);
        if (text == null) {
            return fallback;
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            section.problem(key, "'" + text + "' is not " + INSTANT_TEXT);
            return fallback;
        }
    }

    /** One step: exactly one kind, each of its keys known and valid; null (and problems noted) when not. */
    /** A list arriving mid-run, for the check that each is newer than the one in force then (and a delta starts from it). */
    private record ListStep(long atMs, String where, String program, long version, Long deltaFrom) {}

    private static void checkListVersions(List<Scenario.ScenarioList> initial, List<ListStep> listSteps, List<String> problems) {
        Map<String, Long> inForce = new TreeMap<>();
        initial.forEach(list -> inForce.put(list.info().program(), list.info().version()));
        List<ListStep> inTimeOrder = new ArrayList<>(listSteps);
        inTimeOrder.sort(Comparator.comparingLong(ListStep::atMs));
        for (ListStep list : inTimeOrder) {
            Long current = inForce.get(list.program());
            if (list.deltaFrom() != null && !list.deltaFrom().equals(current)) {
                problems.add(list.where() + ".deltaFrom: " + list.deltaFrom() + ", but the " + list.program() + " list in force then is "
                        + (current == null ? "none" : "v" + current));
            } else if (current != null && list.version() <= current) {
                problems.add(list.where() + ".version: " + list.version() + " is not newer than v" + current + ", in force then");
            } else {
                inForce.put(list.program(), list.version());
            }
        }
    }

    private static Scenario.Step step(Section step, JsonNode node, List<String> problems, long startWallMs, List<ListStep> listSteps,
                                      Map<String, String> signedCommandKeys, java.util.Set<LoopId> lanesLoops) {
        if (node == null || !node.isObject()) {
            return null; // the section said so
        }
        int before = problems.size();
        long at = step.integer("at", -1, 0, RUN_FOR_MS_MAX);
        step.require("at", "milliseconds from the start, 0 or more");
        List<String> kinds = new ArrayList<>();
        node.fieldNames().forEachRemaining(key -> {
            if (STEP_KINDS.contains(key)) {
                kinds.add(key);
            }
        });
        // A fault names its loop with "loop": that is a parameter there, not a loop step.
        if (kinds.contains("fault")) {
            kinds.remove("loop");
        }
        if (kinds.size() != 1) {
            problems.add(step.name("").replaceAll("\\.$", "") + ": a step is exactly one of " + String.join(", ", STEP_KINDS)
                    + (kinds.isEmpty() ? "" : "; this one is " + String.join(" and ", kinds)));
            return null;
        }
        Consumer<Simulation> action = switch (kinds.get(0)) {
            case "vehicle" -> vehicleStep(step.section("vehicle"), problems);
            case "loop" -> loopStep(step, lanesLoops);
            case "tag" -> tagStep(step.section("tag"));
            case "plate" -> plateStep(step.section("plate"));
            case "command" -> commandStep(step.section("command"));
            case "fault" -> faultStep(step, lanesLoops);
            case "clock" -> clockStep(step.section("clock"));
            case "list" -> listStep(step.section("list"), at, startWallMs, listSteps);
            case "restart" -> restartStep(step);
            case "signedCommand" -> signedCommandStep(step.section("signedCommand"), signedCommandKeys);
            default -> tamperStep(step);
        };
        step.rejectUnknownKeys();
        return problems.size() > before || action == null ? null : new Scenario.Step(at, kinds.get(0), action);
    }

    private static Consumer<Simulation> loopStep(Section step, java.util.Set<LoopId> lanesLoops) {
        LoopId loop = step.choice("loop", LoopId.SAFETY, LoopId.class, lanesLoops);
        step.require("occupied", "true or false: what the loop now reads");
        boolean occupied = step.bool("occupied", false);
        return sim -> sim.hardware.loop(loop).setObstacle(occupied);
    }

    private static Consumer<Simulation> clockStep(Section clock) {
        long stepMs = clock.integer("stepMs", 0, -CLOCK_STEP_MS_MAX, CLOCK_STEP_MS_MAX);
        boolean setsSync = clock.has("synced");
        boolean synced = clock.bool("synced", true);
        clock.rejectUnknownKeys();
        if (stepMs == 0 && !setsSync) {
            clock.problem("stepMs", "a clock step steps the wall clock (stepMs, + forward) or sets its sync (synced), or both");
        }
        return sim -> {
            sim.stepWallClock(stepMs);
            if (setsSync) {
                sim.setClockSynced(synced);
            }
        };
    }

    private static Consumer<Simulation> listStep(Section list, long atMs, long startWallMs, List<ListStep> listSteps) {
        if (!list.has("deltaFrom")) {
            Scenario.ScenarioList snapshot = list(list, startWallMs, "cards");
            list.rejectUnknownKeys();
            listSteps.add(new ListStep(atMs, list.name("").replaceAll("\\.$", ""), snapshot.info().program(), snapshot.info().version(), null));
            return sim -> sim.putList(snapshot.info(), snapshot.cards());
        }
        Scenario.ScenarioList delta = list(list, startWallMs, "upserts");
        long from = list.integer("deltaFrom", 0, 1, ClearanceStore.VERSION_MAX);
        List<String> removes = new ArrayList<>();
        JsonNode removeNodes = list.raw("removes");
        if (removeNodes != null && (!removeNodes.isArray() || removeNodes.size() > LIST_STEP_CARDS_MAX)) {
            list.problem("removes", "must be a list of at most " + LIST_STEP_CARDS_MAX + " EPCs");
        } else if (removeNodes != null) {
            for (int i = 0; i < removeNodes.size(); i++) {
                if (!removeNodes.get(i).isTextual() || !HEX.matcher(removeNodes.get(i).asText()).matches()) {
                    list.problem("removes[" + i + "]", "'" + removeNodes.get(i).asText() + "' is not an EPC (hex digits, whole bytes)");
                } else {
                    removes.add(removeNodes.get(i).asText().toUpperCase(java.util.Locale.ROOT));
                }
            }
        }
        list.rejectUnknownKeys();
        listSteps.add(new ListStep(atMs, list.name("").replaceAll("\\.$", ""), delta.info().program(), delta.info().version(), from));
        ListInfo next = delta.info();
        return sim -> {
            Map<String, CardRecord> cards = new LinkedHashMap<>();
            sim.listCards(next.program()).forEach(card -> cards.put(card.epcHex(), card));
            removes.forEach(cards::remove);
            delta.cards().forEach(card -> cards.put(card.epcHex(), card));
            sim.putList(new ListInfo(next.program(), next.version(), next.issuedWallMs(), next.expiresWallMs(), cards.size()),
                    List.copyOf(cards.values()));
        };
    }

    /** The scenario's central: the keys the lane trusts and strangers' keys, or null without the section. */
    private static Scenario.Central central(Section root) {
        if (!root.has("central")) {
            return null;
        }
        Section central = root.section("central");
        List<String> trusted = keyIds(central, "keys");
        List<String> strangers = keyIds(central, "strangerKeys");
        long maxAgeMs = central.integer("commandMaxAgeMs", 120_000, 1_000, 3_600_000);
        central.rejectUnknownKeys();
        for (String id : strangers) {
            if (trusted.contains(id)) {
                central.problem("strangerKeys", "'" + id + "' is also a key the lane trusts");
            }
        }
        return new Scenario.Central(trusted, strangers, maxAgeMs);
    }

    private static List<String> keyIds(Section section, String key) {
        List<String> ids = new ArrayList<>();
        JsonNode node = section.raw(key);
        if (node == null) {
            return ids;
        }
        if (!node.isArray() || node.size() > 16) {
            section.problem(key, "must be a list of at most 16 key ids");
            return ids;
        }
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual() || !KEY_ID.matcher(node.get(i).asText()).matches()) {
                section.problem(key + "[" + i + "]", "'" + node.get(i).asText() + "' is not a key id (letters, digits . _ -)");
            } else {
                ids.add(node.get(i).asText());
            }
        }
        return ids;
    }

    private static void checkSignedCommands(Scenario.Central central, Map<String, String> keysByStep, List<String> problems) {
        keysByStep.forEach((where, keyId) -> {
            if (central == null) {
                problems.add(where + ": a signed command needs the scenario's central section (its keys)");
            } else if (!central.trustedKeys().contains(keyId) && !central.strangerKeys().contains(keyId)) {
                problems.add(where + ".key: '" + keyId + "' is neither in central.keys nor in central.strangerKeys");
            }
        });
    }

    private static Consumer<Simulation> signedCommandStep(Section c, Map<String, String> signedCommandKeys) {
        c.require("key", "the key id that signs it (central.keys or central.strangerKeys)");
        c.require("type", String.join(", ", SIGNED_COMMANDS));
        c.require("commandId", "the command's id (the lane refuses one it has seen: a replay)");
        String keyId = c.text("key", "", KEY_ID, "a key id");
        String type = c.text("type", "RELEASE", Pattern.compile(String.join("|", SIGNED_COMMANDS)), String.join(", ", SIGNED_COMMANDS));
        String commandId = c.text("commandId", "c-unset", COMMAND_ID, "up to 100 characters (the lane's own check says what it takes)");
        String mode = null;
        if (type.equals("SET_MODE")) {
            mode = c.choice("mode", LaneMode.AUTOMATED, LaneMode.class, EnumSet.complementOf(EnumSet.of(LaneMode.FAULT))).name();
        } else if (c.has("mode")) {
            c.problem("mode", "only a SET_MODE command has a mode");
        }
        String actor = c.text("actor", "officer-sim", ID, "letters, digits and . _ : - (at most 128)");
        String lane = c.text("lane", null, Pattern.compile("[a-z0-9][a-z0-9-]{0,31}"), "a lane id (another lane's, to see it refused)");
        long issuedAgoMs = c.integer("issuedAgoMs", 0, -RUN_FOR_MS_MAX, RUN_FOR_MS_MAX);
        boolean tampered = c.bool("tampered", false);
        c.rejectUnknownKeys();
        signedCommandKeys.put(c.name("").replaceAll("\\.$", ""), keyId);
        ScenarioCentral.SignedCommand command = new ScenarioCentral.SignedCommand(keyId, commandId, type, mode, actor, lane, issuedAgoMs,
                tampered);
        return sim -> sim.fromCentral(command);
    }

    private static Consumer<Simulation> restartStep(Section step) {
        String how = step.text("restart", "stop", Pattern.compile("stop|crash"), "stop (LANE_STOPPED journaled first) or crash");
        return sim -> sim.restart(how.equals("stop"));
    }

    private static Consumer<Simulation> tamperStep(Section step) {
        boolean tampered = step.bool("tamper", false);
        return sim -> sim.hardware.tamper.set(tampered);
    }

    private static Consumer<Simulation> vehicleStep(Section v, List<String> problems) {
        List<TagRead> tags = new ArrayList<>();
        JsonNode tagNodes = v.raw("tags");
        if (tagNodes != null && !tagNodes.isArray()) {
            v.problem("tags", "must be a list of cards ({\"epc\": ...})");
        } else if (tagNodes != null) {
            for (int i = 0; i < tagNodes.size(); i++) {
                TagRead tag = tag(new Section(v.name("tags[" + i + "]"), tagNodes.get(i), problems));
                if (tag != null) {
                    tags.add(tag);
                }
            }
        }
        Section plate = v.section("plate");
        String text = null;
        String jurisdiction = "";
        String misread = null;
        if (v.has("plate")) {
            plate.require("text", "the plate as printed, e.g. ABC 123");
            text = plate.text("text", null, PLATE_TEXT, "1 to " + PlateReport.TEXT_LENGTH_MAX + " characters");
            jurisdiction = plate.text("jurisdiction", "", JURISDICTION, "a jurisdiction code such as ON");
            misread = plate.text("misreadFirst", null, PLATE_TEXT, "1 to " + PlateReport.TEXT_LENGTH_MAX + " characters");
            plate.rejectUnknownKeys();
        }
        double lengthM = v.number("lengthM", 4.5, VehicleSpec.LENGTH_M_MIN, VehicleSpec.LENGTH_M_MAX);
        double speedKmh = v.number("speedKmh", 10, VehicleSpec.SPEED_KMH_MIN, VehicleSpec.SPEED_KMH_MAX);
        Behaviour behaviour = v.choice("behaviour", Behaviour.NORMAL, Behaviour.class, Section.all(Behaviour.class));
        long patienceMs = v.integer("patienceMs", 20_000, 0, RUN_FOR_MS_MAX);
        long pauseMs = v.integer("pauseMs", 5_000, 0, RUN_FOR_MS_MAX);
        v.rejectUnknownKeys();
        try {
            VehicleSpec spec = new VehicleSpec(tags, text, jurisdiction, misread, lengthM, speedKmh, behaviour, patienceMs, pauseMs);
            return sim -> sim.traffic.add(spec);
        } catch (IllegalArgumentException e) {
            v.problem("plate", e.getMessage());
            return null;
        }
    }

    private static Consumer<Simulation> tagStep(Section t) {
        TagRead read = tag(t);
        return read == null ? null : sim -> sim.hardware.tagReader.read(read);
    }

    private static TagRead tag(Section t) {
        t.require("epc", "the card's EPC in hex");
        String epc = t.text("epc", null, HEX, "hex digits, whole bytes, at most 62 bytes");
        String tid = t.text("tid", null, HEX, "hex digits, whole bytes, at most 62 bytes");
        int antenna = (int) t.integer("antenna", 1, 0, 65_535);
        int rssi = (int) t.integer("rssi", -50, -128, 0);
        t.rejectUnknownKeys();
        return epc == null ? null : new TagRead(epc, tid, antenna, rssi);
    }

    private static Consumer<Simulation> plateStep(Section plate) {
        plate.require("text", "the plate as the camera read it");
        String text = plate.text("text", "X", PLATE_TEXT, "1 to " + PlateReport.TEXT_LENGTH_MAX + " characters");
        String jurisdiction = plate.text("jurisdiction", "", JURISDICTION, "a jurisdiction code such as ON");
        int confidence = (int) plate.integer("confidence", 95, 0, 100);
        PlateEventKind kind = plate.choice("event", PlateEventKind.NEW, PlateEventKind.class, Section.all(PlateEventKind.class));
        plate.rejectUnknownKeys();
        PlateReport report = new PlateReport(text, jurisdiction, confidence, kind);
        return sim -> sim.hardware.plateReader.report(report);
    }

    private static Consumer<Simulation> commandStep(Section c) {
        LaneInput.Command command = command(c);
        return command == null ? null : sim -> sim.submit(command);
    }

    /** A scenario's command step as the lane input it stands for (the physical-lane test replays these too). */
    public static LaneInput.Command command(JsonNode node, String where) {
        List<String> problems = new ArrayList<>();
        LaneInput.Command command = command(new Section(where, node, problems));
        if (!problems.isEmpty()) {
            throw new ScenarioException(where, problems);
        }
        return command;
    }

    private static LaneInput.Command command(Section c) {
        c.require("type", String.join(", ", COMMANDS));
        String type = c.text("type", "", Pattern.compile(String.join("|", COMMANDS)), String.join(", ", COMMANDS));
        String id = c.text("id", c.name("").replaceAll("\\.$", ""), ID, "letters, digits and . _ : - (at most 128)");
        String actor = c.text("actor", "officer-sim", ID, "letters, digits and . _ : - (at most 128)");
        LaneMode mode = null;
        if (type.equals("setMode")) {
            c.require("mode", "the mode to set");
            // FAULT is the lane's own to enter (a command for it is refused): not a mode a scenario sets.
            mode = c.choice("mode", LaneMode.AUTOMATED, LaneMode.class, EnumSet.complementOf(EnumSet.of(LaneMode.FAULT)));
        } else if (c.has("mode")) {
            c.problem("mode", "only a setMode command has a mode");
        }
        c.rejectUnknownKeys();
        return switch (type) {
            case "release" -> new LaneInput.Command(id, CommandKind.RELEASE, null, actor);
            case "confirm" -> new LaneInput.Command(id, CommandKind.CONFIRM, null, actor);
            case "faultReset" -> new LaneInput.Command(id, CommandKind.FAULT_RESET, null, actor);
            case "setMode" -> new LaneInput.Command(id, CommandKind.SET_MODE, mode, actor);
            default -> null;
        };
    }

    private static Consumer<Simulation> faultStep(Section step, java.util.Set<LoopId> lanesLoops) {
        String kind = step.text("fault", "", Pattern.compile(String.join("|", FAULTS)), String.join(", ", FAULTS));
        LoopId loop = LoopId.SAFETY;
        if (LOOP_FAULTS.contains(kind)) {
            loop = step.choice("loop", LoopId.SAFETY, LoopId.class, lanesLoops);
        } else if (step.has("loop")) {
            step.problem("loop", "only a loop fault (" + String.join(", ", LOOP_FAULTS) + ") names a loop");
        }
        LoopId faulty = loop;
        return switch (kind) {
            case "gateJam" -> sim -> sim.hardware.gate.jam();
            case "gateUnjam" -> sim -> sim.hardware.gate.unjam();
            case "loopStuck" -> sim -> sim.hardware.loop(faulty).stickOccupied();
            case "loopUnstick" -> sim -> sim.hardware.loop(faulty).unstick();
            case "loopChatter" -> sim -> sim.hardware.loop(faulty).chatter(12, 50);
            case "readerSilent" -> sim -> sim.hardware.tagReader.setSilent(true);
            case "readerBack" -> sim -> sim.hardware.tagReader.setSilent(false);
            case "journal", "outputMismatch" -> sim -> sim.submit(new LaneInput.HardwareFault(kind, "injected by the scenario"));
            default -> null;
        };
    }
}
