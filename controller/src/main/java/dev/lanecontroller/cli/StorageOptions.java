package dev.lanecontroller.cli;

import dev.lanecontroller.config.ConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a command finds the lane's database: the config's storage path, or a file named directly. */
final class StorageOptions {
    @Option(names = "--config", defaultValue = "config/lane.yaml", description = "the lane config, for its storage path (default: ${DEFAULT-VALUE})")
    Path config;

    @Option(names = "--db", description = "the database file, instead of the config's storage path")
    Path db;

    Path databaseFile() {
        return db != null ? db : ConfigLoader.load(config).storagePath();
    }

    /** The database, for a tool that only reads it: a missing file is an error (exit 2), never a new empty database. */
    Path existingDatabaseFile() {
        Path file = databaseFile();
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no lane database at " + file + " (this tool reads one; it never makes one)");
        }
        return file;
    }
}
