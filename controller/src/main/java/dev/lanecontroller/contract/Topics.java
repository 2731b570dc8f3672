package dev.lanecontroller.contract;

import dev.lanecontroller.config.CentralSettings;
import java.util.regex.Pattern;

/**
 * Every topic of the contract (docs/mqtt-contract.md). Lane topics are partitioned by site then
 * lane, so central can subscribe (or share a subscription) per site, per lane or across all.
 */
public final class Topics {
    /** Site and lane ids become topic levels: no '/', '+', '#' or spaces can reach them. */
    private static final Pattern ID = CentralSettings.ID;
    private static final Pattern ROOT = CentralSettings.TOPIC_ROOT;

    private final String root;
    private final String lanePrefix;

    /** Program-level topics only (lists): what central's tools use. */
    public Topics(String root) {
        require(ROOT, root, "topic root");
        this.root = root;
        this.lanePrefix = null;
    }

    /** The topics of one lane of a site, as central addresses it. */
    public static Topics lane(String root, String site, String lane) {
        return new Topics(root, site, lane);
    }

    public Topics(String root, String site, String lane) {
        require(ROOT, root, "topic root");
        require(ID, site, "site id");
        require(ID, lane, "lane id");
        this.root = root;
        this.lanePrefix = root + "/" + site + "/" + lane + "/";
    }

    private static void require(Pattern pattern, String value, String what) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' must match " + pattern.pattern());
        }
    }

    public String events() {
        return lane() + "events";
    }

    public String alerts() {
        return lane() + "alerts";
    }

    public String status() {
        return lane() + "status";
    }

    public String commands() {
        return lane() + "commands";
    }

    public String replies() {
        return lane() + "replies";
    }

    /** Where the lane asks central for a list snapshot (after a version gap, or on a resync command). */
    public String requests() {
        return lane() + "requests";
    }

    private String lane() {
        if (lanePrefix == null) {
            throw new IllegalStateException("these topics name no lane");
        }
        return lanePrefix;
    }

    public String listManifest(String program) {
        return root + "/lists/" + program + "/manifest";
    }

    public String listChunk(String program, int index) {
        return root + "/lists/" + program + "/chunks/" + index;
    }

    public String listChunks(String program) {
        return root + "/lists/" + program + "/chunks/+";
    }

    public String listDelta(String program) {
        return root + "/lists/" + program + "/delta";
    }

    /** The program a list topic belongs to, or null when the topic is not a list topic of this root. */
    public String programOf(String topic) {
        String prefix = root + "/lists/";
        if (!topic.startsWith(prefix)) {
            return null;
        }
        int slash = topic.indexOf('/', prefix.length());
        return slash < 0 ? null : topic.substring(prefix.length(), slash);
    }

    public String root() {
        return root;
    }
}
