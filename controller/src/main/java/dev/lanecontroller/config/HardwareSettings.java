package dev.lanecontroller.config;

import dev.lanecontroller.hal.camera.PlateWebhook;
import dev.lanecontroller.hal.gpio.GpioSettings;
import dev.lanecontroller.hal.gpio.PinSpec;
import dev.lanecontroller.hal.llrp.LlrpSettings;
import dev.lanecontroller.hal.serial.SerialSettings;

/**
 * Which drivers a lane runs on (docs/hardware.md): all simulated; GPIO with a reader and a camera;
 * or a bench: a real reader and camera with the lane's outputs and loops simulated (an integrator's
 * laptop, the hardware tests).
 *
 * @param gpio the wiring, when {@code kind} is GPIO; null otherwise
 * @param gpioProvider Pi4J's provider: gpiod (no root, Raspberry Pi 5) or linuxfs
 * @param reader the RFID reader, when not simulated
 * @param camera the camera webhook, or null (no camera, or simulated)
 * @param cameraTls the certificate and key the webhook serves HTTPS with, or null for HTTP
 */
public record HardwareSettings(Kind kind, GpioSettings gpio, String gpioProvider, Reader reader, PlateWebhook.Settings camera,
                               WebhookTls cameraTls) {
    /** PEM files: the certificate chain and its PKCS#8 key (the lane's own certificate serves well). */
    public record WebhookTls(java.nio.file.Path certFile, java.nio.file.Path keyFile) {}

    /** Without HTTPS on the camera webhook. */
    public HardwareSettings(Kind kind, GpioSettings gpio, String gpioProvider, Reader reader, PlateWebhook.Settings camera) {
        this(kind, gpio, gpioProvider, reader, camera, null);
    }

    public enum Kind { SIMULATED, GPIO, BENCH }

    public enum ReaderKind { SIMULATED, LLRP, SERIAL, WIEGAND }

    /**
     * @param wiegandD0 the D0 line (with D1, on the GPIO header), when {@code kind} is WIEGAND
     * @param antenna what serial and Wiegand reads are reported with (one antenna)
     */
    public record Reader(ReaderKind kind, LlrpSettings llrp, SerialSettings serial, PinSpec wiegandD0, PinSpec wiegandD1, int antenna) {}
}
