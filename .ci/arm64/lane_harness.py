#!/usr/bin/env python3
"""The lane's world, played from outside the JVM on an arm64 machine: a gpio-sim chip that Pi4J's
gpiod provider takes for a Raspberry Pi's (label pinctrl-bcm2711), a serial reader on a
pseudo-terminal, a gate whose limit switches follow the relays the lane pulses, and vehicles on
the loops. It runs the lane-controller jar given on the command line and checks what a lane must do:
a member's card opens and closes the gate, an unknown card leaves STOP/REFER and the arm down, and a
vehicle on the safety loop while the arm comes down sends it back up. Prints PASS/FAIL lines and
ends with ARM64-LANE PASSED or FAILED (exit 0 or 1). Root only (configfs, the bind-mounted cpuinfo).

With --unit the lane is the installed service (install.sh), started by systemd as lanectl in its
sandbox, and its sandbox is checked; otherwise the jar is run directly.

    lane_harness.py JAR WORKDIR [--unit]
"""
import os
import pty
import sqlite3
import subprocess
import sys
import threading
import time
import tty

JAR, WORK = sys.argv[1], sys.argv[2]
UNIT = "--unit" in sys.argv[3:]
CONFIGFS = "/sys/kernel/config/gpio-sim/lane"
LINES = 28
# BCM numbers, as config/examples/lane-llrp.yaml wires them (every line active low).
STOP, PROCEED, REFER = 5, 6, 13
GATE_OPEN, GATE_CLOSE = 19, 26
OPEN_LIMIT, CLOSED_LIMIT = 20, 21
ARMING, SAFETY, EXIT = 17, 27, 22
MEMBER = "E2801160600002054E4F0001"
MEMBER_2 = "E2801160600002054E4F0002"  # the same card again would be refused DUPLICATE_TAG (anti-passback)
STRANGER = "E2801160600002054E4F9999"
failures = []


def log(line):
    print(line, flush=True)


def check(ok, what):
    log(("PASS " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def write(path, value):
    with open(path, "w") as f:
        f.write(value)


def read(path):
    with open(path) as f:
        return f.read().strip()


# ---- the chip ----
def make_chip():
    subprocess.run(["modprobe", "configfs"], check=False)
    subprocess.run(["insmod", os.path.join(WORK, "gpio-sim.ko")], check=True)
    if not os.path.isdir("/sys/kernel/config/gpio-sim"):
        subprocess.run(["mount", "-t", "configfs", "none", "/sys/kernel/config"], check=False)
    os.makedirs(CONFIGFS + "/bank0")
    write(CONFIGFS + "/bank0/num_lines", str(LINES))
    write(CONFIGFS + "/bank0/label", "pinctrl-bcm2711")
    write(CONFIGFS + "/live", "1")
    device, chip = read(CONFIGFS + "/dev_name"), read(CONFIGFS + "/bank0/chip_name")
    log(f"gpio-sim chip {chip} on {device}, {LINES} lines labelled pinctrl-bcm2711")
    return f"/sys/devices/platform/{device}/{chip}"


SIM = None


def level(line):
    return int(read(f"{SIM}/sim_gpio{line}/value"))


def active(line):  # every line is active low
    return level(line) == 0


def drive(line, on):  # what the world puts on an input: active low
    write(f"{SIM}/sim_gpio{line}/pull", "pull-down" if on else "pull-up")


# ---- the gate: limit switches follow the relays ----
class Gate(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.position = "closed"
        self.travel_s = 0.4
        self.opens = 0
        self.closes = 0
        self.hold_closing = threading.Event()  # while set, a descending arm stops half-way
        self.running = True

    def run(self):
        drive(CLOSED_LIMIT, True)
        drive(OPEN_LIMIT, False)
        while self.running:
            if active(GATE_OPEN) and self.position != "open":
                self.opens += 1
                drive(CLOSED_LIMIT, False)
                time.sleep(self.travel_s)
                self.position = "open"
                drive(OPEN_LIMIT, True)
            elif active(GATE_CLOSE) and self.position != "closed":
                self.closes += 1
                drive(OPEN_LIMIT, False)
                self.position = "moving"
                deadline = time.time() + self.travel_s
                while time.time() < deadline or self.hold_closing.is_set():
                    if active(GATE_OPEN):
                        break  # sent back up: the next round opens it
                    time.sleep(0.01)
                else:
                    self.position = "closed"
                    drive(CLOSED_LIMIT, True)
            time.sleep(0.01)


# ---- the reader: a card in its field is read again and again, as a real reader reports it ----
class Field(threading.Thread):
    def __init__(self, master):
        super().__init__(daemon=True)
        self.master = master
        self.card = None

    def run(self):
        while True:
            card = self.card
            if card:
                os.write(self.master, (card + "\r\n").encode())
            time.sleep(0.2)


# ---- the lane's journal, read-only ----
def events(db, kind=None):
    if not os.path.exists(db):
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            rows = conn.execute("SELECT type, payload FROM journal ORDER BY seq").fetchall()
    except sqlite3.Error:
        return []
    return [(t, p) for t, p in rows if kind is None or t == kind]


def await_(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    check(False, f"{what} within {seconds} s")
    return False


def start_with_class_archive(ready_without_archive_s):
    """The class-data archive as install.sh/upgrade.sh make it on a device (lib.sh), then the unit's start again."""
    t0 = time.time()
    made = subprocess.run(["bash", "-c", '. /opt/lane-controller/provisioning/lib.sh && '
                           'make_class_archive "$(readlink /opt/lane-controller/lane-controller.jar)"'], capture_output=True, text=True)
    check("class-data archive made" in made.stdout, f"the class-data archive made on arm64 in {time.time() - t0:.1f} s: "
          + (made.stdout + made.stderr).strip()[-300:])
    t0 = time.time()
    started_unit = subprocess.run(["systemctl", "start", "lane-controller"], capture_output=True, text=True)
    ready_s = time.time() - t0
    pid = subprocess.run(["systemctl", "show", "-p", "MainPID", "--value", "lane-controller"], capture_output=True,
                         text=True).stdout.strip()
    maps = read(f"/proc/{pid}/maps") if pid and pid != "0" else ""
    check(started_unit.returncode == 0 and ".jsa" in maps,
          f"with the archive the unit is READY in {ready_s:.1f} s (without: {ready_without_archive_s:.1f} s), the archive mapped")
    subprocess.run(["systemctl", "stop", "lane-controller"], check=False)


def main():
    global SIM
    os.makedirs(WORK, exist_ok=True)
    SIM = make_chip()
    # Pi4J takes the board from /proc/cpuinfo: a Raspberry Pi 4's revision line.
    cpuinfo = os.path.join(WORK, "cpuinfo")
    with open("/proc/cpuinfo") as src, open(cpuinfo, "w") as dst:
        dst.write(src.read() + "Hardware\t: BCM2835\nRevision\t: c03114\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n")
    subprocess.run(["mount", "--bind", cpuinfo, "/proc/cpuinfo"], check=True)
    for loop in (ARMING, SAFETY, EXIT):
        drive(loop, False)
    gate = Gate()
    gate.start()
    # The reader: a pseudo-terminal jSerialComm opens like a USB serial port.
    master, slave = pty.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    device = os.ttyname(slave)
    field = Field(master)
    field.start()
    if UNIT:
        import pwd
        lanectl = pwd.getpwnam("lanectl")
        os.chown(device, lanectl.pw_uid, -1)  # the lane's own user opens the reader, as udev's dialout rule lets it
        db = "/var/lib/lane-controller/lane.db"
        config = "/etc/lane-controller/lane.yaml"
        as_lane = ["runuser", "-u", "lanectl", "--"]
    else:
        db = os.path.join(WORK, "lane.db")
        config = os.path.join(WORK, "lane.yaml")
        as_lane = []
    with open(config, "w") as f:
        f.write(f"""lane: {{id: arm64-01}}
programs: {{accepted: [NEXUS]}}
storage: {{path: {db}}}
health: {{enabled: false}}
timings: {{readWindowMs: 3000}}
hardware:
  kind: gpio
  gpio:
    provider: gpiod
    lamps:
      STOP: {{bcm: {STOP}, activeLow: true}}
      PROCEED: {{bcm: {PROCEED}, activeLow: true}}
      REFER: {{bcm: {REFER}, activeLow: true}}
    gateOpen: {{bcm: {GATE_OPEN}, activeLow: true}}
    gateClose: {{bcm: {GATE_CLOSE}, activeLow: true}}
    gatePulseMs: 300
    openLimit: {{bcm: {OPEN_LIMIT}, pull: UP, activeLow: true, debounceMs: 20}}
    closedLimit: {{bcm: {CLOSED_LIMIT}, pull: UP, activeLow: true, debounceMs: 20}}
    loops:
      ARMING: {{bcm: {ARMING}, pull: UP, activeLow: true, debounceMs: 30}}
      SAFETY: {{bcm: {SAFETY}, pull: UP, activeLow: true, debounceMs: 30}}
      EXIT: {{bcm: {EXIT}, pull: UP, activeLow: true, debounceMs: 30}}
reader:
  kind: serial
  serial: {{device: "{device}", baudRate: 9600}}
camera: {{kind: none}}
""")
    if UNIT:
        os.chown(config, 0, lanectl.pw_gid)
        os.chmod(config, 0o640)
    cards = "/tmp/lane-harness-cards.csv"  # where the lane's own user can read it
    with open(cards, "w") as f:
        f.write(f"epc,status,expires,plates,tid,lookout\n{MEMBER},ACTIVE,,,,\n{MEMBER_2},ACTIVE,,,,\n")
    os.chmod(cards, 0o644)
    java = as_lane + ["java", "-jar", JAR]
    t0 = time.time()
    imported = subprocess.run(java + ["list", "import", cards, "--program", "NEXUS", "--list-version", "1", "--db", db],
                              capture_output=True, text=True)
    check(imported.returncode == 0, f"list import through sqlite-jdbc's aarch64 library ({time.time() - t0:.1f} s) "
          + imported.stdout.strip()[-120:] + imported.stderr.strip()[-300:])
    checked = subprocess.run(java + ["check-config", config], capture_output=True, text=True)
    check(checked.returncode == 0, "check-config: " + (checked.stdout + checked.stderr).strip()[-300:])

    t0 = time.time()
    if UNIT:
        log("GPIO devices: " + subprocess.run("ls -l /dev/gpiochip*", shell=True, capture_output=True, text=True).stdout.strip())
        # The test's stand-ins, in a drop-in: a pseudo-terminal where a USB reader would be, a Pi's cpuinfo.
        os.makedirs("/etc/systemd/system/lane-controller.service.d", exist_ok=True)
        with open("/etc/systemd/system/lane-controller.service.d/arm64-test.conf", "w") as f:
            f.write(f"[Service]\nDeviceAllow=char-pts rw\nBindReadOnlyPaths={cpuinfo}:/proc/cpuinfo\n")
        subprocess.run(["systemctl", "daemon-reload"], check=True)
        # Type=notify: start returns once the lane is READY (outputs safe, journal open), or fails.
        started_unit = subprocess.run(["systemctl", "start", "lane-controller"], capture_output=True, text=True)
        ready_without_archive_s = time.time() - t0
        check(started_unit.returncode == 0, f"systemd started the installed unit, READY in {ready_without_archive_s:.1f} s "
              + "(no class-data archive: install.sh --root makes none) " + started_unit.stderr.strip())
        pid = subprocess.run(["systemctl", "show", "-p", "MainPID", "--value", "lane-controller"], capture_output=True,
                             text=True).stdout.strip()
        status = read(f"/proc/{pid}/status") if pid and pid != "0" else ""
        sandboxed = ("\nNoNewPrivs:\t1" in status and "\nSeccomp:\t2" in status
                     and "\nCapEff:\t0000000000000000" in status and f"\nUid:\t{lanectl.pw_uid}\t" in status)
        check(sandboxed, "the lane runs as lanectl with NoNewPrivs, the seccomp filter (SystemCallFilter) and no capabilities")
        daemon = None
    else:
        daemon = subprocess.Popen(java + ["run", "--config", config], stdout=open(os.path.join(WORK, "daemon.out"), "w"),
                                  stderr=subprocess.STDOUT)
    try:
        started = await_(lambda: events(db, "LANE_STARTED") and active(STOP), 120, "the lane started showing STOP")
        if started:
            check(True, f"the lane started on Pi4J's gpiod provider in {time.time() - t0:.1f} s, STOP lit, arm down")

        # 1. A member: cleared, the arm up, through, the arm down.
        opens = gate.opens
        drive(ARMING, True)
        field.card = MEMBER
        await_(lambda: events(db, "DECISION"), 30, "a decision on the member")
        decision = events(db, "DECISION")[-1][1] if events(db, "DECISION") else ""
        check('"CLEARED"' in decision, "the member is CLEARED: " + decision[:160])
        await_(lambda: gate.position == "open" and active(PROCEED), 30, "the arm up and PROCEED lit")
        check(gate.opens == opens + 1, "the open relay pulsed once")
        drive(ARMING, False)
        drive(SAFETY, True)
        time.sleep(0.3)
        field.card = None  # out of the reader's field
        drive(SAFETY, False)
        drive(EXIT, True)
        time.sleep(0.3)
        drive(EXIT, False)
        await_(lambda: events(db, "PASSAGE") and gate.position == "closed" and active(STOP), 30,
               "PASSAGE, the arm down again and STOP lit")
        check(bool(events(db, "PASSAGE")), "the member went through (PASSAGE) and the arm came down")

        # 2. A stranger's card: REFER, STOP, the arm stays down until the vehicle leaves.
        opens = gate.opens
        drive(ARMING, True)
        field.card = STRANGER
        await_(lambda: len(events(db, "DECISION")) == 2, 30, "a decision on the stranger")
        decision = events(db, "DECISION")[-1][1] if len(events(db, "DECISION")) == 2 else ""
        check('"UNKNOWN_TAG"' in decision, "the stranger is referred UNKNOWN_TAG: " + decision[:160])
        await_(lambda: active(REFER) and not active(PROCEED), 10, "REFER lit, PROCEED dark")
        left = len(events(db, "VEHICLE_LEFT"))
        drive(ARMING, False)  # the driver backs out to secondary
        field.card = None
        await_(lambda: len(events(db, "VEHICLE_LEFT")) > left, 30, "VEHICLE_LEFT for the referred vehicle")
        check(gate.opens == opens and gate.position == "closed", "the arm never moved for the referred vehicle")

        # 3. The arm coming down onto something on the safety loop goes back up.
        drive(ARMING, True)
        field.card = MEMBER_2
        await_(lambda: gate.position == "open", 60, "the arm up for the next member")
        drive(ARMING, False)
        drive(SAFETY, True)
        time.sleep(0.3)
        field.card = None
        drive(SAFETY, False)
        drive(EXIT, True)
        time.sleep(0.3)
        gate.hold_closing.set()  # the arm descends slowly
        drive(EXIT, False)
        closes = gate.closes
        await_(lambda: gate.closes > closes, 30, "the close relay pulsed after the passage")
        drive(SAFETY, True)  # a pedestrian steps under the descending arm
        await_(lambda: events(db, "SAFETY_REVERSAL"), 10, "SAFETY_REVERSAL")
        check(bool(events(db, "SAFETY_REVERSAL")), "something on the safety loop under a descending arm sends it back up")
        gate.hold_closing.clear()
        drive(SAFETY, False)
        await_(lambda: gate.position == "closed" and active(STOP), 60, "the arm down once the loop is clear")
        # Started with the arm resting on its closed limit: read at start through gpiod, no GATE_TRAVEL_TIMEOUT.
        check(not events(db, "FAULT"), "no FAULT in the whole run: " + str([p for _, p in events(db, "FAULT")])[:200])
    finally:
        if daemon is None:
            subprocess.run(["systemctl", "stop", "lane-controller"], check=False)
            result = subprocess.run(["systemctl", "show", "-p", "Result", "--value", "lane-controller"], capture_output=True,
                                    text=True).stdout.strip()
            check(result == "success", f"systemd stopped the lane cleanly (result {result})")
            if failures:
                journal = subprocess.run(["journalctl", "-u", "lane-controller", "--no-pager", "-n", "60"], capture_output=True,
                                         text=True).stdout
                log("the unit's journal, last lines:\n" + journal)
        else:
            daemon.terminate()
            try:
                code = daemon.wait(30)
            except subprocess.TimeoutExpired:
                daemon.kill()
                code = -9
            check(code in (0, 143), f"the daemon stopped cleanly (exit {code})")
            if failures:
                with open(os.path.join(WORK, "daemon.out")) as out:
                    log("daemon output, last lines:\n" + "".join(out.readlines()[-40:]))
    if UNIT and not failures:
        start_with_class_archive(ready_without_archive_s)
    log("ARM64-LANE " + ("PASSED" if not failures else "FAILED: " + "; ".join(failures)))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
