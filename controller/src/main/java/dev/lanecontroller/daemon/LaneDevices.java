package dev.lanecontroller.daemon;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.linuxfs.provider.gpio.digital.LinuxFsDigitalInputProvider;
import com.pi4j.plugin.linuxfs.provider.gpio.digital.LinuxFsDigitalOutputProvider;
import dev.lanecontroller.config.HardwareSettings;
import dev.lanecontroller.hal.LaneHardware;
import dev.lanecontroller.hal.PlateReader;
import dev.lanecontroller.hal.Scheduler;
import dev.lanecontroller.hal.TagReader;
import dev.lanecontroller.hal.camera.PlateWebhook;
import dev.lanecontroller.hal.gpio.GpioLane;
import dev.lanecontroller.hal.gpio.GpioPins;
import dev.lanecontroller.hal.gpio.Pi4jPins;
import dev.lanecontroller.hal.llrp.LlrpReader;
import dev.lanecontroller.hal.serial.SerialTagReader;
import dev.lanecontroller.hal.wiegand.WiegandReader;
import dev.lanecontroller.pki.Tls;
import java.io.IOException;

/**
 * A physical lane's drivers, opened from the config: GPIO (signal, gate, loops, tamper), the RFID
 * reader (LLRP, serial or Wiegand) and the camera webhook (or none). The wiring is checked before
 * any pin is claimed; the outputs start, and end, in the safe state.
 */
public final class LaneDevices implements AutoCloseable {
    private final GpioLane gpio;
    private final LlrpReader llrp;
    private final SerialTagReader serial;
    private final WiegandReader wiegand;
    private final PlateWebhook camera;
    private final LaneHardware ports;

    private LaneDevices(GpioLane gpio, LlrpReader llrp, SerialTagReader serial, WiegandReader wiegand, PlateWebhook camera, LaneHardware bench) {
        this.gpio = gpio;
        this.llrp = llrp;
        this.serial = serial;
        this.wiegand = wiegand;
        this.camera = camera;
        TagReader reader = llrp != null ? llrp : serial != null ? serial : wiegand;
        PlateReader plates = camera != null ? camera : listener -> { };
        this.ports = gpio != null ? gpio.hardware(reader, plates)
                : new LaneHardware(bench.signal(), bench.gate(), bench.loops(), reader, plates, bench.tamper(), bench.faults());
    }

    /**
     * A bench (docs/hardware.md): the real reader and camera of the config, the lane's signal, gate,
     * loops and tamper switch taken from {@code simulated} (a laptop has no GPIO header).
     */
    public static LaneDevices openBench(HardwareSettings settings, LaneHardware simulated) throws IOException {
        HardwareSettings.Reader reader = settings.reader();
        LlrpReader llrp = reader.kind() == HardwareSettings.ReaderKind.LLRP ? new LlrpReader(reader.llrp()) : null;
        SerialTagReader serial = reader.kind() == HardwareSettings.ReaderKind.SERIAL ? new SerialTagReader(reader.serial()) : null;
        if (llrp == null && serial == null) {
            throw new IllegalArgumentException("a bench needs a real reader: reader.kind llrp or serial");
        }
        PlateWebhook camera = settings.camera() == null ? null : webhook(settings.camera(), settings.cameraTls());
        return new LaneDevices(null, llrp, serial, null, camera, simulated);
    }

    /** A device other than the GPIO that cannot be opened: its message says what, without the GPIO hint. */
    static final class NotGpio extends IOException {
        private static final long serialVersionUID = 1L;

        NotGpio(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static PlateWebhook webhook(PlateWebhook.Settings settings, HardwareSettings.WebhookTls tls) throws NotGpio {
        javax.net.ssl.SSLContext context = null;
        if (tls != null) {
            try {
                context = Tls.serverContext(tls.certFile(), tls.keyFile());
            } catch (IOException e) {
                throw new NotGpio("camera webhook HTTPS: " + e.getMessage(), e);
            }
        }
        try {
            return new PlateWebhook(settings, context);
        } catch (IOException e) {
            throw new NotGpio("camera webhook: cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage()
                    + " (another process on that port?)", e);
        }
    }

    /** Opens the lane's devices on the Pi's GPIO through Pi4J's provider named in the config. */
    public static LaneDevices open(HardwareSettings settings, Scheduler scheduler) throws IOException {
        // Pi4J's auto context keeps only the highest-priority provider per kind (gpiod), so linuxfs is named explicitly.
        Context pi4j = settings.gpioProvider().equals("linuxfs")
                ? Pi4J.newContextBuilder().add(LinuxFsDigitalInputProvider.newInstance(), LinuxFsDigitalOutputProvider.newInstance()).build()
                : Pi4J.newAutoContext();
        GpioPins pins = new Pi4jPins(pi4j, settings.gpioProvider());
        try {
            return open(settings, pins, scheduler);
        } catch (NotGpio e) {
            pins.close();
            throw e; // the camera's port or the reader: nothing to do with the Pi's GPIO
        } catch (IOException | RuntimeException e) {
            pins.close();
            throw new IOException(e.getMessage() + " (GPIO through Pi4J's " + settings.gpioProvider() + " provider: is this a Raspberry Pi "
                    + "(gpiod: /dev/gpiochip*; linuxfs: /sys/class/gpio), and is the user in group gpio?)", e);
        }
    }

    /** The same on given pins (Pi4J's mock platform in tests). */
    public static LaneDevices open(HardwareSettings settings, GpioPins pins, Scheduler scheduler) throws IOException {
        GpioLane gpio = GpioLane.open(settings.gpio(), pins, scheduler);
        LlrpReader llrp = null;
        SerialTagReader serial = null;
        WiegandReader wiegand = null;
        PlateWebhook camera = null;
        try {
            HardwareSettings.Reader reader = settings.reader();
            switch (reader.kind()) {
                case LLRP -> llrp = new LlrpReader(reader.llrp());
                case SERIAL -> serial = new SerialTagReader(reader.serial());
                case WIEGAND -> wiegand = new WiegandReader(pins, reader.wiegandD0(), reader.wiegandD1(), reader.antenna(), scheduler,
                        System::nanoTime, WiegandReader.LIBRARY_EVENT_TIMING);
                case SIMULATED -> throw new IllegalArgumentException("a GPIO lane needs a real reader (reader.kind: llrp, serial or wiegand)");
            }
            if (settings.camera() != null) {
                camera = webhook(settings.camera(), settings.cameraTls());
            }
        } catch (IOException | RuntimeException e) {
            gpio.close();
            throw e;
        }
        return new LaneDevices(gpio, llrp, serial, wiegand, camera, null);
    }

    /** The GPIO lane (signal, gate, loops, tamper), for the technician's self-test; null on a bench. */
    public GpioLane gpio() {
        return gpio;
    }

    /** The LLRP reader, or null for another kind. */
    public LlrpReader llrp() {
        return llrp;
    }

    /** The serial reader, or null for another kind. */
    public SerialTagReader serial() {
        return serial;
    }

    /** The camera webhook, or null without a camera. */
    public PlateWebhook camera() {
        return camera;
    }

    public LaneHardware ports() {
        return ports;
    }

    /** Cards the reader passed on, whatever the lane's filter then made of them. */
    public long readerReads() {
        return llrp != null ? llrp.reads() : serial != null ? serial.reads() : wiegand.cards();
    }

    /** What the reader sent that was not a card: undecodable reports, bad frames, bad Wiegand frames. */
    public long readerErrors() {
        return llrp != null ? llrp.badReports() : serial != null ? serial.rejectedFrames() : wiegand.rejectedFrames();
    }

    /** The reader's own state for /health: its kind, whether it is online, and why not. */
    public java.util.Map<String, Object> readerState() {
        java.util.Map<String, Object> state = new java.util.LinkedHashMap<>();
        if (llrp != null) {
            state.put("kind", "llrp");
            state.put("online", llrp.online());
            state.put("problem", llrp.online() ? null : llrp.lastProblem());
            state.put("antennaTrouble", llrp.antennaTrouble().isEmpty() ? null : llrp.antennaTrouble());
        } else if (serial != null) {
            state.put("kind", "serial");
            state.put("online", serial.online());
            state.put("problem", serial.online() ? null : serial.lastProblem());
        } else {
            state.put("kind", "wiegand");
        }
        state.put("reads", readerReads());
        state.put("errors", readerErrors());
        return state;
    }

    /** Registers the devices' own counters with the lane's metrics (docs/configuration.md#health). */
    public void registerMetrics(dev.lanecontroller.ops.LaneMetrics metrics) {
        metrics.counter("lane_reader_reads", "cards the RFID reader reported", this::readerReads);
        metrics.counter("lane_reader_errors", "reports or frames from the reader that were not a card", this::readerErrors);
        if (llrp != null) {
            metrics.gauge("lane_reader_online", "1 while the LLRP reader is connected and inventorying", () -> llrp.online() ? 1 : 0);
            metrics.counter("lane_reader_connection_failures", "failed or lost connections to the LLRP reader", llrp::connectionFailures);
            metrics.gauge("lane_reader_antenna_trouble", "1 while the LLRP reader reports a lane antenna disconnected",
                    () -> llrp.antennaTrouble().isEmpty() ? 0 : 1);
        } else if (serial != null) {
            metrics.gauge("lane_reader_online", "1 while the serial reader's port is open", () -> serial.online() ? 1 : 0);
        }
        if (camera != null) {
            metrics.counter("lane_camera_posts_accepted", "plate posts from the camera taken", camera::accepted);
            metrics.counter("lane_camera_posts_refused", "camera posts refused (secret, size, JSON, mapping)", camera::refused);
            metrics.gauge("lane_camera_last_post_seconds", "seconds since the camera's last post (NaN before the first)",
                    () -> camera.lastPostNanos() < 0 ? Double.NaN : (System.nanoTime() - camera.lastPostNanos()) / 1e9);
        }
    }

    /** The reader's connection and the camera's endpoint; the GPIO is live from open. */
    public void start() {
        if (llrp != null) {
            llrp.start();
        }
        if (serial != null) {
            serial.start();
        }
        if (wiegand != null) {
            wiegand.start();
        }
        if (camera != null) {
            camera.start();
        }
    }

    /** The reader and camera stop; the outputs go back to the safe state and the pins are released. */
    @Override
    public void close() {
        if (llrp != null) {
            llrp.close();
        }
        if (serial != null) {
            serial.close();
        }
        if (camera != null) {
            camera.close();
        }
        if (gpio != null) {
            gpio.close();
        }
    }
}
