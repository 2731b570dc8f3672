package dev.lanecontroller.hal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimTamperTest {
    /** As the GPIO lane does: a lane that starts (again) with the cabinet open hears of it (issue 18's review). */
    @Test
    void aNewSubscriberHearsAtOnceThatTheCabinetIsOpen() {
        SimTamper door = new SimTamper();
        List<Boolean> first = new ArrayList<>();
        door.onChange(first::add);
        door.set(true);
        List<Boolean> restarted = new ArrayList<>();
        door.onChange(restarted::add);
        assertEquals(List.of(true), first);
        assertEquals(List.of(true), restarted);
        door.set(false);
        List<Boolean> later = new ArrayList<>();
        door.onChange(later::add);
        assertEquals(List.of(), later, "a closed door says nothing until it opens");
    }
}
