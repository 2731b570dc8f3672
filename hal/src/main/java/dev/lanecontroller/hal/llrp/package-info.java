/**
 * A fixed UHF reader over LLRP (EPCglobal/GS1 Low Level Reader Protocol 1.0.1, TCP port 5084):
 * Impinj Speedway/R700, Zebra FX-series and the like. No maintained Java LLRP library is on Maven
 * Central (the LTK's Java build is old and unmaintained), so the small part of the protocol a lane
 * needs is written here: framing ({@link dev.lanecontroller.hal.llrp.LlrpFraming}), the requests
 * that set a reader up ({@link dev.lanecontroller.hal.llrp.LlrpRequests}), decoding of reports,
 * responses and events ({@link dev.lanecontroller.hal.llrp.LlrpDecoder}), and the client that
 * keeps the connection ({@link dev.lanecontroller.hal.llrp.LlrpReader}). Every decoder takes
 * untrusted bytes: it throws {@link dev.lanecontroller.hal.llrp.LlrpException} and nothing else.
 */
package dev.lanecontroller.hal.llrp;
