// The lane monitor: one stream of the lane's whole view (server-sent events), drawn as it comes.
// Read-only; text only (never HTML from the lane), so nothing the lane reports can run here.
"use strict";

(function () {
  const STREAM = "monitor/stream";
  const LOST_AFTER_MS = 5000; // the lane sends its view at least every second
  let source = null;
  let lastDataAt = 0;
  let everConnected = false;

  function byId(id) { return document.getElementById(id); }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function ago(seconds) {
    if (seconds === null || seconds === undefined) return "never";
    if (seconds < 60) return seconds + " s ago";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min ago";
    return Math.floor(seconds / 3600) + " h " + Math.floor((seconds % 3600) / 60) + " min ago";
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600), m = Math.floor((seconds % 3600) / 60);
    return (d ? d + " d " : "") + (d || h ? h + " h " : "") + m + " min";
  }

  function setLink(state, text) {
    const link = byId("link");
    if (link.textContent !== text) link.textContent = text;
    link.className = "link " + state;
  }

  function tile(id, value, className) {
    const node = byId(id);
    node.textContent = value;
    node.parentElement.className = "tile " + className;
  }

  function chips(id, entries) {
    const list = byId(id);
    list.replaceChildren(...entries.map(([name, on, word]) => {
      const item = el("li", name + ": " + word, on ? "on" : "");
      return item;
    }));
  }

  function fact(list, name, value) {
    list.append(el("dt", name), el("dd", value));
  }

  function device(name, state, lines) {
    const item = el("li", null, state === "unknown" ? "dim" : "");
    item.append(el("span", name, "name"), el("span", state, "state state-" + state));
    lines.filter(Boolean).forEach(line => item.append(el("div", line)));
    return item;
  }

  function drawLane(lane) {
    byId("lane-id").textContent = lane.id;
    document.title = "Lane " + lane.id + " – " + lane.mode;
    tile("mode", lane.mode + (lane.mode === "FAULT" && lane.faultCause ? " (" + lane.faultCause + ")" : "")
      + (lane.mode === "AUTOMATED" && lane.officerConfirms ? ", officer confirms" : ""), "mode-" + lane.mode);
    tile("signal", lane.signal || "unknown", "aspect-" + (lane.signal || "none"));
    const gate = lane.gate || {};
    tile("gate", gate.position || "unknown", "gate-" + gate.position);
    chips("limits", [["open limit", gate.position === "open", gate.position === "open" ? "reached" : "not reached"],
      ["closed limit", gate.position === "closed", gate.position === "closed" ? "reached" : "not reached"],
      ["commanded", false, gate.commanded || "nothing yet"]]);
    chips("loops", Object.entries(lane.loops || {}).map(([loop, state]) => [loop.toLowerCase(), state === "occupied", state]));
  }

  function drawDevices(devices) {
    const items = [];
    const reader = devices.reader;
    if (reader) {
      const read = reader.lastRead;
      items.push(device("Reader (" + reader.kind + ")", reader.state, [
        reader.trouble ? "Trouble: " + reader.trouble : null,
        "Last heard: " + ago(reader.lastHeardSeconds),
        read ? "Last read: card " + read.card + ", antenna " + read.antenna + (read.rssiDbm !== null ? ", " + read.rssiDbm + " dBm" : "")
          + ", " + ago(read.secondsAgo) : "Last read: none yet"]));
    }
    const camera = devices.camera;
    if (camera) {
      const plate = camera.lastPlate;
      items.push(device("Camera", camera.state, [plate ? "Last plate: " + plate.plate + " (" + plate.confidencePct + " %), " + ago(plate.secondsAgo)
        : "Last plate: none yet"]));
    }
    const outputs = devices.outputs;
    if (outputs) {
      const fault = outputs.lastFault;
      items.push(device("Signal and gate outputs (" + outputs.kind + ")", fault && fault.secondsAgo < 60 ? "offline" : "online",
        [fault ? "Last read-back fault: " + fault.detail + ", " + ago(fault.secondsAgo) : "No read-back fault"]));
    }
    byId("devices").replaceChildren(...items);
  }

  function emptyRow(text, columns) {
    const row = el("tr");
    const cell = el("td", text);
    cell.colSpan = columns;
    row.append(cell);
    return row;
  }

  function drawVehicles(vehicles) {
    const rows = vehicles.map(v => {
      const row = el("tr");
      row.append(el("td", new Date(v.wallMs).toLocaleTimeString([], { hourCycle: "h23" })), el("td", v.outcome, v.outcome),
        el("td", v.reason || "–"), el("td", v.cards), el("td", v.plate || "–"), el("td", v.releasedBy || "–"));
      return row;
    });
    byId("vehicle-rows").replaceChildren(...(rows.length ? rows : [emptyRow("No vehicle yet.", 6)]));
  }

  function drawLists(lists) {
    const rows = lists.map(l => {
      const row = el("tr");
      const state = el("td");
      state.append(el("span", l.state, "state state-" + l.state));
      row.append(el("td", l.program), el("td", l.version), el("td", l.entries.toLocaleString()), el("td", duration(l.ageSeconds)), state);
      return row;
    });
    byId("list-rows").replaceChildren(...(rows.length ? rows : [emptyRow("No list in force: every vehicle is referred.", 5)]));
  }

  function drawCentral(central) {
    const list = byId("central");
    list.replaceChildren();
    if (!central.configured) {
      fact(list, "Link", "none configured (the lane keeps every event)");
    } else {
      const state = el("span", central.connected ? "connected" : "not connected", "state state-" + (central.connected ? "online" : "offline"));
      list.append(el("dt", "Link"), el("dd"));
      list.lastChild.append(state);
    }
    fact(list, "Events not yet at central", central.backlog);
    fact(list, "Oldest unsent event", central.oldestUnsentSeconds === null ? "none" : ago(central.oldestUnsentSeconds));
    fact(list, "Last acknowledgement", ago(central.lastAcknowledgementSeconds));
  }

  function drawHealth(health) {
    byId("checks").replaceChildren(...Object.entries(health.checks).map(([name, check]) => {
      const item = el("li");
      item.append(el("span", name, "state state-" + (check.ok ? "ok" : "bad")), el("span", ": " + check.detail));
      return item;
    }));
  }

  function drawSoftware(software) {
    const list = byId("software");
    list.replaceChildren();
    fact(list, "Version", software.version);
    fact(list, "Boot", software.bootId);
    fact(list, "Up", duration(software.uptimeSeconds));
  }

  function draw(view) {
    if (view.error) {
      setLink("lost", "The lane's view cannot be shown: " + view.error);
      return;
    }
    drawLane(view.lane);
    drawDevices(view.devices);
    drawVehicles(view.vehicles);
    if (view.lists) drawLists(view.lists);
    if (view.central) drawCentral(view.central);
    if (view.health) drawHealth(view.health);
    drawSoftware(view.software);
  }

  function connect() {
    source = new EventSource(STREAM);
    source.onmessage = event => {
      lastDataAt = Date.now();
      everConnected = true;
      setLink("live", "Live");
      draw(JSON.parse(event.data));
    };
    source.onerror = () => {
      // The lane ends each stream after a few seconds and the browser reconnects at once;
      // only a stream that does not come back is a lost connection (the watchdog below says so).
      if (source.readyState === EventSource.CLOSED) {
        source = null; // refused (not an event stream): try again ourselves
      }
    };
  }

  setInterval(() => {
    if (source === null) connect();
    if (Date.now() - lastDataAt > LOST_AFTER_MS) {
      setLink(everConnected ? "lost" : "unknown", everConnected ? "Connection to the lane lost: reconnecting…" : "Connecting to the lane…");
    }
  }, 1000);
  connect();
})();
