package dev.lanecontroller.daemon;

import dev.lanecontroller.config.LaneConfig;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.LaneState;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.GateLimit;
import dev.lanecontroller.hal.RealTimeScheduler;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.link.LaneLink;
import dev.lanecontroller.ops.Health;
import dev.lanecontroller.ops.HealthServer;
import dev.lanecontroller.ops.LaneMetrics;
import dev.lanecontroller.shell.Inbox;
import dev.lanecontroller.shell.LaneRunner;
import dev.lanecontroller.shell.LaneShell;
import dev.lanecontroller.store.Outbox;
import dev.lanecontroller.store.SqliteJournal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/** The daemon's /health and /metrics: what each reads from the running lane. */
final class DaemonHealth {
    private DaemonHealth() {}

    /** What the lane monitor needs besides what /health reads: made before the lane starts, so they see it from the start. */
    record MonitorParts(dev.lanecontroller.monitor.LaneWatch lane, dev.lanecontroller.monitor.DeviceWatch watch, String bootId,
                        String softwareVersion, long startedMonoMs) {}

    /** The local /health and /metrics endpoint and the lane monitor; a lane that cannot open it still runs (and says so). */
    static HealthServer start(LaneConfig config, LaneMetrics metrics, LaneShell shell, LaneRunner runner, SqliteJournal journal,
                              Inbox inbox, LaneLink central, Supplier<Now> clock, RealTimeScheduler scheduler, LaneDevices devices,
                              MonitorParts monitorParts) {
        if (!config.health().enabled()) {
            return null;
        }
        Outbox outbox = journal.outbox();
        metrics.gauge("lane_outbox_backlog_events", "events central has not acknowledged yet", outbox::unsentCount);
        metrics.counter("lane_journal_failures", "journal writes that failed", shell::journalFailures);
        // The lane's and the central link's own events (commands, lists, alarms), each held apart.
        metrics.gauge("lane_journal_held_events", "events waiting for a failed journal to take writes again",
                () -> shell.heldEvents() + (central == null ? 0 : central.heldEvents()));
        metrics.counter("lane_journal_events_lost", "events dropped because too many waited for a failed journal",
                () -> shell.eventsLost() + (central == null ? 0 : central.eventsLost()));
        metrics.counter("lane_journal_events_refused", "events that could never be journaled (a programming error), each replaced by an EVENT_REFUSED alert",
                () -> shell.eventsRefused() + (central == null ? 0 : central.eventsRefused()));
        metrics.counter("lane_inbox_dropped", "inputs dropped because the lane's inbox was full", inbox::dropped);
        metrics.gauge("lane_fault", "1 while the lane is in FAULT", () -> shell.state().mode() == LaneMode.FAULT ? 1 : 0);
        // What the lane is doing, as state sets: 1 for the one in force, 0 for the others.
        metrics.gauges("lane_mode", "1 for the lane's mode", "mode", () -> oneOf(LaneMode.values(), shell.state().mode()));
        metrics.gauges("lane_signal_aspect", "1 for the aspect the lane last commanded", "aspect",
                () -> oneOf(SignalAspect.values(), shell.state().signal()));
        metrics.gauges("lane_gate_position", "1 for where the arm is: the limit it reached since its last command, or moving", "position",
                () -> gatePosition(shell.state()));
        metrics.gauges("lane_loop_occupied", "1 while the loop (or photo-eye) is occupied", "loop", () -> loops(shell.state()));
        metrics.gauge("lane_reader_last_heard_seconds", "seconds since the reader's last heartbeat or read",
                () -> (scheduler.nowMs() - shell.state().readerAliveAtMs()) / 1000.0);
        metrics.gauges("lane_list_version", "the list version in force, per program", "program", () -> lists(shell, list -> (double) list.version()));
        metrics.gauges("lane_list_age_seconds", "how long ago central issued the list in force, per program", "program",
                () -> lists(shell, list -> (System.currentTimeMillis() - list.issuedWallMs()) / 1000.0));
        metrics.gauge("lane_clock_synced", "1 when the wall clock is synchronised (NTP)", () -> clock.get().clockSynced() ? 1 : 0);
        if (central != null) {
            metrics.gauge("lane_central_backlog_alarm_level", "the central backlog alarm's level: 0 quiet, 1 the first threshold reached, ...",
                    () -> central.backlog().level());
            metrics.gauge("lane_central_connected", "1 while connected to central's broker", () -> central.link().isConnected() ? 1 : 0);
            metrics.counter("lane_central_published", "events published to central", () -> central.link().sync().published());
            metrics.counter("lane_central_acknowledged", "events central's broker acknowledged (PUBACK)",
                    () -> central.link().sync().acknowledged());
            metrics.counter("lane_central_connects", "connections made to central's broker", () -> central.link().connects());
            metrics.counter("lane_central_connect_failures", "failed connection attempts", () -> central.link().connectFailures());
            metrics.counter("lane_central_handover_dropped", "lane events that passed without a reply or status refresh: the hand-over queue was full",
                    central::laneEventsDropped);
            metrics.counter("lane_central_ack_timeouts", "connections dropped because a publish waited over twice the keepalive for its PUBACK",
                    () -> central.link().acknowledgementTimeouts());
            metrics.counter("lane_central_commands_refused", "commands refused by the link's checks", () -> central.commands().refusals());
            metrics.counter("lane_central_lists_rejected", "lists from central refused whole", () -> central.lists().rejected());
            metrics.counter("lane_central_lists_applied", "lists from central put in force", () -> central.lists().applied());
            metrics.counter("lane_central_publish_failures", "event publishes that failed (sent again later)",
                    () -> central.link().sync().failedPublishes());
        }
        Supplier<Health.Snapshot> health = () -> healthSnapshot(config, shell, runner, outbox, central, clock, scheduler);
        dev.lanecontroller.monitor.MonitorFeed feed = new dev.lanecontroller.monitor.MonitorFeed(new DaemonMonitor(new DaemonMonitor.Sources(
                config, shell::state, scheduler::nowMs, () -> clock.get().wallMs(), outbox, central, devices, monitorParts.watch(),
                monitorParts.lane().vehicles(), health, monitorParts.bootId(), monitorParts.softwareVersion(), monitorParts.startedMonoMs())));
        monitorParts.lane().onChange(feed::nudge);
        dev.lanecontroller.monitor.TechnicianGate gate = config.health().technicianCredential() == null ? null
                : new dev.lanecontroller.monitor.TechnicianGate(config.health().technicianCredential(), () -> System.nanoTime() / 1_000_000);
        dev.lanecontroller.monitor.MonitorPages pages = new dev.lanecontroller.monitor.MonitorPages(feed, gate);
        metrics.gauge("lane_monitor_streams", "lane monitor pages connected now", () -> pages.stream().open());
        metrics.counter("lane_monitor_streams_refused", "lane monitor pages refused: too many at once", () -> pages.stream().refused());
        if (gate != null) {
            metrics.counter("lane_monitor_login_failures", "lane monitor logins refused for a wrong user or password", gate::failures);
            metrics.counter("lane_monitor_logins_limited", "lane monitor logins refused unchecked after too many failures", gate::refusedWhileLimited);
        }
        try {
            HealthServer server = new HealthServer(new InetSocketAddress(config.health().host(), config.health().port()), health,
                    () -> laneDetails(shell.state(), scheduler.nowMs(), devices), metrics, pages);
            String base = "http://" + config.health().host() + ":" + server.port();
            System.out.println("health: " + base + "/health and /metrics; lane monitor: " + base + "/"
                    + (gate == null ? "" : " (login: " + dev.lanecontroller.monitor.TechnicianGate.USER + ")"));
            return server;
        } catch (IOException e) {
            pages.close();
            System.err.println("health endpoint not started on " + config.health().host() + ":" + config.health().port() + ": "
                    + e.getMessage() + " (the lane runs without it)");
            return null;
        }
    }

    /** systemd's STATUS line: what `systemctl status` shows at a glance. */
    static String statusLine(LaneShell shell, SqliteJournal journal, LaneLink central) {
        LaneState state = shell.state();
        return "lane " + state.mode() + (state.mode() == LaneMode.FAULT ? " (" + state.faultCause() + ")" : "")
                + ", backlog " + journal.outbox().unsentCount()
                + (central == null ? ", no central link" : central.link().isConnected() ? ", central connected" : ", central not connected");
    }

    /** /health's "lane": what the lane commanded and saw, and each device's own state (docs/configuration.md#health). */
    static Map<String, Object> laneDetails(LaneState state, long nowMs, LaneDevices devices) {
        Map<String, Object> lane = new java.util.LinkedHashMap<>();
        lane.put("mode", state.mode().name());
        lane.put("faultCause", state.faultCause());
        lane.put("signal", state.signal() == null ? null : state.signal().name());
        Map<String, Object> gate = new java.util.LinkedHashMap<>();
        gate.put("commanded", state.gateCommand() == null ? null : state.gateCommand().name());
        gate.put("position", armAt(state));
        lane.put("gate", gate);
        Map<String, Object> loops = new java.util.LinkedHashMap<>();
        state.loops().forEach((loop, track) -> loops.put(loop.name(), track.occupied() ? "occupied" : "clear"));
        lane.put("loops", loops);
        Map<String, Object> reader = new java.util.LinkedHashMap<>();
        reader.put("lastHeardSeconds", (nowMs - state.readerAliveAtMs()) / 1000.0);
        reader.put("trouble", state.readerTrouble());
        if (devices != null) {
            reader.putAll(devices.readerState());
        }
        lane.put("reader", reader);
        if (devices != null && devices.camera() != null) {
            long last = devices.camera().lastPostNanos();
            Map<String, Object> camera = new java.util.LinkedHashMap<>();
            camera.put("lastPostSeconds", last < 0 ? null : (System.nanoTime() - last) / 1e9);
            camera.put("postsAccepted", devices.camera().accepted());
            camera.put("postsRefused", devices.camera().refused());
            lane.put("camera", camera);
        }
        return lane;
    }

    private static <E extends Enum<E>> Map<String, Double> oneOf(E[] all, E current) {
        Map<String, Double> values = new TreeMap<>();
        for (E each : all) {
            values.put(each.name(), each == current ? 1.0 : 0.0);
        }
        return values;
    }

    /** Where the arm is: the limit it reached since its last command, or moving. */
    private static String armAt(LaneState state) {
        return state.gatePosition() == GateLimit.OPEN ? "open" : state.gatePosition() == GateLimit.CLOSED ? "closed" : "moving";
    }

    private static Map<String, Double> gatePosition(LaneState state) {
        String at = armAt(state);
        Map<String, Double> values = new TreeMap<>();
        for (String position : new String[] {"open", "closed", "moving"}) {
            values.put(position, position.equals(at) ? 1.0 : 0.0);
        }
        return values;
    }

    private static Map<String, Double> loops(LaneState state) {
        Map<String, Double> values = new TreeMap<>();
        state.loops().forEach((loop, track) -> values.put(loop.name(), track.occupied() ? 1.0 : 0.0));
        return values;
    }

    private static Map<String, Double> lists(LaneShell shell, ToDoubleFunction<ListInfo> value) {
        Map<String, Double> values = new TreeMap<>();
        shell.state().lists().forEach((program, list) -> values.put(program, value.applyAsDouble(list)));
        return values;
    }

    private static Health.Snapshot healthSnapshot(LaneConfig config, LaneShell shell, LaneRunner runner, Outbox outbox, LaneLink central,
                                                  Supplier<Now> clock, RealTimeScheduler scheduler) {
        LaneState state = shell.state();
        Now now = clock.get();
        return new Health.Snapshot(scheduler.nowMs(), runner.isAlive(), runner.lastTurnMs(), shell.journalFailing(),
                shell.journalFailures(), state.mode().name(), state.faultCause(), central == null ? null : central.link().isConnected(),
                outbox.unsentCount(), state.lists().values(), config.settings().acceptedPrograms(), now.wallMs(),
                config.settings().maxListAgeMs(), now.clockSynced(), central == null ? 0 : central.backlog().level());
    }

}
