package dev.lanecontroller.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.LaneSettings;
import dev.lanecontroller.hal.ReadFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and checks a lane config (YAML); docs/configuration.md documents every key. */
public final class ConfigLoader {
    /** A config file is a page of settings; anything bigger is not one. */
    public static final long FILE_BYTES_MAX = 256 * 1024;
    static final Pattern LANE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    static final Pattern PROGRAM = Pattern.compile("[A-Z][A-Z0-9_]{0,15}");
    static final long DAY_MS = 24L * 3600 * 1000;
    /** A key given twice is refused: YAML would otherwise keep the last one silently. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ConfigLoader() {}

    public static LaneConfig load(Path file) {
        try {
            if (Files.size(file) > FILE_BYTES_MAX) {
                throw new ConfigException(file.toString(), List.of("the file is larger than " + FILE_BYTES_MAX + " bytes"));
            }
            return parse(Files.readString(file), file.toString(), file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read the file: " + e.getMessage()));
        }
    }

    /** Parses YAML text; relative storage paths resolve against {@code baseDir}. */
    public static LaneConfig parse(String yaml, String source, Path baseDir) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, List.of("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")")));
        }
        List<String> problems = new ArrayList<>();
        Section top = new Section("", root, problems);
        // A device must never come up as another lane or as the demo: it names itself and its hardware.
        top.section("lane").require("id", "this lane's id, e.g. lane-03");
        top.section("hardware").require("kind", "simulated for the demo, gpio for a real lane");
        LaneSettings settings = settings(top, LaneSettings.defaults("lane-01"));
        Section reader = top.section("reader");
        ReadFilter readFilter = readFilterKeys(reader);
        Section storage = top.section("storage");
        String storagePath = storage.text("path", "lane-data/lane.db", FILE_PATH, "a file path");
        int retentionDays = (int) storage.integer("retentionDays", 30, 1, 3650);
        storage.rejectUnknownKeys();
        Section hardware = top.section("hardware");
        Path base = baseDir == null ? Path.of("") : baseDir;
        HardwareSettings devices = HardwareLoader.load(hardware, reader, top.section("camera"), base);
        SimulatedHardware simulated = simulated(hardware.section("simulated"));
        hardware.rejectUnknownKeys();
        reader.rejectUnknownKeys();
        if (devices.kind() == HardwareSettings.Kind.GPIO && devices.camera() == null && settings.plateRequired()) {
            top.problem("camera", "policy.plateRequired needs a camera (camera.kind: webhook)");
        }
        if (devices.kind() == HardwareSettings.Kind.BENCH && settings.hasArmingLoop()) {
            // Nobody drives a bench's simulated arming loop: its vehicles are seen by their card or plate.
            top.problem("lane.armingLoop", "a bench lane (hardware.kind: bench) has no arming loop: set lane.armingLoop: false");
        }
        if (devices.kind() == HardwareSettings.Kind.GPIO && devices.camera() == null && !settings.hasArmingLoop()) {
            // Without an arming loop a transaction opens on a card or a plate: with no camera, a car with
            // no card would stand at the stop line unseen, with the traffic behind it.
            top.problem("camera", "lane.armingLoop: false needs a camera (camera.kind: webhook) to see a vehicle that carries no card");
        }
        CentralSettings central = top.has("central") ? central(top.section("central"), settings.laneId(), base) : null;
        Section healthSection = top.section("health");
        HealthSettings health = health(healthSection);
        healthSection.rejectUnknownKeys();
        top.rejectUnknownKeys();
        if (!problems.isEmpty()) {
            throw new ConfigException(source, KeyLines.of(yaml).annotate(problems));
        }
        Path path = Path.of(storagePath);
        if (!path.isAbsolute() && baseDir != null) {
            path = baseDir.resolve(path);
        }
        return new LaneConfig(settings, readFilter, path.normalize(), retentionDays, devices, simulated, central, health);
    }

    static final Pattern BROKER_URI = Pattern.compile("(ssl|tcp)://[A-Za-z0-9.\\-]{1,253}(:[0-9]{1,5})?");
    static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** A file path: up to 512 characters, no control characters (a NUL is no path on Linux). */
    static final Pattern FILE_PATH = Pattern.compile("[^\\x00-\\x1f\\x7f]{1,512}");

    private static CentralSettings central(Section central, String laneId, Path base) {
        String broker = central.text("broker", "ssl://localhost:8883", BROKER_URI, "ssl://HOST:PORT (or tcp://HOST:PORT with allowPlainTcp)");
        String site = central.text("site", "site", CentralSettings.ID, "lower-case letters, digits and '-', 1-32 long");
        String root = central.text("topicRoot", "lc/v1", CentralSettings.TOPIC_ROOT, "1-4 levels of lower-case letters, digits, '-'");
        String clientId = central.text("clientId", site + "-" + laneId, Pattern.compile("[A-Za-z0-9._-]{1,64}"),
                "letters, digits, '.', '_', '-', 1-64 long");
        boolean allowPlain = central.bool("allowPlainTcp", false);
        Section tls = central.section("tls");
        Path ca = path(base, tls.text("caFile", null, FILE_PATH, "a file path"));
        Path cert = path(base, tls.text("certFile", null, FILE_PATH, "a file path"));
        Path key = path(base, tls.text("keyFile", null, FILE_PATH, "a file path"));
        tls.rejectUnknownKeys();
        if (broker.startsWith("tcp://") && !allowPlain) {
            central.problem("broker", "plain tcp:// sends card numbers unencrypted; use ssl:// or set central.allowPlainTcp: true");
        }
        if (broker.startsWith("ssl://") && (ca == null || cert == null || key == null)) {
            central.problem("tls", "ssl:// needs caFile, certFile and keyFile (PEM)");
        }
        int keepAliveS = (int) central.integer("keepAliveS", 30, 5, 600);
        long heartbeatMs = central.integer("heartbeatIntervalS", 30, 1, 3_600) * 1000;
        int window = (int) central.integer("inFlightWindow", 256, 1, 10_000);
        long reconnectMinMs = central.integer("reconnectMinMs", 1_000, 10, 600_000);
        // The cap is how long a lane may stay away after its broker is back (the next attempt is at most
        // one capped delay away): 15 s keeps that short, and full jitter still spreads a site's lanes.
        long reconnectMaxMs = central.integer("reconnectMaxMs", 15_000, 10, 3_600_000);
        if (reconnectMaxMs < reconnectMinMs) {
            central.problem("reconnectMaxMs", "must not be below reconnectMinMs");
            reconnectMaxMs = reconnectMinMs;
        }
        long commandMaxAgeMs = central.integer("commandMaxAgeS", 120, 5, 86_400) * 1000;
        Section keys = central.section("keys");
        Map<String, Path> listKeys = paths(base, keys.textMap("lists", KEY_ID, FILE_PATH, "key id: public key file (PEM)", 16));
        Map<String, Path> commandKeys = paths(base, keys.textMap("commands", KEY_ID, FILE_PATH, "key id: public key file (PEM)", 16));
        keys.rejectUnknownKeys();
        Section alarm = central.section("backlogAlarm");
        List<Long> alarmEvents = ascending(alarm, "events", alarm.integers("events", List.of(10_000L, 100_000L), 1, 100_000_000, 8));
        List<Long> alarmAgeMs = ascending(alarm, "ageMinutes", alarm.integers("ageMinutes", List.of(15L, 240L), 1, 525_600, 8))
                .stream().map(minutes -> minutes * 60_000).toList();
        alarm.rejectUnknownKeys();
        central.rejectUnknownKeys();
        return new CentralSettings(broker, site, root, clientId, ca, cert, key, allowPlain, keepAliveS, heartbeatMs, window,
                reconnectMinMs, reconnectMaxMs, commandMaxAgeMs, listKeys, commandKeys, alarmEvents, alarmAgeMs);
    }

    /**
     * The HTTP endpoint: /health and /metrics, and the technician's lane monitor. A bind other than
     * loopback needs the technician credential (DESIGN §9): the monitor must not open to the
     * cabinet's network without a login.
     */
    private static HealthSettings health(Section section) {
        boolean enabled = section.bool("enabled", true);
        String host = section.text("host", "127.0.0.1", Pattern.compile("[A-Za-z0-9.:\\-]{1,253}"), "an address to listen on, e.g. 127.0.0.1");
        int port = (int) section.integer("port", 9107, 0, 65_535);
        dev.lanecontroller.monitor.TechnicianCredential credential = null;
        if (section.has("technicianCredential")) {
            try {
                credential = dev.lanecontroller.monitor.TechnicianCredential.parse(section.text("technicianCredential", "",
                        Pattern.compile("\\S{1,400}"), "pbkdf2-sha256$ITERATIONS$SALT$HASH"));
            } catch (IllegalArgumentException e) {
                section.problem("technicianCredential", e.getMessage());
            }
        } else if (enabled && !loopback(host)) {
            section.problem("host", "'" + host + "' is not loopback: the lane monitor there needs health.technicianCredential "
                    + "(provision.sh --technician-password-file, docs/monitor.md)");
        }
        return new HealthSettings(enabled, host, port, credential);
    }

    private static boolean loopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false; // refused here, not later at the bind
        }
    }

    private static List<Long> ascending(Section section, String key, List<Long> values) {
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i) <= values.get(i - 1)) {
                section.problem(key, "thresholds must be ascending, e.g. [10000, 100000]");
                return values.subList(0, i);
            }
        }
        return values;
    }

    private static Path path(Path base, String text) {
        return text == null ? null : base.resolve(text).normalize();
    }

    private static Map<String, Path> paths(Path base, Map<String, String> texts) {
        Map<String, Path> result = new java.util.LinkedHashMap<>();
        texts.forEach((id, file) -> result.put(id, path(base, file)));
        return result;
    }

    /**
     * The lane, programs, policy and timings sections over the given defaults. Shared with scenario
     * files, whose {@code settings} have the same shape. Problems go to the section's list.
     */
    static LaneSettings settings(Section top, LaneSettings d) {
        Section lane = top.section("lane");
        String laneId = lane.text("id", d.laneId(), LANE_ID, "lower-case letters, digits and '-', 1-32 long, e.g. lane-03");
        Set<LaneMode> startModes = new LinkedHashSet<>(Section.all(LaneMode.class));
        startModes.remove(LaneMode.FAULT);
        LaneMode initialMode = lane.choice("initialMode", d.initialMode(), LaneMode.class, startModes);
        boolean armingLoop = lane.bool("armingLoop", d.hasArmingLoop());
        boolean exitLoop = lane.bool("exitLoop", d.hasExitLoop());
        lane.rejectUnknownKeys();

        Section programs = top.section("programs");
        List<String> accepted = programs.texts("accepted", List.copyOf(d.acceptedPrograms()), PROGRAM,
                "program names such as NEXUS, FAST, SENTRI (upper case)", 16);
        if (accepted.isEmpty()) {
            programs.problem("accepted", "at least one program must be accepted");
        }
        programs.rejectUnknownKeys();

        Section policy = top.section("policy");
        boolean plateRequired = policy.bool("plateRequired", d.plateRequired());
        int minPlateConfidence = (int) policy.integer("minPlateConfidencePct", d.minPlateConfidencePct(), 0, 100);
        double randomPercent = policy.number("randomReferralPercent", d.randomReferralPercent(), 0.0, 100.0);
        boolean officerConfirm = policy.bool("officerConfirm", d.officerConfirm());
        long antiPassbackMs = policy.integer("antiPassbackMs", d.antiPassbackMs(), 0, 24 * 3600 * 1000L);
        int maxTags = (int) policy.integer("maxTagsPerVehicle", d.maxTagsPerVehicle(), 1, LaneSettings.TAGS_PER_TRANSACTION_MAX);
        long maxListAgeMs = policy.integer("maxListAgeMs", d.maxListAgeMs(), 60_000, 30 * DAY_MS);
        policy.rejectUnknownKeys();

        Section timings = top.section("timings");
        long readWindowMs = timings.integer("readWindowMs", d.readWindowMs(), 100, 10_000);
        long suppressionMs = timings.integer("suppressionMs", d.suppressionMs(), 1_000, 10_000);
        long openTimeoutMs = timings.integer("openTimeoutMs", d.openTimeoutMs(), 2_000, 300_000);
        long gateTravelLimitMs = timings.integer("gateTravelLimitMs", d.gateTravelLimitMs(), 500, 30_000);
        long confirmTimeoutMs = timings.integer("confirmTimeoutMs", d.confirmTimeoutMs(), 1_000, 300_000);
        long referralTimeoutMs = timings.integer("referralTimeoutMs", d.referralTimeoutMs(), 10_000, 3_600_000);
        long loopStuckMs = timings.integer("loopStuckMs", d.loopStuckMs(), 10_000, 3_600_000);
        int chatterChanges = (int) timings.integer("loopChatterChanges", d.loopChatterChanges(), 4, 100);
        long chatterWindowMs = timings.integer("loopChatterWindowMs", d.loopChatterWindowMs(), 100, 60_000);
        long heartbeatMs = timings.integer("readerHeartbeatTimeoutMs", d.readerHeartbeatTimeoutMs(), 1_000, 300_000);
        timings.rejectUnknownKeys();

        return new LaneSettings(laneId, initialMode, armingLoop, exitLoop, new HashSet<>(accepted), plateRequired, minPlateConfidence,
                randomPercent, officerConfirm, antiPassbackMs, maxTags, maxListAgeMs, readWindowMs, suppressionMs, openTimeoutMs,
                gateTravelLimitMs, confirmTimeoutMs, referralTimeoutMs, loopStuckMs, chatterChanges, chatterWindowMs, heartbeatMs);
    }

    static ReadFilter readFilter(Section reader) {
        ReadFilter filter = readFilterKeys(reader);
        reader.rejectUnknownKeys();
        return filter;
    }

    /** The filter's keys only: the daemon's reader section also names the device. */
    private static ReadFilter readFilterKeys(Section reader) {
        List<Long> antennas = reader.integers("antennas", List.of(), 1, 64, 64);
        int minRssi = (int) reader.integer("minRssiDbm", -90, -128, 0);
        Set<Integer> antennaSet = new HashSet<>();
        antennas.forEach(a -> antennaSet.add(a.intValue()));
        return new ReadFilter(antennaSet, minRssi);
    }

    private static SimulatedHardware simulated(Section sim) {
        long gateTravelMs = sim.integer("gateTravelMs", 1_500, 100, 20_000);
        long heartbeatMs = sim.integer("readerHeartbeatIntervalMs", 1_000, 100, 60_000);
        boolean traffic = sim.bool("traffic", true);
        double vehiclesPerHour = sim.number("vehiclesPerHour", 360, 1, 3_600);
        Long seed = sim.has("seed") ? sim.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE) : null;
        int demoCards = (int) sim.integer("demoListCards", 2_000, 0, 1_000_000);
        sim.rejectUnknownKeys();
        return new SimulatedHardware(gateTravelMs, heartbeatMs, traffic, vehiclesPerHour, seed, demoCards);
    }

    /** For scenario files: lane settings and read filter over the defaults, from the config's section shape. */
    public static LaneSetup scenarioSetup(JsonNode settingsNode, List<String> problems, String path) {
        Section section = new Section(path, settingsNode, problems);
        LaneSettings settings = settings(section, LaneSettings.defaults("lane-sim"));
        ReadFilter readFilter = readFilter(section.section("reader"));
        section.rejectUnknownKeys();
        return new LaneSetup(settings, readFilter);
    }
}
