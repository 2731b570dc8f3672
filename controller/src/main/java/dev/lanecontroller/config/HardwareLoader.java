package dev.lanecontroller.config;

import dev.lanecontroller.hal.LoopId;
import dev.lanecontroller.hal.PlateEventKind;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.hal.camera.PlateMapping;
import dev.lanecontroller.hal.camera.PlateWebhook;
import dev.lanecontroller.hal.gpio.GpioSettings;
import dev.lanecontroller.hal.gpio.PinSpec;
import dev.lanecontroller.hal.llrp.LlrpSettings;
import dev.lanecontroller.hal.serial.FrameFormat;
import dev.lanecontroller.hal.serial.SerialSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The {@code hardware}, {@code reader} (the device part) and {@code camera} sections (docs/configuration.md#hardware). */
final class HardwareLoader {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-]{1,253}");
    private static final Pattern DEVICE = Pattern.compile("/dev/[A-Za-z0-9._:/\\-]{1,200}|tcp://[A-Za-z0-9.\\-]{1,253}:[0-9]{1,5}");
    private static final Pattern AFFIX = Pattern.compile("[\\x20-\\x7E]{0,64}");
    private static final Pattern POINTER = Pattern.compile("(/[^/]{1,64}){1,16}");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern URL_PATH = Pattern.compile("/[A-Za-z0-9._/\\-]{0,127}");
    private static final Pattern OUTPUT_NAME = Pattern.compile("lamp\\.(STOP|PROCEED|REFER|CLOSING)|gateOpen|gateClose|safetyTest");

    private HardwareLoader() {}

    static HardwareSettings load(Section hardware, Section reader, Section camera, Path base) {
        HardwareSettings.Kind kind = hardware.choice("kind", HardwareSettings.Kind.SIMULATED, HardwareSettings.Kind.class,
                Section.all(HardwareSettings.Kind.class));
        GpioSettings gpio = null;
        String provider = "gpiod";
        if (kind == HardwareSettings.Kind.GPIO) {
            Section section = hardware.section("gpio");
            provider = section.text("provider", "gpiod", Pattern.compile("gpiod|linuxfs"), "gpiod (no root; Raspberry Pi 5) or linuxfs");
            gpio = gpio(section);
        } else if (hardware.has("gpio")) {
            hardware.problem("gpio", "only with kind: gpio");
        }
        HardwareSettings.Reader readerSettings = reader(reader, kind);
        HardwareSettings.WebhookTls[] webhookTls = new HardwareSettings.WebhookTls[1]; // set by the camera section when it asks for HTTPS
        PlateWebhook.Settings webhook = camera(camera, kind, base, webhookTls);
        if (gpio != null && readerSettings.kind() == HardwareSettings.ReaderKind.WIEGAND) {
            Map<String, PinSpec> readerPins = Map.of("reader.wiegand.d0", readerSettings.wiegandD0(), "reader.wiegand.d1",
                    readerSettings.wiegandD1());
            gpio = new GpioSettings(gpio.lamps(), gpio.gateOpen(), gpio.gateClose(), gpio.gatePulseMs(), gpio.openLimit(),
                    gpio.closedLimit(), gpio.loops(), gpio.tamper(), gpio.safetyTest(), gpio.safetyTestMs(), gpio.feedback(),
                    gpio.feedbackSettleMs(), readerPins);
        }
        if (gpio != null) {
            gpio.problems().forEach(problem -> hardware.problem("gpio", problem));
        }
        return new HardwareSettings(kind, gpio, provider, readerSettings, webhook, webhook == null ? null : webhookTls[0]);
    }

    private static GpioSettings gpio(Section gpio) {
        Map<SignalAspect, PinSpec> lamps = new EnumMap<>(SignalAspect.class);
        Section lampSection = gpio.section("lamps");
        for (SignalAspect aspect : SignalAspect.values()) {
            if (lampSection.has(aspect.name())) {
                lamps.put(aspect, output(lampSection.section(aspect.name())));
            }
        }
        lampSection.rejectUnknownKeys();
        Map<LoopId, PinSpec> loops = new EnumMap<>(LoopId.class);
        Section loopSection = gpio.section("loops");
        for (LoopId loop : LoopId.values()) {
            if (loopSection.has(loop.name())) {
                loops.put(loop, input(loopSection.section(loop.name())));
            }
        }
        loopSection.rejectUnknownKeys();
        if (gpio.has("cameraTrigger")) {
            // A camera that only closes a contact when a vehicle is in view: on a lane without an arming loop it is the arming loop.
            PinSpec trigger = input(gpio.section("cameraTrigger"));
            if (loops.containsKey(LoopId.ARMING)) {
                gpio.problem("cameraTrigger", "stands in for an arming loop, and loops.ARMING is wired: use one or the other");
            } else {
                loops.put(LoopId.ARMING, trigger);
            }
        }
        Map<String, PinSpec> feedback = new LinkedHashMap<>();
        Section feedbackSection = gpio.section("feedback");
        for (String output : feedbackSection.keys()) {
            if (!OUTPUT_NAME.matcher(output).matches()) {
                feedbackSection.problem(output, "not an output (lamp.STOP, lamp.PROCEED, lamp.REFER, lamp.CLOSING, gateOpen, gateClose, safetyTest)");
            }
            feedback.put(output, input(feedbackSection.section(output)));
        }
        PinSpec gateOpen = gpio.has("gateOpen") ? output(gpio.section("gateOpen")) : null;
        PinSpec gateClose = gpio.has("gateClose") ? output(gpio.section("gateClose")) : null;
        long pulseMs = gpio.integer("gatePulseMs", 500, 100, 5_000);
        PinSpec openLimit = gpio.has("openLimit") ? input(gpio.section("openLimit")) : null;
        PinSpec closedLimit = gpio.has("closedLimit") ? input(gpio.section("closedLimit")) : null;
        PinSpec tamper = gpio.has("tamper") ? input(gpio.section("tamper")) : null;
        PinSpec safetyTest = gpio.has("safetyTest") ? output(gpio.section("safetyTest")) : null;
        long safetyTestMs = gpio.integer("safetyTestMs", 200, 10, 5_000);
        long settleMs = gpio.integer("feedbackSettleMs", 100, 10, 5_000);
        gpio.rejectUnknownKeys();
        return new GpioSettings(lamps, gateOpen, gateClose, pulseMs, openLimit, closedLimit, loops, tamper, safetyTest, safetyTestMs,
                feedback, settleMs, Map.of());
    }

    private static PinSpec output(Section pin) {
        PinSpec spec = PinSpec.output((int) pin.integer("bcm", -1, 0, 63), pin.bool("activeLow", false));
        if (!pin.has("bcm")) {
            pin.problem("bcm", "the BCM GPIO number is needed");
        }
        pin.rejectUnknownKeys();
        return spec;
    }

    static PinSpec input(Section pin) {
        int bcm = (int) pin.integer("bcm", -1, 0, 63);
        if (!pin.has("bcm")) {
            pin.problem("bcm", "the BCM GPIO number is needed");
        }
        PinSpec spec = PinSpec.input(bcm, pin.bool("activeLow", false),
                pin.choice("pull", PinSpec.Pull.OFF, PinSpec.Pull.class, Section.all(PinSpec.Pull.class)),
                pin.integer("debounceMs", 20, 0, PinSpec.DEBOUNCE_MS_MAX));
        pin.rejectUnknownKeys();
        return spec;
    }

    private static HardwareSettings.Reader reader(Section reader, HardwareSettings.Kind hardware) {
        HardwareSettings.ReaderKind fallback = hardware == HardwareSettings.Kind.SIMULATED ? HardwareSettings.ReaderKind.SIMULATED
                : HardwareSettings.ReaderKind.LLRP;
        // A bench has no GPIO header, so no Wiegand reader (its lines are GPIO inputs).
        Set<HardwareSettings.ReaderKind> allowed = switch (hardware) {
            case SIMULATED -> Set.of(HardwareSettings.ReaderKind.SIMULATED);
            case BENCH -> Set.of(HardwareSettings.ReaderKind.LLRP, HardwareSettings.ReaderKind.SERIAL);
            case GPIO -> Set.of(HardwareSettings.ReaderKind.LLRP, HardwareSettings.ReaderKind.SERIAL, HardwareSettings.ReaderKind.WIEGAND);
        };
        HardwareSettings.ReaderKind kind = reader.choice("kind", fallback, HardwareSettings.ReaderKind.class, allowed);
        int antenna = (int) reader.integer("antenna", 1, 1, 64);
        LlrpSettings llrp = null;
        SerialSettings serial = null;
        PinSpec d0 = null;
        PinSpec d1 = null;
        List<Long> antennas = new ArrayList<>();
        reader.integers("antennas", List.of(), 1, 64, 64).forEach(antennas::add);
        switch (kind) {
            case LLRP -> {
                Section s = reader.section("llrp");
                String host = s.text("host", null, HOST, "the reader's address");
                if (host == null) {
                    s.problem("host", "the reader's address is needed");
                }
                long keepaliveMs = s.integer("keepaliveMs", 1_000, 100, 60_000);
                long silenceMs = s.integer("silenceLimitMs", 3_500, 200, 300_000);
                if (silenceMs < 2 * keepaliveMs) {
                    s.problem("silenceLimitMs", "at least two keepalives (" + 2 * keepaliveMs + " ms)");
                    silenceMs = 2 * keepaliveMs;
                }
                LlrpSettings.Air air = new LlrpSettings.Air(s.bool("factoryReset", true), optionalInt(s, "transmitPowerIndex", 1, 65_535),
                        optionalInt(s, "session", 0, 3), optionalInt(s, "tagPopulation", 1, 65_535), optionalInt(s, "readerModeIndex", 0, 65_535));
                llrp = new LlrpSettings(host == null ? "unset" : host, (int) s.integer("port", LlrpSettings.DEFAULT_PORT, 1, 65_535),
                        antennas.stream().map(Long::intValue).toList(), keepaliveMs, silenceMs, s.integer("connectTimeoutMs", 3_000, 100, 60_000),
                        s.integer("reconnectMinMs", 500, 10, 60_000), s.integer("reconnectMaxMs", 30_000, 10, 600_000), air,
                        (int) s.integer("tidWords", 0, 0, 16));
                s.rejectUnknownKeys();
            }
            case SERIAL -> {
                Section s = reader.section("serial");
                String device = s.text("device", null, DEVICE, "a /dev/ path, e.g. /dev/ttyUSB0 or /dev/serial/by-id/..., or tcp://host:port (a serial-to-Ethernet server)");
                if (device == null) {
                    s.problem("device", "the serial device is needed");
                }
                FrameFormat format = FrameFormat.HEX_LINES;
                try {
                    format = new FrameFormat(FrameFormat.unescape(s.text("prefix", "", AFFIX, "printable text with \\r \\n \\t \\xHH")),
                            FrameFormat.unescape(s.text("suffix", "\\r\\n", AFFIX, "printable text with \\r \\n \\t \\xHH")),
                            (int) s.integer("minHexDigits", 8, 2, 124), (int) s.integer("maxHexDigits", 124, 2, 124),
                            s.choice("checksum", FrameFormat.Checksum.NONE, FrameFormat.Checksum.class, Section.all(FrameFormat.Checksum.class)));
                } catch (IllegalArgumentException e) {
                    s.problem("suffix", e.getMessage());
                }
                SerialSettings.Line line = new SerialSettings.Line((int) s.integer("dataBits", 8, 5, 8),
                        s.choice("parity", SerialSettings.Parity.NONE, SerialSettings.Parity.class, Section.all(SerialSettings.Parity.class)),
                        (int) s.integer("stopBits", 1, 1, 2));
                int baudRate = (int) s.integer("baudRate", 9_600, 300, 4_000_000);
                try {
                    serial = new SerialSettings(device == null ? "/dev/unset" : device, baudRate, format, antenna, 0, 500, 30_000, line);
                } catch (IllegalArgumentException e) {
                    s.problem("device", e.getMessage());
                    serial = new SerialSettings("/dev/unset", baudRate, format, antenna, 0, 500, 30_000, line);
                }
                s.rejectUnknownKeys();
            }
            case WIEGAND -> {
                Section s = reader.section("wiegand");
                d0 = input(s.section("d0"));
                d1 = input(s.section("d1"));
                s.rejectUnknownKeys();
            }
            case SIMULATED -> { }
        }
        return new HardwareSettings.Reader(kind, llrp, serial, d0, d1, antenna);
    }

    /** A whole number left to the device when absent (null). */
    private static Integer optionalInt(Section section, String key, int min, int max) {
        return section.has(key) ? (int) section.integer(key, min, min, max) : null;
    }

    private static PlateWebhook.Settings camera(Section camera, HardwareSettings.Kind hardware, Path base, HardwareSettings.WebhookTls[] webhookTls) {
        String kind = camera.text("kind", hardware == HardwareSettings.Kind.SIMULATED ? "simulated" : "none",
                hardware == HardwareSettings.Kind.SIMULATED ? Pattern.compile("simulated") : Pattern.compile("none|webhook"),
                hardware == HardwareSettings.Kind.SIMULATED ? "simulated (with simulated hardware)" : "none or webhook");
        if (!kind.equals("webhook")) {
            camera.rejectUnknownKeys();
            return null;
        }
        Section s = camera.section("webhook");
        String host = s.text("host", "0.0.0.0", HOST, "an address to listen on");
        int port = (int) s.integer("port", 8088, 1, 65_535);
        String path = s.text("path", "/plates", URL_PATH, "a path such as /plates");
        String header = s.text("secretHeader", "Authorization", HEADER, "a header name");
        String secretFile = s.text("secretFile", null, ConfigLoader.FILE_PATH, "a file holding the secret");
        String secret = null;
        if (secretFile == null) {
            s.problem("secretFile", "a file holding the shared secret (at least 16 characters) is needed");
        } else {
            try {
                secret = Files.readString(base.resolve(secretFile)).strip();
            } catch (IOException e) {
                s.problem("secretFile", base.resolve(secretFile) + " cannot be read: " + e.getMessage());
            }
        }
        int bodyBytesMax = (int) s.integer("bodyBytesMax", 65_536, 256, PlateWebhook.Settings.BODY_BYTES_MAX);
        PlateMapping mapping = mapping(s.section("mapping"));
        if (s.has("tls")) {
            Section tls = s.section("tls");
            String cert = tls.text("certFile", null, ConfigLoader.FILE_PATH, "the certificate chain (PEM)");
            String key = tls.text("keyFile", null, ConfigLoader.FILE_PATH, "its private key (PEM, PKCS#8)");
            tls.require("certFile", "the certificate chain (PEM), e.g. the lane's own");
            tls.require("keyFile", "its private key (PEM, PKCS#8)");
            tls.rejectUnknownKeys();
            if (cert != null && key != null) {
                webhookTls[0] = new HardwareSettings.WebhookTls(base.resolve(cert), base.resolve(key));
            }
        }
        s.rejectUnknownKeys();
        camera.rejectUnknownKeys();
        if (secret == null || mapping == null) {
            return null;
        }
        try {
            return new PlateWebhook.Settings(host, port, path, header, secret, bodyBytesMax, mapping);
        } catch (IllegalArgumentException e) {
            s.problem("secretFile", e.getMessage());
            return null;
        }
    }

    private static PlateMapping mapping(Section mapping) {
        String preset = mapping.text("preset", null, Pattern.compile("flat|plate-recognizer"), "flat or plate-recognizer");
        String text = mapping.text("text", null, POINTER, "a JSON pointer such as /plate");
        String jurisdiction = mapping.text("jurisdiction", null, POINTER, "a JSON pointer");
        String confidence = mapping.text("confidence", null, POINTER, "a JSON pointer");
        double scale = mapping.number("confidenceScale", 100, 0.001, 1_000_000);
        String kind = mapping.text("kind", null, POINTER, "a JSON pointer");
        Map<String, String> kindNames = mapping.textMap("kinds", Pattern.compile("[A-Za-z0-9_.\\-]{1,32}"), Pattern.compile("NEW|UPDATE|LOST"),
                "the camera's name: NEW, UPDATE or LOST", 16);
        Map<String, String> regions = mapping.textMap("regions", Pattern.compile("[A-Za-z0-9_.\\-]{1,16}"),
                Pattern.compile("[A-Za-z0-9]{1,8}"), "the camera's region code: the lists' jurisdiction, e.g. ca-on: ON", 512);
        mapping.rejectUnknownKeys();
        if (preset != null) {
            if (text != null) {
                mapping.problem("text", "either a preset or pointers, not both");
            }
            PlateMapping base = preset.equals("flat") ? PlateMapping.FLAT : PlateMapping.PLATE_RECOGNIZER;
            return new PlateMapping(base.textPointer(), base.jurisdictionPointer(), base.confidencePointer(), base.confidenceScale(),
                    base.kindPointer(), base.kinds(), regions, base.subdivisionCodes());
        }
        if (text == null) {
            mapping.problem("text", "the pointer to the plate text (or a preset) is needed");
            return null;
        }
        Map<String, PlateEventKind> kinds = new LinkedHashMap<>();
        kindNames.forEach((name, value) -> kinds.put(name, PlateEventKind.valueOf(value)));
        return new PlateMapping(text, jurisdiction, confidence, scale, kind, kinds, regions, false);
    }
}
