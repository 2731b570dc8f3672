package dev.lanecontroller.ops;

import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.store.JournalEntry;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The lane's metrics, in the Prometheus text format (served at /metrics). Counters fed from the
 * journaled events and the decision steps; everything else read when scraped.
 */
public final class LaneMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter events = Counter.builder().name("lane_events_total").help("events journaled, by type (INPUT_REJECTED: rejected inputs)")
            .labelNames("type").register(registry);
    private final Counter decisions = Counter.builder().name("lane_decisions_total").help("vehicles decided, by outcome")
            .labelNames("outcome").register(registry);
    private final Counter reasons = Counter.builder().name("lane_decision_reasons_total")
            .help("reasons found in decisions (a referral can have several)").labelNames("reason").register(registry);
    private final Histogram decisionSeconds = Histogram.builder().name("lane_decision_step_seconds")
            .help("from the input that decided a vehicle to its last output, the journal's fsync included")
            .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0).register(registry);

    /**
     * The JVM's and the process's own metrics (memory, GC, threads, CPU, open files) and which
     * release this is ({@code lane_build_info{version}}): what every Prometheus target shows.
     */
    public void describeProcess(String softwareVersion) {
        io.prometheus.metrics.instrumentation.jvm.JvmMetrics.builder().register(registry);
        io.prometheus.metrics.core.metrics.Info.builder().name("lane_build_info").help("the lane controller's release")
                .labelNames("version").register(registry).setLabelValues(softwareVersion);
    }

    /** Counts a journaled event by type; lookout alerts are not counted here (central has them; the cabinet must not see them). */
    public void onEvent(JournalEntry entry) {
        if (!entry.type().equals(dev.lanecontroller.core.EventType.LOOKOUT_ALERT.name())) {
            events.labelValues(entry.type()).inc();
        }
    }

    /**
     * Counts a decision by outcome and reasons as the cabinet may see them ({@link
     * dev.lanecontroller.monitor.ShownReason}: a lookout never by name), and times its step.
     */
    public void onDecision(LaneEvent.DecisionMade decision, long nanos) {
        String shown = dev.lanecontroller.monitor.ShownReason.of(decision.reasons());
        decisions.labelValues(shown == null ? "CLEARED" : shown).inc();
        for (String reason : dev.lanecontroller.monitor.ShownReason.all(decision.reasons())) {
            reasons.labelValues(reason).inc();
        }
        decisionSeconds.observe(nanos / 1e9);
    }

    /** A value read when scraped. */
    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(callback -> callback.call(readOrNaN(value))).register(registry);
    }

    /** A count kept elsewhere, read when scraped. */
    public void counter(String name, String help, DoubleSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(callback -> {
            double count = readOrNaN(value);
            if (!Double.isNaN(count)) {
                callback.call(count);
            }
        }).register(registry);
    }

    /** A value per label (e.g. per program), read when scraped. */
    public void gauges(String name, String help, String label, java.util.function.Supplier<java.util.Map<String, Double>> values) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(label)
                .callback(callback -> {
                    try {
                        values.get().forEach((key, value) -> callback.call(value, key));
                    } catch (RuntimeException e) {
                        // Absent from this scrape, like a value that cannot be read (see readOrNaN).
                    }
                }).register(registry);
    }

    /**
     * A value read when scraped, or NaN when it cannot be read (the backlog of a journal that cannot
     * be read): one failing value must not take every other metric away with it.
     */
    private static double readOrNaN(DoubleSupplier value) {
        try {
            return value.getAsDouble();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape(), io.prometheus.metrics.config.EscapingScheme.UNDERSCORE_ESCAPING);
    }

    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
