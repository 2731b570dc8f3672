package dev.lanecontroller.daemon;

import dev.lanecontroller.config.LaneConfig;
import dev.lanecontroller.core.LaneState;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.link.LaneLink;
import dev.lanecontroller.monitor.DeviceWatch;
import dev.lanecontroller.monitor.VehicleLog;
import dev.lanecontroller.ops.Health;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.Outbox;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the lane monitor shows (docs/monitor.md), read from the running daemon by the monitor's
 * feed thread: the lane and its devices every sample, the journal's backlog, the lists and the
 * health checks at most once a second (they cost a query). Ages are whole seconds, so an idle lane's
 * view changes once a second, not every sample. Never a full card number, never a lookout.
 */
final class DaemonMonitor implements Supplier<Map<String, Object>> {
    private static final long SLOW_PART_MS = 1_000;

    /** What the monitor reads; {@code central}, {@code devices} null when the lane has none. */
    record Sources(LaneConfig config, Supplier<LaneState> state, LongSupplier nowMonoMs, LongSupplier wallMs, Outbox outbox, LaneLink central,
                   LaneDevices devices, DeviceWatch watch, VehicleLog vehicles, Supplier<Health.Snapshot> health, String bootId,
                   String softwareVersion, long startedMonoMs) {}

    private final Sources sources;
    private Map<String, Object> slowPart;
    private long slowAtMonoMs;

    DaemonMonitor(Sources sources) {
        this.sources = sources;
    }

    @Override
    public Map<String, Object> get() {
        LaneState state = sources.state().get();
        long nowMs = sources.nowMonoMs().getAsLong();
        if (slowPart == null || nowMs - slowAtMonoMs >= SLOW_PART_MS) {
            slowPart = slowPart(state);
            slowAtMonoMs = nowMs;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        Map<String, Object> lane = new LinkedHashMap<>();
        lane.put("id", sources.config().settings().laneId());
        lane.putAll(DaemonHealth.laneDetails(state, nowMs, sources.devices()));
        lane.put("officerConfirms", sources.config().settings().officerConfirm());
        // The devices have their own part below, in whole seconds.
        lane.remove("reader");
        lane.remove("camera");
        view.put("lane", lane);
        view.put("devices", devices(state, nowMs));
        view.put("vehicles", sources.vehicles().rows());
        view.putAll(slowPart);
        Map<String, Object> software = new LinkedHashMap<>();
        software.put("version", sources.softwareVersion());
        software.put("bootId", sources.bootId());
        software.put("uptimeSeconds", (nowMs - sources.startedMonoMs()) / 1000);
        view.put("software", software);
        return view;
    }

    private Map<String, Object> devices(LaneState state, long nowMs) {
        Map<String, Object> devices = new LinkedHashMap<>();
        Map<String, Object> reader = new LinkedHashMap<>();
        Map<String, Object> device = sources.devices() == null ? Map.of("kind", "simulated") : sources.devices().readerState();
        reader.put("kind", device.get("kind"));
        Object online = device.get("online");
        // Silent past its heartbeat timeout is down, whether or not the lane could fault for it (a lane in FAULT for another cause does not).
        boolean silent = nowMs - state.readerAliveAtMs() >= sources.config().settings().readerHeartbeatTimeoutMs();
        boolean down = Boolean.FALSE.equals(online) || state.readerTrouble() != null || silent;
        reader.put("state", down ? "offline" : sources.watch().readerHeard() ? "online" : "unknown");
        reader.put("lastHeardSeconds", sources.watch().readerHeard() ? (nowMs - state.readerAliveAtMs()) / 1000 : null);
        reader.put("trouble", state.readerTrouble());
        reader.put("lastRead", sources.watch().lastRead());
        devices.put("reader", reader);
        if (sources.devices() == null || sources.devices().camera() != null) {
            Map<String, Object> camera = new LinkedHashMap<>();
            Map<String, Object> plate = sources.watch().lastPlate();
            camera.put("state", plate == null ? "unknown" : "online");
            camera.put("lastPlate", plate);
            devices.put("camera", camera);
        }
        Map<String, Object> gpio = new LinkedHashMap<>();
        Map<String, Object> fault = sources.watch().lastFault();
        gpio.put("kind", sources.devices() != null && sources.devices().gpio() != null ? "gpio" : "simulated");
        gpio.put("lastFault", fault);
        devices.put("outputs", gpio);
        return devices;
    }

    private Map<String, Object> slowPart(LaneState state) {
        Map<String, Object> part = new LinkedHashMap<>();
        long wallMs = sources.wallMs().getAsLong();
        long maxAgeMs = sources.config().settings().maxListAgeMs();
        List<Map<String, Object>> lists = new ArrayList<>();
        for (ListInfo list : state.lists().values()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("program", list.program());
            row.put("version", list.version());
            row.put("entries", list.entryCount());
            row.put("ageSeconds", Math.max(0, (wallMs - list.issuedWallMs()) / 1000));
            row.put("state", list.expiresWallMs() != ListInfo.NO_EXPIRY && wallMs >= list.expiresWallMs() ? "expired"
                    : wallMs - list.issuedWallMs() > maxAgeMs ? "stale" : "fresh");
            lists.add(row);
        }
        part.put("lists", lists);
        Map<String, Object> central = new LinkedHashMap<>();
        Outbox outbox = sources.outbox();
        long backlog = outbox.unsentCount();
        central.put("configured", sources.central() != null);
        central.put("connected", sources.central() != null && sources.central().link().isConnected());
        central.put("backlog", dev.lanecontroller.ops.Health.roughCount(backlog));
        long oldest = backlog == 0 ? 0 : outbox.oldestUnsentSeq();
        List<JournalEntry> oldestEntry = oldest == 0 ? List.of() : outbox.read(oldest - 1, 1);
        central.put("oldestUnsentSeconds", oldestEntry.isEmpty() ? null : Math.max(0, (wallMs - oldestEntry.get(0).wallMs()) / 1000));
        long sinceAck = sources.central() == null ? -1 : sources.central().link().sync().secondsSinceLastAcknowledgement();
        central.put("lastAcknowledgementSeconds", sinceAck < 0 ? null : sinceAck);
        part.put("central", central);
        Health.Result result = Health.evaluate(sources.health().get());
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("ok", result.ok());
        Map<String, Object> checks = new LinkedHashMap<>();
        result.checks().forEach((name, check) -> checks.put(name, Map.of("ok", check.ok(), "detail", check.detail())));
        health.put("checks", checks);
        part.put("health", health);
        return part;
    }
}
