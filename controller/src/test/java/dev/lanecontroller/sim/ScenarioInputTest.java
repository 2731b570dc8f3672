package dev.lanecontroller.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scenario is read as strictly as the config: every problem named by its place, nothing silently defaulted. */
class ScenarioInputTest {
    @TempDir
    Path dir;

    private static List<String> problems(String json) {
        return assertThrows(ScenarioException.class, () -> ScenarioLoader.parse(json, "s.json")).problems();
    }

    @Test
    void theDocumentedFaultStepIsAFaultNotALoopGoingClear() {
        Scenario scenario = ScenarioLoader.parse("{\"steps\":[{\"at\":1000,\"fault\":\"loopStuck\",\"loop\":\"safety\"}],\"runForMs\":700000}",
                "s.json");
        assertEquals("fault", scenario.steps().get(0).description(), "before, this was read as a loop step with the loop clear");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ScenarioRunner.run(scenario, 1, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"cause\":\"LOOP_STUCK\""), "the stuck safety loop faults the lane");
    }

    @Test
    void unknownKeysAnywhereAreRefusedWithTheKeysThatAreKnownThere() {
        List<String> problems = problems("{\"simulated\":{\"gateTravel\":1},\"expect\":{\"alerts\":[]},\"steps\":[{\"at\":1,"
                + "\"vehicle\":{\"wheels\":4,\"tags\":[{\"epc\":\"E2\",\"colour\":\"red\"}],\"plate\":{\"text\":\"A\",\"font\":\"x\"}}},"
                + "{\"at\":2,\"command\":{\"type\":\"release\",\"why\":\"x\"}},{\"at\":3,\"plate\":{\"text\":\"A\",\"speed\":1}}]}");
        for (String place : List.of("simulated.gateTravel", "expect.alerts", "steps[0].vehicle.wheels", "steps[0].vehicle.tags[0].colour",
                "steps[0].vehicle.plate.font", "steps[1].command.why", "steps[2].plate.speed")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(place + ": unknown key; keys here are")), place + " in " + problems);
        }
    }

    @Test
    void valuesOfTheWrongTypeOrOutOfRangeAreRefusedNotDefaulted() {
        List<String> problems = problems("{\"seed\":\"x\",\"steps\":[{\"at\":1,\"vehicle\":{\"speedKmh\":\"fast\",\"lengthM\":40,"
                + "\"behaviour\":\"RECKLESS\"}},{\"at\":2,\"loop\":\"arming\"},{\"at\":3,\"command\":{\"type\":\"setMode\",\"mode\":\"REFER_ALL\"}},"
                + "{\"at\":4,\"tamper\":\"yes\"},{\"at\":-1,\"loop\":\"exit\",\"occupied\":1}],\"expect\":{\"decisions\":[\"CLEARD\"]}}");
        assertTrue(problems.contains("seed: 'x' is not allowed; allowed: a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE), problems.toString());
        assertTrue(problems.contains("steps[0].vehicle.speedKmh: 'fast' is not allowed; allowed: a number from 1.0 to 60.0"), problems.toString());
        assertTrue(problems.contains("steps[0].vehicle.lengthM: '40' is not allowed; allowed: a number from 2.0 to 25.0"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("steps[0].vehicle.behaviour: 'RECKLESS' is not allowed; allowed: NORMAL, SLOW")),
                problems.toString());
        assertTrue(problems.contains("steps[1].occupied: required (true or false: what the loop now reads)"), problems.toString());
        assertTrue(problems.contains("steps[2].command.mode: 'REFER_ALL' is not allowed; allowed: AUTOMATED, MANUAL, CLOSED, MAINTENANCE"),
                problems.toString());
        assertTrue(problems.contains("steps[3].tamper: 'yes' is not allowed; allowed: true, false"), problems.toString());
        assertTrue(problems.contains("steps[4].at: '-1' is not allowed; allowed: a whole number from 0 to " + ScenarioLoader.RUN_FOR_MS_MAX),
                problems.toString());
        assertTrue(problems.contains("steps[4].occupied: '1' is not allowed; allowed: true, false"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("expect.decisions[0]: 'CLEARD' is not an outcome")), problems.toString());
        assertFalse(problems.stream().anyMatch(p -> p.contains("dev.lanecontroller")), "no Java class names: " + problems);
    }

    @Test
    void aStepIsExactlyOneKind() {
        List<String> problems = problems("{\"steps\":[{\"at\":1,\"tag\":{\"epc\":\"E2\"},\"plate\":{\"text\":\"A\"}},{\"at\":2},"
                + "{\"at\":3,\"fault\":\"gateJam\",\"loop\":\"exit\"}]}");
        assertTrue(problems.contains("steps[0]: a step is exactly one of vehicle, loop, tag, plate, command, fault, tamper, clock, list, restart, signedCommand; this one is tag and plate"),
                problems.toString());
        assertTrue(problems.contains("steps[1]: a step is exactly one of vehicle, loop, tag, plate, command, fault, tamper, clock, list, restart, signedCommand"),
                problems.toString());
        assertTrue(problems.contains("steps[2].loop: only a loop fault (loopStuck, loopUnstick, loopChatter) names a loop"), problems.toString());
    }

    @Test
    void aFileThatIsNotAScenarioIsRefusedWithoutReadingItWhole() throws IOException {
        Path binary = dir.resolve("binary.json");
        Files.write(binary, new byte[] {(byte) 0xC3, 0x28, 0x7B});
        assertEquals(List.of("not UTF-8 text (a scenario is a JSON file)"),
                assertThrows(ScenarioException.class, () -> ScenarioLoader.load(binary)).problems());
        assertEquals(2, dev.lanecontroller.cli.Main.execute("simulate", "--scenario", binary.toString()), "bad input exits 2");
        // A device file reports size 0 and never ends: before, reading it ran out of memory.
        Path endless = Path.of("/dev/zero");
        if (Files.isReadable(endless)) {
            assertEquals(List.of("larger than " + ScenarioLoader.FILE_BYTES_MAX + " bytes"),
                    assertThrows(ScenarioException.class, () -> ScenarioLoader.load(endless)).problems());
        }
    }

    @Test
    void listsMidRunMustFollowOnAndClockStepsMustSaySomething() {
        List<String> problems = problems("{\"lists\":[{\"program\":\"NEXUS\",\"version\":5,\"cards\":[{\"epc\":\"E201\"},{\"epc\":\"E201\"}]}],\"steps\":["
                + "{\"at\":1,\"list\":{\"program\":\"NEXUS\",\"version\":4,\"cards\":[]}},"
                + "{\"at\":2,\"list\":{\"program\":\"NEXUS\",\"version\":7,\"deltaFrom\":6,\"upserts\":[],\"removes\":[\"XYZ\"]}},"
                + "{\"at\":3,\"clock\":{}},{\"at\":4,\"restart\":\"reboot\"}],"
                + "\"expect\":{\"events\":{\"TAILGATES\":1},\"modeAtEnd\":\"ASLEEP\",\"gateStill\":[{\"fromMs\":9,\"toMs\":3}]}}");
        for (String expected : List.of("steps[0].list.version: 4 is not newer than v5, in force then",
                "steps[1].list.deltaFrom: 6, but the NEXUS list in force then is v5",
                "steps[1].list.removes[0]: 'XYZ' is not an EPC (hex digits, whole bytes)",
                "steps[2].clock.stepMs: a clock step steps the wall clock (stepMs, + forward) or sets its sync (synced), or both",
                "steps[3].restart: 'reboot' is not allowed; allowed: stop (LANE_STOPPED journaled first) or crash",
                "expect.events.TAILGATES: not an event type (docs/journal.md)",
                "expect.gateStill[0].toMs: before fromMs", "lists[0].cards[1]: card E201 is listed twice")) {
            assertTrue(problems.contains(expected), "no '" + expected + "' in " + problems);
        }
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("expect.modeAtEnd: 'ASLEEP' is not allowed")), problems.toString());
    }

    @Test
    void everyExpectationThatDoesNotHoldIsNamed() {
        Scenario scenario = ScenarioLoader.parse("{\"steps\":[{\"at\":1000,\"vehicle\":{}},{\"at\":20000,\"command\":{\"type\":\"release\"}},"
                + "{\"at\":30000,\"command\":{\"type\":\"setMode\",\"mode\":\"CLOSED\"}}],"
                + "\"expect\":{\"decisions\":[\"LIST_STALE\"],\"events\":{\"MODE_CHANGED\":2},\"modeAtEnd\":\"AUTOMATED\","
                + "\"gateStill\":[{\"fromMs\":19000,\"toMs\":21000}]}}", "s.json");
        ScenarioRunner.Result result = ScenarioRunner.run(scenario, 1, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(3, result.unmet().size(), result.unmet().toString());
        assertTrue(result.unmet().contains("expected 2 MODE_CHANGED event(s) but got 1"), result.unmet().toString());
        assertTrue(result.unmet().contains("expected the lane in AUTOMATED at the end but it is in CLOSED"), result.unmet().toString());
        assertTrue(result.unmet().get(2).startsWith("expected no gate command from 19000 to 21000 ms but the gate was commanded at [20000]"), result.unmet().toString());
    }

    @Test
    void aSignedCommandNeedsCentralsKeys() {
        List<String> problems = problems("{\"steps\":[{\"at\":1,\"signedCommand\":{\"key\":\"ops\",\"type\":\"RELEASE\",\"commandId\":\"c-00000001\"}}]}");
        assertTrue(problems.contains("steps[0].signedCommand: a signed command needs the scenario's central section (its keys)"), problems.toString());
        problems = problems("{\"central\":{\"keys\":[\"ops\"],\"strangerKeys\":[\"ops\"]},\"steps\":[{\"at\":1,\"signedCommand\":"
                + "{\"key\":\"nobody\",\"type\":\"REPLAY\",\"commandId\":\"c-00000001\",\"mode\":\"CLOSED\"}}]}");
        for (String expected : List.of("central.strangerKeys: 'ops' is also a key the lane trusts",
                "steps[0].signedCommand.key: 'nobody' is neither in central.keys nor in central.strangerKeys",
                "steps[0].signedCommand.mode: only a SET_MODE command has a mode")) {
            assertTrue(problems.contains(expected), "no '" + expected + "' in " + problems);
        }
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("steps[0].signedCommand.type: 'REPLAY' is not allowed")), problems.toString());
    }
}
