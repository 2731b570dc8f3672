#!/usr/bin/env python3
"""LLRP 1.0.1 reader emulator: the reader side of EPCglobal LLRP 1.0.1 over TCP.

Written from the LLRP 1.0.1 standard (section numbers below are the spec's) as an independent
peer for testing an LLRP client.  Python 3.11, standard library only.

    python3 llrp_reader_emulator.py [--port 0] [--seed N] [--region fcc|etsi]
                                    [--mode-index identifier|position]

It listens on 127.0.0.1 (port 0 = any free port), prints ``LISTENING <port>`` as its first stdout
line, serves one LLRP client at a time, is driven by one command per stdin line and reports on
stdout, one ``WORD args...`` line each, flushed after every line.

stdin commands
--------------
  tag <epcHex> [antenna=1] [rssi=-50] [tid=<hex>] [user=<hex>]
                                    a tag is seen (reported if a ROSpec runs and covers the antenna)
  antenna <id> connected|disconnected
                                    antenna state change (AntennaEvent if the client enabled them)
  split <bytes> <delayMs>           write every outgoing message in segments of <= <bytes> bytes
  split random <delayMs>            ... at 1-4 random split points drawn from --seed
  split off
  ignore <MESSAGE_NAME>             stop answering (and processing) that message type
  unignore <MESSAGE_NAME>
  keepalives off|on                 suppress / resume KEEPALIVE sending (the schedule keeps running)
  raw <hex>                         write these bytes to the client as they are (never split)
  drop [rst]                        close the client connection abruptly (FIN, or RST with "rst")
  close                             reader-initiated close: ConnectionCloseEvent, then close
  notify-other-attempts on|off      also tell the connected client (status 4) when a second client
                                    is turned away (off by default)
  status                            one STATUS line with the reader's state
  echo <text>                       prints ECHO <text> (a barrier for tests)
  quit                              (or EOF on stdin) close everything, exit 0

stdout lines
------------
  LISTENING <port>
  CONNECTED <peer>                  / REJECTED <peer> <why> / DISCONNECTED <why>
  RECEIVED <MESSAGE_NAME> id=<id>   every message from the client, before it is answered
  IGNORED <MESSAGE_NAME> id=<id> <why>
  REFUSED <MESSAGE_NAME> <StatusCodeName> <where> <text>
  SENT <MESSAGE_NAME> id=<id> [status=<StatusCodeName>|tags=<n>|event=<ParameterName>]
                                    after the message's last byte was written
  KEEPALIVE_ACK <id>
  CONFIG_SET reset=<0|1> keepalive=<ms|off> events=<types|none> hold=<0|1>
  ROSPEC_ADDED <id> / ROSPEC_DELETED <id> / ROSPEC_ENABLED <id> / ROSPEC_DISABLED <id>
  ROSPEC_STARTED <id> antennas=<list> power=<idx> session=<s> population=<n> mode=<idx>
                 tari=<ns> sensitivity=<idx> filters=<n>   (one line; a value that differs per
                                    antenna is written ant:value,ant:value)
  ROSPEC_STOPPED <id> <why>
  ACCESSSPEC_ADDED <id> / ACCESSSPEC_DISABLED <id> / ACCESSSPEC_DELETED <id> <why>
  ACCESSSPEC_ENABLED <id> read bank=<mb> pointer=<wordptr> words=<count>
                                    (first C1G2Read; more reads add more "read ..." groups)
  ACCESS_EXECUTED <accessSpecId> <epc> <opSpecId>:<result>[,...]
  REPORTED <epc>                    its TagReportData was written to the client
  NOT_REPORTED <epc> <why>          why: no-rospec-running no-such-antenna antenna-not-covered
                                    antenna-disconnected filtered-by-C1G2Filter no-client
                                    buffered-report-trigger-none buffered-until-report-trigger
                                    buffered-events-and-reports-held buffered-no-client
                                    (buffered-*: REPORTED follows once it is sent; a tag that
                                    moves from one buffer to another gets a second NOT_REPORTED)
  EVENT_SENT antenna <id> <connected|disconnected>
  EVENT_NOT_SENT antenna <id> <why> why: not-enabled no-client unchanged
                                    held-until-ENABLE_EVENTS_AND_REPORTS (EVENT_SENT follows)
  GPO <port> <0|1>                  a GPOWriteData was applied
  OK <command...> / ERROR <text>    acknowledgement of a control command / bad command
  NOTE <text>                       information (e.g. a field the reader ignores)
  STATUS ... / ECHO ...

Ordering on the wire: a response is queued before what the request sets off (START_ROSPEC /
ENABLE_ROSPEC of an Immediate ROSpec: response, then the ROSpecEvent); a ROSpec that stops
(STOP_ROSPEC, DISABLE/DELETE_ROSPEC, factory reset) first flushes its pending tag reports, then its
ROSpecEvent, then the response.  Reader-initiated messages (KEEPALIVE, RO_ACCESS_REPORT,
READER_EVENT_NOTIFICATION) take message IDs from one counter that only increases.

Factory defaults: no keepalive, every event notification off, no hold, ROReportSpec trigger 2 (N
tags or end of ROSpec) with N=1 and every TagReportContentSelector flag off (EPC only), AccessReport
trigger 0, per antenna: sensitivity 1, transmit power 81 (30 dBm), ModeIndex 1002, Tari 0, session
2, population 32.  Configuration, ROSpecs and AccessSpecs outlive a connection (not a restart).

Error reporting (section 14.2 "LLRPStatus").  The status codes have four scopes: the
LLRPStatus.StatusCode is always an M_ code, a ParameterError.ErrorCode a P_ code and a
FieldError.ErrorCode an A_ code.  A problem inside nested parameters P1 > P2 > ... > Pk is sent as
M_ParameterError with ParameterError(P1, P_ParameterError, ParameterError(P2, ... ParameterError(Pk,
<P code>, leaf))) where the leaf is FieldError(fieldNum, A_Invalid|A_OutOfRange) for a bad field
(P_FieldError) or ParameterError(<type of the missing/unexpected/... parameter>, <same P code>).
A problem in the message's own fields or in its top-level parameter list uses M_FieldError /
M_MissingParameter / M_UnexpectedParameter / ... directly.  Field numbers count the fields of the
message or parameter from 0 in the spec's order, reserved bits not counted; a non-zero reserved
bit group is reported against the next field's number.
"""

import argparse
import os
import queue
import random
import socket
import struct
import sys
import threading
import time
from types import SimpleNamespace as NS

# =============================================================================================
# 1. Protocol constants (LLRP 1.0.1 section 16, "Binary encoding")
# =============================================================================================

MESSAGE_TYPES = {
    'GET_READER_CAPABILITIES': 1, 'GET_READER_CONFIG': 2, 'SET_READER_CONFIG': 3,
    'CLOSE_CONNECTION_RESPONSE': 4, 'GET_READER_CAPABILITIES_RESPONSE': 11,
    'GET_READER_CONFIG_RESPONSE': 12, 'SET_READER_CONFIG_RESPONSE': 13, 'CLOSE_CONNECTION': 14,
    'ADD_ROSPEC': 20, 'DELETE_ROSPEC': 21, 'START_ROSPEC': 22, 'STOP_ROSPEC': 23,
    'ENABLE_ROSPEC': 24, 'DISABLE_ROSPEC': 25, 'GET_ROSPECS': 26,
    'ADD_ROSPEC_RESPONSE': 30, 'DELETE_ROSPEC_RESPONSE': 31, 'START_ROSPEC_RESPONSE': 32,
    'STOP_ROSPEC_RESPONSE': 33, 'ENABLE_ROSPEC_RESPONSE': 34, 'DISABLE_ROSPEC_RESPONSE': 35,
    'GET_ROSPECS_RESPONSE': 36,
    'ADD_ACCESSSPEC': 40, 'DELETE_ACCESSSPEC': 41, 'ENABLE_ACCESSSPEC': 42,
    'DISABLE_ACCESSSPEC': 43, 'GET_ACCESSSPECS': 44, 'CLIENT_REQUEST_OP': 45,
    'ADD_ACCESSSPEC_RESPONSE': 50, 'DELETE_ACCESSSPEC_RESPONSE': 51,
    'ENABLE_ACCESSSPEC_RESPONSE': 52, 'DISABLE_ACCESSSPEC_RESPONSE': 53,
    'GET_ACCESSSPECS_RESPONSE': 54, 'CLIENT_REQUEST_OP_RESPONSE': 55,
    'GET_REPORT': 60, 'RO_ACCESS_REPORT': 61, 'KEEPALIVE': 62, 'READER_EVENT_NOTIFICATION': 63,
    'ENABLE_EVENTS_AND_REPORTS': 64, 'KEEPALIVE_ACK': 72, 'ERROR_MESSAGE': 100,
    'CUSTOM_MESSAGE': 1023,
}
MESSAGE_NAMES = {v: k for k, v in MESSAGE_TYPES.items()}

# Client -> reader messages that have a *_RESPONSE.  GET_REPORT, KEEPALIVE_ACK and
# ENABLE_EVENTS_AND_REPORTS have none: their errors go back in an ERROR_MESSAGE (14.1.1).
RESPONSE_OF = {
    'GET_READER_CAPABILITIES': 'GET_READER_CAPABILITIES_RESPONSE',
    'GET_READER_CONFIG': 'GET_READER_CONFIG_RESPONSE',
    'SET_READER_CONFIG': 'SET_READER_CONFIG_RESPONSE',
    'CLOSE_CONNECTION': 'CLOSE_CONNECTION_RESPONSE',
    'ADD_ROSPEC': 'ADD_ROSPEC_RESPONSE', 'DELETE_ROSPEC': 'DELETE_ROSPEC_RESPONSE',
    'START_ROSPEC': 'START_ROSPEC_RESPONSE', 'STOP_ROSPEC': 'STOP_ROSPEC_RESPONSE',
    'ENABLE_ROSPEC': 'ENABLE_ROSPEC_RESPONSE', 'DISABLE_ROSPEC': 'DISABLE_ROSPEC_RESPONSE',
    'GET_ROSPECS': 'GET_ROSPECS_RESPONSE',
    'ADD_ACCESSSPEC': 'ADD_ACCESSSPEC_RESPONSE', 'DELETE_ACCESSSPEC': 'DELETE_ACCESSSPEC_RESPONSE',
    'ENABLE_ACCESSSPEC': 'ENABLE_ACCESSSPEC_RESPONSE',
    'DISABLE_ACCESSSPEC': 'DISABLE_ACCESSSPEC_RESPONSE',
    'GET_ACCESSSPECS': 'GET_ACCESSSPECS_RESPONSE',
}

# TV-encoded parameters (16.2.1: 1 bit "1", 7-bit type, value of a fixed size per type).
TV_SIZES = {
    1: 2,    # AntennaID
    2: 8,    # FirstSeenTimestampUTC
    3: 8,    # FirstSeenTimestampUptime
    4: 8,    # LastSeenTimestampUTC
    5: 8,    # LastSeenTimestampUptime
    6: 1,    # PeakRSSI
    7: 2,    # ChannelIndex
    8: 2,    # TagSeenCount
    9: 4,    # ROSpecID
    10: 2,   # InventoryParameterSpecID
    11: 2,   # C1G2CRC
    12: 2,   # C1G2PC
    13: 12,  # EPC-96
    14: 2,   # SpecIndex
    15: 2,   # ClientRequestOpSpecResult
    16: 4,   # AccessSpecID
    17: 2,   # OpSpecID
    18: 4,   # C1G2SingulationDetails
}

PARAM_NAMES = {
    1: 'AntennaID', 2: 'FirstSeenTimestampUTC', 3: 'FirstSeenTimestampUptime',
    4: 'LastSeenTimestampUTC', 5: 'LastSeenTimestampUptime', 6: 'PeakRSSI', 7: 'ChannelIndex',
    8: 'TagSeenCount', 9: 'ROSpecID', 10: 'InventoryParameterSpecID', 11: 'C1G2CRC',
    12: 'C1G2PC', 13: 'EPC-96', 14: 'SpecIndex', 15: 'ClientRequestOpSpecResult',
    16: 'AccessSpecID', 17: 'OpSpecID', 18: 'C1G2SingulationDetails',
    128: 'UTCTimestamp', 129: 'Uptime', 137: 'GeneralDeviceCapabilities',
    139: 'ReceiveSensitivityTableEntry', 140: 'PerAntennaAirProtocol', 141: 'GPIOCapabilities',
    142: 'LLRPCapabilities', 143: 'RegulatoryCapabilities', 144: 'UHFBandCapabilities',
    145: 'TransmitPowerLevelTableEntry', 146: 'FrequencyInformation', 147: 'FrequencyHopTable',
    148: 'FixedFrequencyTable', 149: 'PerAntennaReceiveSensitivityRange',
    177: 'ROSpec', 178: 'ROBoundarySpec', 179: 'ROSpecStartTrigger', 180: 'PeriodicTriggerValue',
    181: 'GPITriggerValue', 182: 'ROSpecStopTrigger', 183: 'AISpec', 184: 'AISpecStopTrigger',
    185: 'TagObservationTrigger', 186: 'InventoryParameterSpec', 187: 'RFSurveySpec',
    188: 'RFSurveySpecStopTrigger',
    207: 'AccessSpec', 208: 'AccessSpecStopTrigger', 209: 'AccessCommand',
    210: 'ClientRequestOpSpec', 211: 'ClientRequestResponse',
    217: 'LLRPConfigurationStateValue', 218: 'Identification', 219: 'GPOWriteData',
    220: 'KeepaliveSpec', 221: 'AntennaProperties', 222: 'AntennaConfiguration',
    223: 'RFReceiver', 224: 'RFTransmitter', 225: 'GPIPortCurrentState', 226: 'EventsAndReports',
    237: 'ROReportSpec', 238: 'TagReportContentSelector', 239: 'AccessReportSpec',
    240: 'TagReportData', 241: 'EPCData', 242: 'RFSurveyReportData',
    243: 'FrequencyRSSILevelEntry', 244: 'ReaderEventNotificationSpec',
    245: 'EventNotificationState', 246: 'ReaderEventNotificationData', 247: 'HoppingEvent',
    248: 'GPIEvent', 249: 'ROSpecEvent', 250: 'ReportBufferLevelWarningEvent',
    251: 'ReportBufferOverflowErrorEvent', 252: 'ReaderExceptionEvent', 253: 'RFSurveyEvent',
    254: 'AISpecEvent', 255: 'AntennaEvent', 256: 'ConnectionAttemptEvent',
    257: 'ConnectionCloseEvent',
    287: 'LLRPStatus', 288: 'FieldError', 289: 'ParameterError',
    327: 'C1G2LLRPCapabilities', 328: 'C1G2UHFRFModeTable', 329: 'C1G2UHFRFModeTableEntry',
    330: 'C1G2InventoryCommand', 331: 'C1G2Filter', 332: 'C1G2TagInventoryMask',
    333: 'C1G2TagInventoryStateAwareFilterAction', 334: 'C1G2TagInventoryStateUnawareFilterAction',
    335: 'C1G2RFControl', 336: 'C1G2SingulationControl',
    337: 'C1G2TagInventoryStateAwareSingulationAction', 338: 'C1G2TagSpec', 339: 'C1G2TargetTag',
    341: 'C1G2Read', 342: 'C1G2Write', 343: 'C1G2Kill', 344: 'C1G2Lock', 345: 'C1G2LockPayload',
    346: 'C1G2BlockErase', 347: 'C1G2BlockWrite', 348: 'C1G2EPCMemorySelector',
    349: 'C1G2ReadOpSpecResult', 350: 'C1G2WriteOpSpecResult', 351: 'C1G2KillOpSpecResult',
    352: 'C1G2LockOpSpecResult', 353: 'C1G2BlockEraseOpSpecResult',
    354: 'C1G2BlockWriteOpSpecResult', 1023: 'Custom',
}
CUSTOM = 1023

STATUS_NAMES = {
    0: 'M_Success', 100: 'M_ParameterError', 101: 'M_FieldError', 102: 'M_UnexpectedParameter',
    103: 'M_MissingParameter', 104: 'M_DuplicateParameter', 105: 'M_OverflowParameter',
    106: 'M_OverflowField', 107: 'M_UnknownParameter', 108: 'M_UnknownField',
    109: 'M_UnsupportedMessage', 110: 'M_UnsupportedVersion', 111: 'M_UnsupportedParameter',
    200: 'P_ParameterError', 201: 'P_FieldError', 202: 'P_UnexpectedParameter',
    203: 'P_MissingParameter', 204: 'P_DuplicateParameter', 205: 'P_OverflowParameter',
    206: 'P_OverflowField', 207: 'P_UnknownParameter', 208: 'P_UnknownField',
    209: 'P_UnsupportedParameter', 300: 'A_Invalid', 301: 'A_OutOfRange', 401: 'R_DeviceError',
}
M_SUCCESS, M_PARAMETER_ERROR, M_FIELD_ERROR = 0, 100, 101
M_UNSUPPORTED_MESSAGE, M_UNSUPPORTED_VERSION = 109, 110
P_PARAMETER_ERROR = 200
A_INVALID, A_OUT_OF_RANGE = 300, 301

# kind of problem -> (code when the problem sits directly in the message, code inside a parameter)
KIND_CODES = {
    'field': (101, 201),
    'unexpected': (102, 202),
    'missing': (103, 203),
    'duplicate': (104, 204),
    'overflow': (105, 205),
    'unknown': (107, 207),
    'unsupported': (111, 209),
    'malformed': (100, 200),   # a parameter whose header/length is broken: M/P_ParameterError
}

# ReaderEventNotificationSpec EventType values (13.2.5.1)
EVENT_TYPE_NAMES = {
    0: 'HoppingToNextChannel', 1: 'GPIEvent', 2: 'ROSpecEvent', 3: 'ReportBufferFillWarning',
    4: 'ReaderExceptionEvent', 5: 'RFSurveyEvent', 6: 'AISpecEvent',
    7: 'AISpecEventWithDetails', 8: 'AntennaEvent',
}
EV_ROSPEC, EV_AISPEC, EV_AISPEC_DETAILS, EV_ANTENNA = 2, 6, 7, 8

ROSPEC_DISABLED, ROSPEC_INACTIVE, ROSPEC_ACTIVE = 0, 1, 2
ROSPEC_STATE_NAMES = {0: 'Disabled', 1: 'Inactive', 2: 'Active'}

MAX_MESSAGE_BYTES = 1 << 20     # refuse (and drop the connection on) anything longer
REPORT_BUFFER_LIMIT = 10000     # TagReportData kept for GET_REPORT / held reports
INF = 1 << 30

# =============================================================================================
# 2. The emulated reader's fixed capabilities (chapter 9, "Reader device capabilities")
# =============================================================================================

NUM_ANTENNAS = 4
NUM_GPIS = 4
NUM_GPOS = 4
MANUFACTURER = 0                      # DeviceManufacturerName (IANA PEN): none, an emulator
MODEL = 1
FIRMWARE = 'llrp-reader-emulator 1.0 (LLRP 1.0.1)'
READER_ID = bytes.fromhex('020000fffe000001')   # Identification: EUI-64 (IDType 0)
# ReceiveSensitivityTableEntry: Index -> dB relative to the maximum sensitivity
SENSITIVITY_TABLE = [(1, 0), (2, 10), (3, 20)]
# TransmitPowerLevelTableEntry: Index -> dBm*100.  The indexes are an Impinj-like numbering with
# gaps on purpose, so a client that computes an index instead of looking it up is refused.
POWER_TABLE = [(1, 1000), (21, 1500), (41, 2000), (61, 2500), (81, 3000)]
MAX_FILTERS_PER_QUERY = 2
MAX_ROSPECS = 8
MAX_SPECS_PER_ROSPEC = 8
MAX_IPS_PER_AISPEC = 4
MAX_ACCESSSPECS = 32
MAX_OPSPECS_PER_ACCESSSPEC = 8

# UHFC1G2RFModeTable (15.2.1.1.2).  Mode 0: FM0 640 kHz, fixed Tari 6.25 us; mode 1002: Miller-4
# dense-reader mode with a Tari range, so that a Tari outside it can be refused.
MODES = [
    NS(ident=0, dr=1, conformance=1, m=0, flm=2, smi=1, bdr=640000, pie=1500,
       min_tari=6250, max_tari=6250, step_tari=0),
    NS(ident=1002, dr=1, conformance=1, m=2, flm=0, smi=3, bdr=256000, pie=2000,
       min_tari=12500, max_tari=25000, step_tari=6250),
]
DEFAULT_MODE_POS = 1

REGIONS = {
    # CountryCode (ISO 3166 numeric), CommunicationsStandard (9.2.4: 1 = US FCC Part 15,
    # 2 = ETSI 302 208), hopping flag, hop table id and channels in kHz
    'fcc': NS(country=840, standard=1, hopping=True, hop_table_id=1,
              freqs=[902750 + 500 * k for k in range(50)]),
    'etsi': NS(country=276, standard=2, hopping=False, hop_table_id=0,
               freqs=[865700, 866300, 866900, 867500]),
}


def now_us():
    return int(time.time() * 1_000_000)


# =============================================================================================
# 3. Output (stdout protocol for the test)
# =============================================================================================

_out_lock = threading.Lock()


def out(*parts):
    line = ' '.join(str(p) for p in parts)
    with _out_lock:
        try:
            sys.stdout.write(line + '\n')
            sys.stdout.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass


def pname(t):
    return PARAM_NAMES.get(t, 'type%d' % t)


def mname(t):
    return MESSAGE_NAMES.get(t, 'TYPE_%d' % t)


# =============================================================================================
# 4. Encoding (16.1 message header, 16.2 TLV/TV parameters)
# =============================================================================================

def message(mtype, mid, body=b'', version=1):
    # Rsvd(3)=0 | Ver(3) | Type(10) | Length(32, whole message) | ID(32)
    return struct.pack('>HII', (version << 10) | mtype, 10 + len(body), mid) + body


def tlv(ptype, body=b''):
    # Rsvd(6)=0 | Type(10) | Length(16, header included) | value
    if len(body) + 4 > 0xFFFF:
        raise ValueError('parameter %s too long' % pname(ptype))
    return struct.pack('>HH', ptype, 4 + len(body)) + body


def tv(ptype, body):
    # 1 | Type(7) | value of the type's fixed size
    return bytes([0x80 | ptype]) + body


def utf8v(s):
    b = s.encode('utf-8')
    return struct.pack('>H', len(b)) + b


def field_error(fieldnum, code):
    return tlv(288, struct.pack('>HH', fieldnum, code))


def parameter_error(ptype, code, child=b''):
    return tlv(289, struct.pack('>HH', ptype, code) + child)


def llrp_status(code, desc='', child=b''):
    # LLRPStatus: StatusCode u16, ErrorDescription utf8v, FieldError 0-1, ParameterError 0-1
    return tlv(287, struct.pack('>H', code) + utf8v(desc) + child)


SUCCESS = llrp_status(M_SUCCESS)


# =============================================================================================
# 5. Strict decoding
# =============================================================================================

class LLRPError(Exception):
    """A message the reader refuses.

    path: the chain of parameter types from the message body down to the parameter holding the
    problem ([] = the message's own fields / top-level parameter list).
    kind: 'field' (field number `field` is bad; acode A_Invalid/A_OutOfRange), or 'missing',
    'unexpected', 'duplicate', 'overflow', 'unknown', 'unsupported', 'malformed' about the
    sub-parameter type `sub`.
    """

    def __init__(self, path, kind, text, field=None, fname=None, acode=A_INVALID, sub=None):
        super().__init__(text)
        self.path, self.kind, self.text = list(path), kind, text
        self.field, self.fname, self.acode, self.sub = field, fname, acode, sub

    def status_code(self):
        return M_PARAMETER_ERROR if self.path else KIND_CODES[self.kind][0]

    def encode(self):
        """LLRPStatus parameter for this error (see the module docstring)."""
        pcode = KIND_CODES[self.kind][1]
        if self.kind == 'field':
            leaf = field_error(self.field, self.acode)
        else:
            leaf = parameter_error(self.sub if self.sub is not None else 0, pcode)
        if not self.path:
            return llrp_status(self.status_code(), self.describe(), leaf)
        pe = parameter_error(self.path[-1], pcode, leaf)
        for t in reversed(self.path[:-1]):
            pe = parameter_error(t, P_PARAMETER_ERROR, pe)
        return llrp_status(M_PARAMETER_ERROR, self.describe(), pe)

    def where(self):
        w = '/'.join(pname(t) for t in self.path) or 'message'
        if self.kind == 'field' and self.fname:
            w += '.' + self.fname
        return w

    def describe(self):
        return '%s: %s' % (self.where(), self.text)


def ferr(path, fieldnum, fname, acode, text):
    return LLRPError(path, 'field', text, field=fieldnum, fname=fname, acode=acode)


def perr(path, kind, sub, text):
    return LLRPError(path, kind, text, sub=sub)


class Param:
    __slots__ = ('type', 'body', 'raw', 'is_tv')

    def __init__(self, ptype, body, raw, is_tv):
        self.type, self.body, self.raw, self.is_tv = ptype, body, raw, is_tv


def split_params(data, path):
    """Split the bytes after a message's/parameter's fields into parameters, checking each
    header: TV type known (its size depends on it), TLV reserved bits zero, TLV length >= 4 and
    within the enclosing message/parameter (16.2.1)."""
    params, i = [], 0
    while i < len(data):
        b0 = data[i]
        if b0 & 0x80:
            t = b0 & 0x7F
            size = TV_SIZES.get(t)
            if size is None:
                raise perr(path, 'unknown', t, 'unknown TV parameter type %d' % t)
            if i + 1 + size > len(data):
                raise perr(path, 'malformed', t, '%s (TV) runs past the end of its enclosing %s'
                           % (pname(t), pname(path[-1]) if path else 'message'))
            params.append(Param(t, data[i + 1:i + 1 + size], data[i:i + 1 + size], True))
            i += 1 + size
            continue
        if len(data) - i < 4:
            t = (int.from_bytes(data[i:i + 2], 'big') & 0x3FF) if len(data) - i >= 2 else 0
            raise perr(path, 'malformed', t,
                       '%d trailing byte(s), too few for a TLV parameter header' % (len(data) - i))
        hdr, ln = struct.unpack_from('>HH', data, i)
        t = hdr & 0x3FF
        if hdr >> 10:
            raise perr(path, 'malformed', t, 'reserved bits of the %s TLV header are not zero'
                       % pname(t))
        if ln < 4:
            raise perr(path, 'malformed', t, '%s TLV length %d is less than 4' % (pname(t), ln))
        if i + ln > len(data):
            raise perr(path, 'malformed', t, '%s TLV length %d runs past the end of its '
                       'enclosing %s (%d bytes left)'
                       % (pname(t), ln, pname(path[-1]) if path else 'message', len(data) - i))
        params.append(Param(t, data[i + 4:i + ln], data[i:i + ln], False))
        i += ln
    return params


def match_params(params, grammar, path):
    """Check a parameter list against the spec's ordered grammar.

    grammar: list of (key, accepted types, min, max).  Parameters must come in the grammar's
    order (each slot may hold a choice of types); returns {key: [Param, ...]}.  Custom
    parameters are accepted by the grammar where the spec allows them but then refused as
    unsupported, as the spec requires of a reader that supports no vendor extension (8.2)."""
    res = {key: [] for key, _, _, _ in grammar}
    i = 0
    for key, types, lo, hi in grammar:
        while i < len(params) and params[i].type in types:
            if len(res[key]) >= hi:
                kind = 'duplicate' if hi == 1 else 'overflow'
                raise perr(path, kind, params[i].type, 'more than %d %s' % (hi, pname(params[i].type)))
            res[key].append(params[i])
            i += 1
        if len(res[key]) < lo:
            if i < len(params) and any(p.type in types for p in params[i + 1:]):
                raise perr(path, 'unexpected', params[i].type,
                           '%s out of order: %s must come first' % (pname(params[i].type),
                                                                    pname(types[0])))
            raise perr(path, 'missing', types[0], 'missing %s' % '/'.join(pname(t) for t in types))
    if i < len(params):
        t = params[i].type
        known = (t in TV_SIZES) if params[i].is_tv else (t >= 128 and t in PARAM_NAMES)
        if not known:
            # TLV types are 128..1023 (16.2.1): a TLV with a TV type number is unknown too
            raise perr(path, 'unknown', t, 'unknown %s parameter type %d'
                       % ('TV' if params[i].is_tv else 'TLV', t))
        slot = [g for g in grammar if t in g[1]]
        if slot and slot[0][3] == 1 and res[slot[0][0]]:
            raise perr(path, 'duplicate', t, 'more than one %s' % pname(t))
        if slot:
            raise perr(path, 'unexpected', t, '%s out of order' % pname(t))
        raise perr(path, 'unexpected', t, '%s is not allowed here' % pname(t))
    for key, types, _, _ in grammar:
        for p in res[key]:
            if p.type == CUSTOM:
                vendor, subtype = (struct.unpack_from('>II', p.body) if len(p.body) >= 8
                                   else (None, None))
                raise perr(path, 'unsupported', CUSTOM,
                           'Custom parameter (vendor %s, subtype %s) is not supported by this '
                           'reader' % (vendor, subtype))
    return res


class Cursor:
    """Reads the fixed fields of a message or parameter body in order, numbering them from 0
    (reserved bits not counted) for FieldError."""

    def __init__(self, data, path):
        self.d, self.i, self.path, self.fn = data, 0, path, 0

    def _take(self, n, name):
        if self.i + n > len(self.d):
            raise ferr(self.path, self.fn, name, A_INVALID,
                       'body ends inside field %s (%d of %d bytes left)'
                       % (name, len(self.d) - self.i, n))
        b = self.d[self.i:self.i + n]
        self.i += n
        return b

    def uint(self, n, name, signed=False):
        v = int.from_bytes(self._take(n, name), 'big', signed=signed)
        self.fn += 1
        return v

    def u8(self, name):
        return self.uint(1, name)

    def u16(self, name):
        return self.uint(2, name)

    def s16(self, name):
        return self.uint(2, name, signed=True)

    def u32(self, name):
        return self.uint(4, name)

    def u64(self, name):
        return self.uint(8, name)

    def bits(self, layout):
        """layout: [(name, width)], name None = reserved (must be zero); widths fill bytes."""
        total = sum(w for _, w in layout)
        first = next((n for n, _ in layout if n), 'reserved')
        raw = int.from_bytes(self._take(total // 8, first), 'big')
        shift, vals = total, []
        for name, w in layout:
            shift -= w
            v = (raw >> shift) & ((1 << w) - 1)
            if name is None:
                if v:
                    raise ferr(self.path, self.fn, 'reserved', A_INVALID,
                               'reserved bits are not zero (0x%x)' % v)
            else:
                vals.append(v)
                self.fn += 1
        return vals if len(vals) != 1 else vals[0]

    def vec(self, esize, name):
        """u8v / u16v / u32v: u16 element count, then the elements."""
        n = int.from_bytes(self._take(2, name), 'big')
        raw = self._take(n * esize, name)
        self.fn += 1
        return [int.from_bytes(raw[k:k + esize], 'big') for k in range(0, len(raw), esize)]

    def bitvec(self, name):
        """u1v: u16 bit count, then ceil(count/8) bytes."""
        nbits = int.from_bytes(self._take(2, name), 'big')
        raw = self._take((nbits + 7) // 8, name)
        self.fn += 1
        return nbits, raw

    def params(self, grammar):
        return match_params(split_params(self.d[self.i:], self.path), grammar, self.path)

    def done(self):
        """A parameter without sub-parameters: nothing may follow its fields."""
        self.params([])


# =============================================================================================
# 6. Parameter decoders for what a client sends (with the reader's semantic checks)
# =============================================================================================

class Ctx:
    """What the decoders need to know about the reader (its tables)."""

    def __init__(self, region, mode_semantics):
        self.region = region
        self.mode_semantics = mode_semantics   # 'identifier' (Impinj-style) or 'position'

    def mode_for_index(self, idx):
        """C1G2RFControl.ModeIndex -> table entry.  The spec calls it "an index into the
        UHFC1G2RFModeTable"; Impinj readers take the entry's ModeIdentifier instead, which is
        the default here (--mode-index position: 0-based position)."""
        if self.mode_semantics == 'position':
            return MODES[idx] if idx < len(MODES) else None
        return next((m for m in MODES if m.ident == idx), None)

    def mode_index_of(self, pos):
        return pos if self.mode_semantics == 'position' else MODES[pos].ident


def check_table_index(path, fieldnum, fname, value, indexes, what):
    if value in indexes:
        return
    if value < min(indexes) or value > max(indexes):
        raise ferr(path, fieldnum, fname, A_OUT_OF_RANGE,
                   '%s %d is outside the %s (%d..%d)' % (fname, value, what, min(indexes),
                                                          max(indexes)))
    raise ferr(path, fieldnum, fname, A_INVALID, '%s %d is not an entry of the %s (%s)'
               % (fname, value, what, ','.join(str(i) for i in indexes)))


def check_enum(path, fieldnum, fname, value, hi):
    if value > hi:
        raise ferr(path, fieldnum, fname, A_INVALID, '%s %d is not a defined value (0..%d)'
                   % (fname, value, hi))


def dec_utc(p, parent):
    path = parent + [p.type]
    c = Cursor(p.body, path)
    v = c.u64('Microseconds')
    c.done()
    return v


def dec_gpi_trigger(p, parent):
    # GPITriggerValue (10.2.1.1.2.2): GPIPortNum u16, GPIEvent u1, Rsvd 7, Timeout u32
    path = parent + [p.type]
    c = Cursor(p.body, path)
    port = c.u16('GPIPortNum')
    event = c.bits([('GPIEvent', 1), (None, 7)])
    timeout = c.u32('Timeout')
    c.done()
    if port < 1 or port > NUM_GPIS:
        raise ferr(path, 0, 'GPIPortNum', A_OUT_OF_RANGE,
                   'GPI port %d does not exist (1..%d)' % (port, NUM_GPIS))
    return NS(port=port, event=event, timeout=timeout)


def dec_start_trigger(p, parent):
    # ROSpecStartTrigger: ROSpecStartTriggerType u8 (0 Null, 1 Immediate, 2 Periodic, 3 GPI),
    # PeriodicTriggerValue 0-1, GPITriggerValue 0-1
    path = parent + [p.type]
    c = Cursor(p.body, path)
    ttype = c.u8('ROSpecStartTriggerType')
    g = c.params([('Periodic', (180,), 0, 1), ('GPI', (181,), 0, 1)])
    check_enum(path, 0, 'ROSpecStartTriggerType', ttype, 3)
    periodic = None
    if g['Periodic']:
        pp = g['Periodic'][0]
        ppath = path + [180]
        pc = Cursor(pp.body, ppath)
        offset = pc.u32('Offset')
        period = pc.u32('Period')
        pg = pc.params([('UTCTimestamp', (128,), 0, 1)])
        utc = dec_utc(pg['UTCTimestamp'][0], ppath) if pg['UTCTimestamp'] else None
        periodic = NS(offset=offset, period=period, utc=utc)
    gpi = dec_gpi_trigger(g['GPI'][0], path) if g['GPI'] else None
    if ttype == 2 and periodic is None:
        raise perr(path, 'missing', 180, 'a Periodic start trigger needs a PeriodicTriggerValue')
    if ttype == 3 and gpi is None:
        raise perr(path, 'missing', 181, 'a GPI start trigger needs a GPITriggerValue')
    return NS(type=ttype, periodic=periodic, gpi=gpi)


def dec_stop_trigger(p, parent):
    # ROSpecStopTrigger: ROSpecStopTriggerType u8 (0 Null, 1 Duration, 2 GPI with timeout),
    # DurationTriggerValue u32 (ms), GPITriggerValue 0-1
    path = parent + [p.type]
    c = Cursor(p.body, path)
    ttype = c.u8('ROSpecStopTriggerType')
    duration = c.u32('DurationTriggerValue')
    g = c.params([('GPI', (181,), 0, 1)])
    check_enum(path, 0, 'ROSpecStopTriggerType', ttype, 2)
    gpi = dec_gpi_trigger(g['GPI'][0], path) if g['GPI'] else None
    if ttype == 2 and gpi is None:
        raise perr(path, 'missing', 181, 'a GPI stop trigger needs a GPITriggerValue')
    return NS(type=ttype, duration=duration, gpi=gpi)


def dec_boundary(p, parent):
    path = parent + [p.type]
    c = Cursor(p.body, path)
    g = c.params([('Start', (179,), 1, 1), ('Stop', (182,), 1, 1)])
    return dec_start_trigger(g['Start'][0], path), dec_stop_trigger(g['Stop'][0], path)


def dec_ai_stop(p, parent):
    # AISpecStopTrigger: type u8 (0 Null, 1 Duration, 2 GPI with timeout, 3 Tag observation),
    # DurationTrigger u32, GPITriggerValue 0-1, TagObservationTrigger 0-1
    path = parent + [p.type]
    c = Cursor(p.body, path)
    ttype = c.u8('AISpecStopTriggerType')
    duration = c.u32('DurationTrigger')
    g = c.params([('GPI', (181,), 0, 1), ('TagObs', (185,), 0, 1)])
    check_enum(path, 0, 'AISpecStopTriggerType', ttype, 3)
    gpi = dec_gpi_trigger(g['GPI'][0], path) if g['GPI'] else None
    tobs = None
    if g['TagObs']:
        tp = g['TagObs'][0]
        tpath = path + [185]
        tc = Cursor(tp.body, tpath)
        # TagObservationTrigger: TriggerType u8, Rsvd 8, NumberOfTags u16, NumberOfAttempts u16,
        # T u16, Timeout u32
        trig = tc.u8('TriggerType')
        tc.bits([(None, 8)])
        ntags = tc.u16('NumberOfTags')
        nattempts = tc.u16('NumberOfAttempts')
        t_ms = tc.u16('T')
        timeout = tc.u32('Timeout')
        tc.done()
        check_enum(tpath, 0, 'TriggerType', trig, 2)
        tobs = NS(trigger=trig, ntags=ntags, nattempts=nattempts, t=t_ms, timeout=timeout)
    if ttype == 2 and gpi is None:
        raise perr(path, 'missing', 181, 'a GPI stop trigger needs a GPITriggerValue')
    if ttype == 3 and tobs is None:
        raise perr(path, 'missing', 185, 'a Tag observation stop trigger needs a '
                   'TagObservationTrigger')
    return NS(type=ttype, duration=duration, gpi=gpi, tobs=tobs)


def dec_filter(p, parent):
    # C1G2Filter (15.2.1.2.1.1): T u2, Rsvd 6, C1G2TagInventoryMask 1,
    # C1G2TagInventoryStateAwareFilterAction 0-1, C1G2TagInventoryStateUnawareFilterAction 0-1
    path = parent + [p.type]
    c = Cursor(p.body, path)
    t = c.bits([('T', 2), (None, 6)])
    g = c.params([('Mask', (332,), 1, 1), ('Aware', (333,), 0, 1), ('Unaware', (334,), 0, 1)])
    check_enum(path, 0, 'T', t, 2)
    mp = g['Mask'][0]
    mpath = path + [332]
    mc = Cursor(mp.body, mpath)
    # C1G2TagInventoryMask: MB u2, Rsvd 6, Pointer u16 (bit address), TagMask u1v
    mb = mc.bits([('MB', 2), (None, 6)])
    pointer = mc.u16('Pointer')
    nbits, mask = mc.bitvec('TagMask')
    mc.done()
    if mb == 0:
        # Gen2 Select's MemBank 00 is RFU: the Reserved bank cannot be selected on.
        raise ferr(mpath, 0, 'MB', A_INVALID, 'memory bank 0 (Reserved) cannot be used in a '
                   'Select filter (Gen2 MemBank 00 is RFU)')
    aware = None
    if g['Aware']:
        ap = g['Aware'][0]
        apath = path + [333]
        ac = Cursor(ap.body, apath)
        target = ac.u8('Target')
        action = ac.u8('Action')
        ac.done()
        check_enum(apath, 0, 'Target', target, 4)
        check_enum(apath, 1, 'Action', action, 7)
        aware = NS(target=target, action=action)
    unaware = None
    if g['Unaware']:
        up = g['Unaware'][0]
        upath = path + [334]
        uc = Cursor(up.body, upath)
        action = uc.u8('Action')
        uc.done()
        check_enum(upath, 0, 'Action', action, 5)
        unaware = action
    return NS(t=t, mb=mb, pointer=pointer, nbits=nbits, mask=mask, aware=aware,
              unaware=unaware, raw=p.raw)


def dec_inventory_command(p, parent, ctx):
    # C1G2InventoryCommand (15.2.1.2.1): TagInventoryStateAware u1, Rsvd 7, C1G2Filter 0-n,
    # C1G2RFControl 0-1, C1G2SingulationControl 0-1, Custom 0-n
    path = parent + [p.type]
    c = Cursor(p.body, path)
    aware = c.bits([('TagInventoryStateAware', 1), (None, 7)])
    g = c.params([('Filter', (331,), 0, INF), ('RF', (335,), 0, 1), ('Sing', (336,), 0, 1),
                  ('Custom', (CUSTOM,), 0, INF)])
    if len(g['Filter']) > MAX_FILTERS_PER_QUERY:
        raise perr(path, 'overflow', 331, '%d C1G2Filters, this reader takes at most %d '
                   '(C1G2LLRPCapabilities.MaxNumSelectFiltersPerQuery)'
                   % (len(g['Filter']), MAX_FILTERS_PER_QUERY))
    filters = [dec_filter(f, path) for f in g['Filter']]
    rf = None
    if g['RF']:
        rpath = path + [335]
        rc = Cursor(g['RF'][0].body, rpath)
        # C1G2RFControl: ModeIndex u16, Tari u16 (ns)
        mode_index = rc.u16('ModeIndex')
        tari = rc.u16('Tari')
        rc.done()
        mode = ctx.mode_for_index(mode_index)
        if mode is None:
            raise ferr(rpath, 0, 'ModeIndex', A_INVALID, 'ModeIndex %d is not in the '
                       'UHFC1G2RFModeTable (valid: %s)' % (
                           mode_index, ','.join(str(ctx.mode_index_of(k))
                                                for k in range(len(MODES)))))
        # 15.2.1.2.1.2: a Tari out of the mode's range is an error unless it is 0 (reader
        # picks); with a fixed-Tari mode the field is ignored.
        if tari and mode.min_tari != mode.max_tari and not mode.min_tari <= tari <= mode.max_tari:
            raise ferr(rpath, 1, 'Tari', A_OUT_OF_RANGE, 'Tari %d ns is outside mode %d\'s '
                       'range %d..%d' % (tari, mode_index, mode.min_tari, mode.max_tari))
        rf = NS(mode_index=mode_index, tari=tari)
    sing = None
    if g['Sing']:
        spath = path + [336]
        sc = Cursor(g['Sing'][0].body, spath)
        # C1G2SingulationControl: Session u2, Rsvd 6, TagPopulation u16, TagTransitTime u32,
        # C1G2TagInventoryStateAwareSingulationAction 0-1 (I u1, S u1, Rsvd 6)
        session = sc.bits([('Session', 2), (None, 6)])
        population = sc.u16('TagPopulation')
        transit = sc.u32('TagTransitTime')
        sg = sc.params([('Action', (337,), 0, 1)])
        action_raw = b''
        if sg['Action']:
            apath = spath + [337]
            acur = Cursor(sg['Action'][0].body, apath)
            acur.bits([('I', 1), ('S', 1), (None, 6)])
            acur.done()
            action_raw = sg['Action'][0].raw
        sing = NS(session=session, population=population, transit=transit, action_raw=action_raw)
    if aware:
        out('NOTE', 'C1G2InventoryCommand.TagInventoryStateAware=1 ignored: this reader reports '
            'CanDoTagInventoryStateAwareSingulation=0 (15.2.1.2.1)')
    return NS(aware=aware, filters=filters, rf=rf, sing=sing)


def dec_antenna_configuration(p, parent, ctx):
    # AntennaConfiguration (12.2.5): AntennaID u16 (0 = all), RFReceiver 0-1, RFTransmitter 0-1,
    # AirProtocolInventoryCommandSettings 0-n (C1G2InventoryCommand)
    path = parent + [p.type]
    c = Cursor(p.body, path)
    ant = c.u16('AntennaID')
    g = c.params([('Rx', (223,), 0, 1), ('Tx', (224,), 0, 1), ('Inv', (330,), 0, INF)])
    if ant > NUM_ANTENNAS:
        raise ferr(path, 0, 'AntennaID', A_OUT_OF_RANGE, 'antenna %d does not exist (0 = all, '
                   '1..%d)' % (ant, NUM_ANTENNAS))
    rx = None
    if g['Rx']:
        rpath = path + [223]
        rc = Cursor(g['Rx'][0].body, rpath)
        rx = rc.u16('ReceiverSensitivity')
        rc.done()
        check_table_index(rpath, 0, 'ReceiverSensitivity', rx, [i for i, _ in SENSITIVITY_TABLE],
                          'receive sensitivity table')
    tx = None
    if g['Tx']:
        tpath = path + [224]
        tc = Cursor(g['Tx'][0].body, tpath)
        hop = tc.u16('HopTableID')
        channel = tc.u16('ChannelIndex')
        power = tc.u16('TransmitPower')
        tc.done()
        # 12.2.5.2: HopTableID is used (and ChannelIndex ignored) in frequency-hopping regions,
        # ChannelIndex (one-based into the FixedFrequencyTable) in the others.
        if ctx.region.hopping:
            if hop != ctx.region.hop_table_id:
                raise ferr(tpath, 0, 'HopTableID', A_INVALID, 'hop table %d does not exist '
                           '(this reader has hop table %d)' % (hop, ctx.region.hop_table_id))
        elif not 1 <= channel <= len(ctx.region.freqs):
            raise ferr(tpath, 1, 'ChannelIndex', A_OUT_OF_RANGE, 'ChannelIndex %d is not in the '
                       'FixedFrequencyTable (1..%d)' % (channel, len(ctx.region.freqs)))
        check_table_index(tpath, 2, 'TransmitPower', power, [i for i, _ in POWER_TABLE],
                          'transmit power level table')
        tx = NS(hop=hop, channel=channel, power=power)
    if len(g['Inv']) > 1:
        raise perr(path, 'overflow', 330, 'only the C1G2 air protocol exists here: at most one '
                   'C1G2InventoryCommand')
    inv = dec_inventory_command(g['Inv'][0], path, ctx) if g['Inv'] else None
    return NS(antenna=ant, rx=rx, tx=tx, inv=inv)


def dec_ro_report_spec(p, parent):
    # ROReportSpec (13.2.1): ROReportTrigger u8 (0 None, 1 N tags or end of AISpec, 2 N tags or
    # end of ROSpec), N u16, TagReportContentSelector 1, Custom 0-n
    path = parent + [p.type]
    c = Cursor(p.body, path)
    trigger = c.u8('ROReportTrigger')
    n = c.u16('N')
    g = c.params([('Selector', (238,), 1, 1), ('Custom', (CUSTOM,), 0, INF)])
    check_enum(path, 0, 'ROReportTrigger', trigger, 2)
    spath = path + [238]
    sc = Cursor(g['Selector'][0].body, spath)
    # TagReportContentSelector (13.2.1.1): ten u1 enables, Rsvd 6, C1G2EPCMemorySelector 0-n
    names = ['EnableROSpecID', 'EnableSpecIndex', 'EnableInventoryParameterSpecID',
             'EnableAntennaID', 'EnableChannelIndex', 'EnablePeakRSSI', 'EnableFirstSeenTimestamp',
             'EnableLastSeenTimestamp', 'EnableTagSeenCount', 'EnableAccessSpecID']
    vals = sc.bits([(nm, 1) for nm in names] + [(None, 6)])
    sg = sc.params([('Mem', (348,), 0, INF)])
    if len(sg['Mem']) > 1:
        raise perr(spath, 'overflow', 348, 'only one air protocol: at most one '
                   'C1G2EPCMemorySelector')
    crc = pc = 0
    if sg['Mem']:
        mpath = spath + [348]
        mc = Cursor(sg['Mem'][0].body, mpath)
        crc, pc = mc.bits([('EnableCRC', 1), ('EnablePCBits', 1), (None, 6)])
        mc.done()
    sel = NS(**{nm[6:]: v for nm, v in zip(names, vals)})
    sel.crc, sel.pc = crc, pc
    return NS(trigger=trigger, n=n, sel=sel)


def dec_access_report_spec(p, parent):
    # AccessReportSpec (13.2.2): AccessReportTrigger u8 (0 whenever an ROReport is generated,
    # 1 end of AccessSpec)
    path = parent + [p.type]
    c = Cursor(p.body, path)
    trigger = c.u8('AccessReportTrigger')
    c.done()
    check_enum(path, 0, 'AccessReportTrigger', trigger, 1)
    return trigger


def dec_rospec(p, parent, ctx):
    # ROSpec (10.2.1): ROSpecID u32, Priority u8, CurrentState u8, ROBoundarySpec 1,
    # SpecParameter 1-n (AISpec | RFSurveySpec | Custom), ROReportSpec 0-1
    path = parent + [p.type]
    c = Cursor(p.body, path)
    rid = c.u32('ROSpecID')
    priority = c.u8('Priority')
    state = c.u8('CurrentState')
    g = c.params([('Boundary', (178,), 1, 1), ('Specs', (183, 187, CUSTOM), 1, INF),
                  ('Report', (237,), 0, 1)])
    if rid == 0:
        raise ferr(path, 0, 'ROSpecID', A_INVALID, 'ROSpecID 0 is not allowed')
    if priority > 7:
        raise ferr(path, 1, 'Priority', A_OUT_OF_RANGE, 'Priority %d is not in 0..7' % priority)
    check_enum(path, 2, 'CurrentState', state, 2)
    if state != ROSPEC_DISABLED:
        # 10.1.1: "The Client SHALL add a ROSpec in a Disabled State"
        raise ferr(path, 2, 'CurrentState', A_INVALID, 'a ROSpec must be added in the Disabled '
                   'state, not %s' % ROSPEC_STATE_NAMES[state])
    start, stop = dec_boundary(g['Boundary'][0], path)
    if len(g['Specs']) > MAX_SPECS_PER_ROSPEC:
        raise perr(path, 'overflow', g['Specs'][0].type, '%d specs, this reader takes at most %d '
                   '(LLRPCapabilities.MaxNumSpecsPerROSpec)'
                   % (len(g['Specs']), MAX_SPECS_PER_ROSPEC))
    aispecs = []
    for index, sp in enumerate(g['Specs'], 1):
        if sp.type == 187:
            raise perr(path, 'unsupported', 187, 'this reader cannot do RF surveys '
                       '(LLRPCapabilities.CanDoRFSurvey=0)')
        aispecs.append(dec_aispec(sp, path, ctx, index))
    report = dec_ro_report_spec(g['Report'][0], path) if g['Report'] else None
    return NS(id=rid, priority=priority, start=start, stop=stop, aispecs=aispecs, report=report)


def dec_aispec(p, parent, ctx, index):
    # AISpec (10.2.2): AntennaIDs u16v (0 = all), AISpecStopTrigger 1, InventoryParameterSpec
    # 1-n, Custom 0-n
    path = parent + [p.type]
    c = Cursor(p.body, path)
    ants = c.vec(2, 'AntennaIDs')
    g = c.params([('Stop', (184,), 1, 1), ('IPS', (186,), 1, INF), ('Custom', (CUSTOM,), 0, INF)])
    if not ants:
        raise ferr(path, 0, 'AntennaIDs', A_INVALID, 'the antenna list is empty')
    for a in ants:
        if a > NUM_ANTENNAS:
            raise ferr(path, 0, 'AntennaIDs', A_OUT_OF_RANGE, 'antenna %d does not exist '
                       '(0 = all, 1..%d)' % (a, NUM_ANTENNAS))
    stop = dec_ai_stop(g['Stop'][0], path)
    if len(g['IPS']) > MAX_IPS_PER_AISPEC:
        raise perr(path, 'overflow', 186, '%d InventoryParameterSpecs, this reader takes at most '
                   '%d' % (len(g['IPS']), MAX_IPS_PER_AISPEC))
    ips = []
    for ip in g['IPS']:
        ipath = path + [186]
        ic = Cursor(ip.body, ipath)
        # InventoryParameterSpec (10.2.2.2): InventoryParameterSpecID u16, ProtocolID u8,
        # AntennaConfiguration 0-n, Custom 0-n
        ipsid = ic.u16('InventoryParameterSpecID')
        proto = ic.u8('ProtocolID')
        ig = ic.params([('Conf', (222,), 0, INF), ('Custom', (CUSTOM,), 0, INF)])
        if proto != 1:
            raise ferr(ipath, 1, 'ProtocolID', A_INVALID, 'ProtocolID %d: this reader only '
                       'speaks EPCglobal Class-1 Gen-2 (1)' % proto)
        confs = [dec_antenna_configuration(a, ipath, ctx) for a in ig['Conf']]
        ips.append(NS(id=ipsid, protocol=proto, confs=confs))
    return NS(index=index, antennas=ants, stop=stop, ips=ips)


def dec_target_tag(p, parent):
    # C1G2TargetTag (15.2.1.3.1.1): MB u2, Match u1, Rsvd 5, Pointer u16 (bit address),
    # TagMask u1v, TagData u1v
    path = parent + [p.type]
    c = Cursor(p.body, path)
    mb, match = c.bits([('MB', 2), ('Match', 1), (None, 5)])
    pointer = c.u16('Pointer')
    mask_bits, mask = c.bitvec('TagMask')
    data_bits, data = c.bitvec('TagData')
    c.done()
    if mask_bits and data_bits != mask_bits:
        raise ferr(path, 4, 'TagData', A_INVALID, 'TagData has %d bits but TagMask %d: each '
                   'pattern bit needs its mask bit' % (data_bits, mask_bits))
    return NS(mb=mb, match=match, pointer=pointer, mask_bits=mask_bits, mask=mask,
              data_bits=data_bits, data=data)


OPSPEC_TYPES = (341, 342, 343, 344, 346, 347, 210, CUSTOM)


def dec_accessspec(p, parent):
    # AccessSpec (11.2.1): AccessSpecID u32, AntennaID u16, ProtocolID u8, CurrentState u1,
    # Rsvd 7, ROSpecID u32, AccessSpecStopTrigger 1, AccessCommand 1, AccessReportSpec 0-1,
    # Custom 0-n
    path = parent + [p.type]
    c = Cursor(p.body, path)
    aid = c.u32('AccessSpecID')
    ant = c.u16('AntennaID')
    proto = c.u8('ProtocolID')
    state = c.bits([('CurrentState', 1), (None, 7)])
    rospec = c.u32('ROSpecID')
    g = c.params([('Stop', (208,), 1, 1), ('Cmd', (209,), 1, 1), ('Report', (239,), 0, 1),
                  ('Custom', (CUSTOM,), 0, INF)])
    if aid == 0:
        raise ferr(path, 0, 'AccessSpecID', A_INVALID, 'AccessSpecID 0 is not allowed')
    if ant > NUM_ANTENNAS:
        raise ferr(path, 1, 'AntennaID', A_OUT_OF_RANGE, 'antenna %d does not exist (0 = any, '
                   '1..%d)' % (ant, NUM_ANTENNAS))
    if proto != 1:
        raise ferr(path, 2, 'ProtocolID', A_INVALID, 'ProtocolID %d: this reader only speaks '
                   'EPCglobal Class-1 Gen-2 (1)' % proto)
    if state != 0:
        # 11.1.1: "The Client SHALL add an AccessSpec in a Disabled State"
        raise ferr(path, 3, 'CurrentState', A_INVALID, 'an AccessSpec must be added in the '
                   'Disabled state')
    spath = path + [208]
    sc = Cursor(g['Stop'][0].body, spath)
    # AccessSpecStopTrigger (11.2.1.1): AccessSpecStopTrigger u8 (0 Null, 1 Operation count),
    # OperationCountValue u16 (0 = no stop trigger)
    stop_type = sc.u8('AccessSpecStopTrigger')
    stop_count = sc.u16('OperationCountValue')
    sc.done()
    check_enum(spath, 0, 'AccessSpecStopTrigger', stop_type, 1)
    cpath = path + [209]
    cc = Cursor(g['Cmd'][0].body, cpath)
    # AccessCommand (11.2.1.2): AirProtocolTagSpec 1 (C1G2TagSpec), AccessCommandOpSpec 1-n,
    # Custom 0-n
    cg = cc.params([('TagSpec', (338,), 1, 1), ('Ops', OPSPEC_TYPES, 1, INF),
                    ('Custom', (CUSTOM,), 0, INF)])
    tpath = cpath + [338]
    tg = Cursor(cg['TagSpec'][0].body, tpath).params([('Target', (339,), 1, INF)])
    if len(tg['Target']) > 2:
        raise perr(tpath, 'overflow', 339, 'a C1G2TagSpec holds at most two C1G2TargetTags')
    targets = [dec_target_tag(t, tpath) for t in tg['Target']]
    if len(cg['Ops']) > MAX_OPSPECS_PER_ACCESSSPEC:
        raise perr(cpath, 'overflow', cg['Ops'][0].type, '%d OpSpecs, this reader takes at most '
                   '%d' % (len(cg['Ops']), MAX_OPSPECS_PER_ACCESSSPEC))
    ops, seen = [], set()
    for op in cg['Ops']:
        if op.type != 341:
            raise perr(cpath, 'unsupported', op.type, '%s is not supported by this emulator '
                       '(only C1G2Read)' % pname(op.type))
        opath = cpath + [341]
        oc = Cursor(op.body, opath)
        # C1G2Read (15.2.1.3.2.1): OpSpecID u16, AccessPassword u32, MB u2, Rsvd 6,
        # WordPointer u16, WordCount u16
        opid = oc.u16('OpSpecID')
        password = oc.u32('AccessPassword')
        mb = oc.bits([('MB', 2), (None, 6)])
        wordptr = oc.u16('WordPointer')
        count = oc.u16('WordCount')
        oc.done()
        if opid in seen:
            raise ferr(opath, 0, 'OpSpecID', A_INVALID, 'OpSpecID %d used twice in this '
                       'AccessSpec' % opid)
        seen.add(opid)
        ops.append(NS(kind='read', opid=opid, password=password, mb=mb, pointer=wordptr,
                      count=count))
    report = dec_access_report_spec(g['Report'][0], path) if g['Report'] else None
    return NS(id=aid, antenna=ant, protocol=proto, rospec=rospec, stop_type=stop_type,
              stop_count=stop_count, targets=targets, ops=ops, report=report)


# =============================================================================================
# 7. Tags (Gen2 memory model for TagSpec matching, filters and reads)
# =============================================================================================

def crc16_gen2(data):
    """Gen2 CRC-16 (ISO/IEC 13239: poly 0x1021, preset 0xFFFF, ones' complement)."""
    crc = 0xFFFF
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc ^ 0xFFFF


def hex_words(h):
    """Hex string -> list of 16-bit words (padded with zero bits to a whole word)."""
    h = h + '0' * (-len(h) % 4)
    return [int(h[k:k + 4], 16) for k in range(0, len(h), 4)]


def words_to_bytes(words):
    return b''.join(struct.pack('>H', w) for w in words)


def bits_of(data):
    return ''.join(format(b, '08b') for b in data)


class Tag:
    def __init__(self, epc_hex, antenna, rssi, tid_hex, user_hex):
        self.epc_hex = epc_hex
        self.epc_bits = 4 * len(epc_hex)
        self.epc_bytes = bytes.fromhex(epc_hex + '0' * (len(epc_hex) % 2))
        self.epc_words = hex_words(epc_hex)
        self.antenna, self.rssi = antenna, rssi
        self.tid = hex_words(tid_hex) if tid_hex else None
        self.user = hex_words(user_hex) if user_hex else None
        # PC: EPC length in words in bits 15..11 (UMI/XI/NSI zero)
        self.pc = (len(self.epc_words) & 0x1F) << 11
        self.crc = crc16_gen2(words_to_bytes([self.pc] + self.epc_words))

    def bank(self, mb):
        """Memory bank as words, or None if the tag has no such memory."""
        if mb == 0:
            return [0, 0, 0, 0]              # kill and access passwords, zero
        if mb == 1:
            return [self.crc, self.pc] + self.epc_words
        if mb == 2:
            return self.tid
        return self.user

    def bank_bits(self, mb):
        words = self.bank(mb)
        return bits_of(words_to_bytes(words)) if words else ''


def pattern_hits(memory_bits, pointer, nbits, mask, data=None):
    """True if memory_bits[pointer:pointer+nbits] equals `data` where `mask` has ones (TagSpec),
    or equals `mask` itself (Select filter, data None)."""
    seg = memory_bits[pointer:pointer + nbits]
    if len(seg) < nbits:
        return False
    mbits = bits_of(mask)[:nbits]
    if data is None:
        return seg == mbits
    dbits = bits_of(data)[:nbits]
    return all(m == '0' or s == d for s, m, d in zip(seg, mbits, dbits))


def target_matches(tt, tag):
    # C1G2TargetTag: "If Length is zero, this pattern will match all tags regardless of MB,
    # pointer, mask and data."
    if tt.mask_bits == 0:
        return True
    hit = pattern_hits(tag.bank_bits(tt.mb), tt.pointer, tt.mask_bits, tt.mask, tt.data)
    return hit == bool(tt.match)


# C1G2TagInventoryStateUnawareFilterAction.Action -> (matching, non-matching) effect on SL
UNAWARE_ACTIONS = {0: ('A', 'D'), 1: ('A', None), 2: (None, 'D'), 3: ('D', None),
                   4: ('D', 'A'), 5: (None, 'A')}


def passes_filters(filters, tag):
    """Gen2 Select with state-unaware actions, then a Query on SL asserted."""
    if not filters:
        return True
    sl = False
    for f in filters:
        hit = pattern_hits(tag.bank_bits(f.mb), f.pointer, f.nbits, f.mask) if f.nbits else True
        act = UNAWARE_ACTIONS[f.unaware if f.unaware is not None else 0][0 if hit else 1]
        if act == 'A':
            sl = True
        elif act == 'D':
            sl = False
    return sl


# =============================================================================================
# 8. Connection: framing, the serialised writer, split writes
# =============================================================================================

class Connection:
    def __init__(self, emu, sock, peer):
        self.emu, self.sock, self.peer = emu, sock, peer
        self.q = queue.Queue()
        self.alive = True
        self.closing = False          # CLOSE_CONNECTION answered / ConnectionCloseEvent sent
        self.held = False             # HoldEventsAndReportsUponReconnect in force
        self.held_events = []         # (message bytes, label, after) kept until ENABLE_E_A_R
        self.next_keepalive = None
        self.keepalives_outstanding = set()
        self.writer_thread = threading.Thread(target=self._writer, daemon=True)
        self.reader_thread = threading.Thread(target=self._reader, daemon=True)

    def start(self):
        self.writer_thread.start()
        self.reader_thread.start()

    def send(self, data, label, after=None, raw=False):
        """Queue one whole message; the writer thread writes it (split if so configured) under
        the emulator's write lock, so no two messages ever interleave on the wire."""
        if not self.alive:
            return False
        self.q.put((data, label, after, raw))
        return True

    def _writer(self):
        while True:
            item = self.q.get()
            if item is None:
                return
            data, label, after, raw = item
            try:
                with self.emu.write_lock:
                    self.emu.write_segments(self.sock, data, raw)
            except OSError as e:
                self.emu.connection_lost(self, 'write-error %s' % e.__class__.__name__)
                return
            if label:
                out('SENT', label)
            if after:
                try:
                    after()
                except Exception as e:       # a callback must never kill the writer
                    out('NOTE', 'callback failed: %r' % e)

    def _recv_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            try:
                chunk = self.sock.recv(min(65536, n - len(buf)))
            except OSError:
                return None
            if not chunk:
                return None
            buf += chunk
        return bytes(buf)

    def _reader(self):
        """16.1: Rsvd(3) Ver(3) Type(10), Length(32) counting the 10-byte header, ID(32)."""
        while self.alive:
            hdr = self._recv_exact(10)
            if hdr is None:
                break
            word, length, mid = struct.unpack('>HII', hdr)
            rsvd, version, mtype = word >> 13, (word >> 10) & 7, word & 0x3FF
            if length < 10:
                self.emu.frame_error(self, mtype, mid, version,
                                     'message length %d is less than the 10-byte header' % length)
                return
            if length > MAX_MESSAGE_BYTES:
                self.emu.frame_error(self, mtype, mid, version,
                                     'message length %d exceeds this reader\'s limit of %d bytes'
                                     % (length, MAX_MESSAGE_BYTES))
                return
            body = self._recv_exact(length - 10)
            if body is None:
                out('NOTE', 'connection ended inside a %s message (%d of %d bytes)'
                    % (mname(mtype), 10, length))
                break
            try:
                self.emu.handle_message(self, mtype, mid, version, rsvd, body)
            except Exception as e:         # a bug here must not silently kill the connection
                out('NOTE', 'internal error handling %s: %r' % (mname(mtype), e))
                import traceback
                traceback.print_exc(file=sys.stderr)
        self.emu.connection_lost(self, 'peer-closed')

    def close(self, why, rst=False):
        """Idempotent; returns True the first time."""
        with self.emu.lock:
            if not self.alive:
                return False
            self.alive = False
            if self.emu.conn is self:
                self.emu.conn = None
        self.q.put(None)
        try:
            if rst:
                self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                self.sock.shutdown(socket.SHUT_RD)
            else:
                self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
        out('DISCONNECTED', why)
        return True


# =============================================================================================
# 9. The reader
# =============================================================================================

class ROSpecRec:
    def __init__(self, spec, raw):
        self.spec, self.raw = spec, raw
        self.state = ROSPEC_DISABLED
        self.pending = []          # (epc, TagReportData bytes) waiting for N / end of spec
        self.ai_index = 0
        self.ai_started = 0.0
        self.ai_tags = set()
        self.ai_forced_end = False
        self.stop_at = None
        self.next_start = None

    @property
    def id(self):
        return self.spec.id

    def encode(self):
        # ROSpec as added, with its CurrentState (byte 9: 4 header + 4 id + 1 priority) current
        return self.raw[:9] + bytes([self.state]) + self.raw[10:]


class AccessSpecRec:
    def __init__(self, spec, raw):
        self.spec, self.raw = spec, raw
        self.active = False
        self.count = 0
        self.pending = []          # results held for AccessReportTrigger 1 (end of AccessSpec)

    @property
    def id(self):
        return self.spec.id

    def encode(self):
        # CurrentState is the top bit of byte 11 (4 header + 4 id + 2 antenna + 1 protocol)
        return self.raw[:11] + bytes([0x80 if self.active else 0]) + self.raw[12:]


class Emulator:
    def __init__(self, args):
        self.lock = threading.RLock()       # all reader state
        self.write_lock = threading.Lock()  # socket writes (one message at a time)
        self.rng = random.Random(args.seed)
        self.region = REGIONS[args.region]
        self.ctx = Ctx(self.region, args.mode_index)
        self.conn = None
        self.msg_id = 0
        self.split = None                  # None | ('fixed', n, delay_ms) | ('random', delay_ms)
        self.ignored = set()
        self.keepalives_enabled = True
        self.notify_other_attempts = False
        self.running = True
        self.antenna_connected = {a: True for a in range(1, NUM_ANTENNAS + 1)}
        self.config_state = 1
        self.report_buffer = []
        self.factory_defaults()

    # ----------------------------------------------------------------- configuration state

    def factory_defaults(self):
        """Factory defaults (12.1.3 ResetToFactoryDefault): no ROSpecs or AccessSpecs, no
        keepalives, every event notification off, no hold, reports per tag."""
        for rec in list(getattr(self, 'rospecs', {}).values()):
            if rec.state == ROSPEC_ACTIVE:
                self.stop_rospec(rec, 'factory-reset')
        self.rospecs = {}
        self.accessspecs = {}
        self.events_enabled = set()
        self.keepalive_ms = 0
        self.hold = False
        self.default_report = NS(trigger=2, n=1, sel=NS(
            ROSpecID=0, SpecIndex=0, InventoryParameterSpecID=0, AntennaID=0, ChannelIndex=0,
            PeakRSSI=0, FirstSeenTimestamp=0, LastSeenTimestamp=0, TagSeenCount=0,
            AccessSpecID=0, crc=0, pc=0))
        self.default_access_trigger = 0
        self.antenna_gain = {a: 0 for a in range(1, NUM_ANTENNAS + 1)}
        self.ant_conf = {a: NS(sensitivity=SENSITIVITY_TABLE[0][0],
                               hop=self.region.hop_table_id, channel=1,
                               power=POWER_TABLE[-1][0], aware=0, filters=[],
                               mode=self.ctx.mode_index_of(DEFAULT_MODE_POS), tari=0,
                               session=2, population=32, transit=0, sing_action=b'')
                         for a in range(1, NUM_ANTENNAS + 1)}
        self.gpo = {p: 0 for p in range(1, NUM_GPOS + 1)}
        self.gpi_config = {p: 1 for p in range(1, NUM_GPIS + 1)}
        self.config_state += 1

    def next_id(self):
        self.msg_id += 1
        return self.msg_id

    @staticmethod
    def apply_antenna_conf(conf, ac):
        if ac.rx is not None:
            conf.sensitivity = ac.rx
        if ac.tx is not None:
            conf.hop, conf.channel, conf.power = ac.tx.hop, ac.tx.channel, ac.tx.power
        if ac.inv is not None:
            conf.aware = ac.inv.aware
            if ac.inv.filters:
                conf.filters = ac.inv.filters
            if ac.inv.rf is not None:
                conf.mode, conf.tari = ac.inv.rf.mode_index, ac.inv.rf.tari
            if ac.inv.sing is not None:
                s = ac.inv.sing
                conf.session, conf.population, conf.transit = s.session, s.population, s.transit
                conf.sing_action = s.action_raw

    def effective_conf(self, ai, antenna):
        """The reader's antenna defaults, overridden by the first InventoryParameterSpec's
        AntennaConfigurations for that antenna (AntennaID 0 first, then the antenna's own)."""
        conf = NS(**vars(self.ant_conf[antenna]))
        confs = ai.ips[0].confs if ai.ips else []
        for ac in sorted(confs, key=lambda x: x.antenna != 0):
            if ac.antenna in (0, antenna):
                self.apply_antenna_conf(conf, ac)
        return conf

    # ----------------------------------------------------------------- writing

    def write_segments(self, sock, data, raw):
        mode = self.split
        if raw or mode is None or len(data) <= 1:
            sock.sendall(data)
            return
        if mode[0] == 'fixed':
            n, delay = mode[1], mode[2]
            cuts = list(range(n, len(data), n))
        else:
            delay = mode[1]
            k = self.rng.randint(1, min(4, len(data) - 1))
            cuts = sorted(self.rng.sample(range(1, len(data)), k))
        prev = 0
        for j, cut in enumerate(cuts + [len(data)]):
            if j:
                time.sleep(delay / 1000.0)
            sock.sendall(data[prev:cut])    # TCP_NODELAY is on: one segment per send
            prev = cut

    def send_message(self, mtype, body, mid=None, label_extra='', after=None):
        conn = self.conn
        if conn is None or not conn.alive:
            return False
        if mid is None:
            mid = self.next_id()
        label = '%s id=%d%s' % (mname(mtype), mid, label_extra)
        return conn.send(message(mtype, mid, body), label, after)

    def respond(self, conn, req_name, mid, status, extra=b'', after=None):
        rname = RESPONSE_OF.get(req_name, 'ERROR_MESSAGE')
        code = struct.unpack_from('>H', status, 4)[0]
        label = '%s id=%d status=%s' % (rname, mid, STATUS_NAMES.get(code, code))
        conn.send(message(MESSAGE_TYPES[rname], mid, status + extra), label, after)

    # ----------------------------------------------------------------- events

    def event_body(self, event_param):
        # ReaderEventNotificationData (13.2.6): Timestamp first (UTCTimestamp, since
        # HasUTCClockCapability=1), then the event parameters in the spec's order
        return tlv(246, tlv(128, struct.pack('>Q', now_us())) + event_param)

    def send_event(self, event_type, event_param, label_extra, after=None):
        """Send a READER_EVENT_NOTIFICATION for an event the client may (un)subscribe.
        Returns 'sent', 'not-enabled', 'no-client' or 'held'."""
        if event_type not in self.events_enabled:
            return 'not-enabled'
        conn = self.conn
        if conn is None or not conn.alive or conn.closing:
            return 'no-client'
        body = self.event_body(event_param)
        if conn.held:
            conn.held_events.append((body, label_extra, after))
            return 'held'
        self.send_message(63, body, label_extra=label_extra, after=after)
        return 'sent'

    def rospec_event(self, kind, rid, preempting=0):
        # ROSpecEvent (13.2.6.4): EventType u8 (0 start, 1 end, 2 preemption), ROSpecID u32,
        # PreemptingROSpecID u32
        self.send_event(EV_ROSPEC, tlv(249, struct.pack('>BII', kind, rid, preempting)),
                        ' event=ROSpecEvent')

    def aispec_event(self, rec, spec_index):
        # AISpecEvent (13.2.6.9): EventType u8 (0 end), ROSpecID u32, SpecIndex u16,
        # C1G2SingulationDetails 0-1 (sent when type 7 "with details" is enabled)
        if EV_AISPEC_DETAILS in self.events_enabled:
            body = tlv(254, struct.pack('>BIH', 0, rec.id, spec_index) +
                       tv(18, struct.pack('>HH', 0, 0)))
            self.send_event(EV_AISPEC_DETAILS, body, ' event=AISpecEvent')
        else:
            self.send_event(EV_AISPEC, tlv(254, struct.pack('>BIH', 0, rec.id, spec_index)),
                            ' event=AISpecEvent')

    # ----------------------------------------------------------------- connections

    def accept_loop(self, listener):
        listener.settimeout(0.2)
        while self.running:
            try:
                sock, addr = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            peer = '%s:%d' % addr[:2]
            with self.lock:
                if self.conn is not None and self.conn.alive:
                    self.reject(sock, peer)
                    continue
                conn = Connection(self, sock, peer)
                self.conn = conn
                out('CONNECTED', peer)
                # 13.2.6.11 / 18.1: a new client is greeted with ConnectionAttemptEvent Success,
                # always (not subject to ReaderEventNotificationSpec or holding)
                conn.held = self.hold
                self.send_message(63, self.event_body(tlv(256, struct.pack('>H', 0))),
                                  label_extra=' event=ConnectionAttemptEvent status=0')
                if self.keepalive_ms:
                    conn.next_keepalive = time.monotonic() + self.keepalive_ms / 1000.0
                conn.start()

    def reject(self, sock, peer):
        # ConnectionAttemptEvent status 2 = "Failed (a Client initiated connection already
        # exists)"; the new connection is then closed.
        mid = self.next_id()
        data = message(63, mid, self.event_body(tlv(256, struct.pack('>H', 2))))
        try:
            sock.sendall(data)
        except OSError:
            pass
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
        out('REJECTED', peer, 'a-client-connection-already-exists (ConnectionAttemptEvent '
            'status=2 id=%d)' % mid)
        if self.notify_other_attempts:
            # status 4 = "Another connection attempted", to the client that stays connected
            self.send_message(63, self.event_body(tlv(256, struct.pack('>H', 4))),
                              label_extra=' event=ConnectionAttemptEvent status=4')

    def connection_lost(self, conn, why):
        conn.close(why)

    def frame_error(self, conn, mtype, mid, version, text):
        """A header that cannot be framed (length < 10, or over the limit): answer with an
        ERROR_MESSAGE, then drop the connection (the byte stream cannot be resynchronised)."""
        out('RECEIVED', mname(mtype), 'id=%d' % mid)
        out('REFUSED', mname(mtype), 'M_FieldError', 'header.MessageLength', text)
        status = llrp_status(M_FIELD_ERROR, 'header: ' + text, field_error(0, A_OUT_OF_RANGE))
        conn.send(message(100, mid, status), 'ERROR_MESSAGE id=%d status=M_FieldError' % mid,
                  after=lambda: conn.close('protocol-error ' + text.replace(' ', '-')))

    # ----------------------------------------------------------------- message dispatch

    def handle_message(self, conn, mtype, mid, version, rsvd, body):
        name = mname(mtype)
        out('RECEIVED', name, 'id=%d' % mid)
        with self.lock:
            if conn.closing or not conn.alive:
                out('IGNORED', name, 'id=%d' % mid, 'connection-closing')
                return
            if name in self.ignored:
                out('IGNORED', name, 'id=%d' % mid, 'ignore-command')
                return
            if version != 1:
                # 14.1.1: reply in the received version, same ID, M_UnsupportedVersion and no
                # sub-parameters
                text = 'version %d is not supported (this reader speaks LLRP 1.0.1, version 1)' \
                    % version
                out('REFUSED', name, 'M_UnsupportedVersion', 'header.Ver', text)
                conn.send(message(100, mid, llrp_status(M_UNSUPPORTED_VERSION, text), version),
                          'ERROR_MESSAGE id=%d status=M_UnsupportedVersion' % mid)
                return
            if rsvd:
                text = 'the 3 reserved bits of the message header are not zero (0x%x)' % rsvd
                out('REFUSED', name, 'M_FieldError', 'header.Rsvd', text)
                conn.send(message(100, mid, llrp_status(M_FIELD_ERROR, text,
                                                        field_error(0, A_INVALID))),
                          'ERROR_MESSAGE id=%d status=M_FieldError' % mid)
                return
            handler = getattr(self, 'h_' + name.lower(), None) if mtype in MESSAGE_NAMES else None
            if handler is None or name not in CLIENT_MESSAGES:
                text = 'message type %d (%s) is not supported by this reader' % (mtype, name)
                out('REFUSED', name, 'M_UnsupportedMessage', 'message', text)
                conn.send(message(100, mid, llrp_status(M_UNSUPPORTED_MESSAGE, text)),
                          'ERROR_MESSAGE id=%d status=M_UnsupportedMessage' % mid)
                return
            try:
                result = handler(conn, mid, Cursor(body, []))
            except LLRPError as e:
                out('REFUSED', name, STATUS_NAMES[e.status_code()], e.where(), e.text)
                self.respond(conn, name, mid, e.encode())
                return
            if result is None:          # no response (or sent by the handler itself)
                return
            # result: extra response parameters, or (extra, after, then): `after` runs once the
            # response is written, `then` right after it is queued (so that what the request
            # sets off, e.g. a ROSpecEvent, follows the response on the wire)
            extra, after, then = (result + (None,) * 3)[:3] if isinstance(result, tuple) \
                else (result, None, None)
            self.respond(conn, name, mid, SUCCESS, extra, after)
            if then:
                then()

    # --- capabilities and configuration (chapters 9 and 12)

    def h_get_reader_capabilities(self, conn, mid, c):
        # GET_READER_CAPABILITIES (9.1.1): RequestedData u8 (0 all, 1 general device, 2 LLRP,
        # 3 regulatory, 4 air protocol), Custom 0-n
        req = c.u8('RequestedData')
        c.params([('Custom', (CUSTOM,), 0, INF)])
        check_enum([], 0, 'RequestedData', req, 4)
        b = b''
        if req in (0, 1):
            b += self.enc_general_capabilities()
        if req in (0, 2):
            b += self.enc_llrp_capabilities()
        if req in (0, 3):
            b += self.enc_regulatory_capabilities()
        if req in (0, 4):
            # C1G2LLRPCapabilities (15.2.1.1.1): CanSupportBlockErase u1, CanSupportBlockWrite
            # u1, Rsvd 6, MaxNumSelectFiltersPerQuery u16
            b += tlv(327, struct.pack('>BH', 0, MAX_FILTERS_PER_QUERY))
        return b

    def enc_general_capabilities(self):
        # GeneralDeviceCapabilities (9.2.1): MaxNumberOfAntennaSupported u16,
        # CanSetAntennaProperties u1, HasUTCClockCapability u1, Rsvd 14, DeviceManufacturerName
        # u32, ModelName u32, ReaderFirmwareVersion utf8v, ReceiveSensitivityTableEntry 1-n,
        # PerAntennaReceiveSensitivityRange 0-n, GPIOCapabilities 1, PerAntennaAirProtocol 1-n
        # (sub-parameter order as in the LTK binary definition of 1.0.1)
        b = struct.pack('>HHII', NUM_ANTENNAS, 0x8000 | 0x4000, MANUFACTURER, MODEL)
        b += utf8v(FIRMWARE)
        for idx, val in SENSITIVITY_TABLE:
            b += tlv(139, struct.pack('>Hh', idx, val))
        b += tlv(141, struct.pack('>HH', NUM_GPIS, NUM_GPOS))
        for a in range(1, NUM_ANTENNAS + 1):
            b += tlv(140, struct.pack('>HH', a, 1) + b'\x01')   # ProtocolID u8v [1 = C1G2]
        return tlv(137, b)

    def enc_llrp_capabilities(self):
        # LLRPCapabilities (9.2.2): CanDoRFSurvey, CanReportBufferFillWarning,
        # SupportsClientRequestOpSpec, CanDoTagInventoryStateAwareSingulation,
        # SupportsEventAndReportHolding (u1 each), Rsvd 3, MaxNumPriorityLevelsSupported u8,
        # ClientRequestOpSpecTimeout u16, MaxNumROSpecs, MaxNumSpecsPerROSpec,
        # MaxNumInventoryParameterSpecsPerAISpec, MaxNumAccessSpecs, MaxNumOpSpecsPerAccessSpec
        # (u32 each)
        return tlv(142, struct.pack('>BBHIIIII', 0x08, 8, 0, MAX_ROSPECS, MAX_SPECS_PER_ROSPEC,
                                    MAX_IPS_PER_AISPEC, MAX_ACCESSSPECS,
                                    MAX_OPSPECS_PER_ACCESSSPEC))

    def enc_regulatory_capabilities(self):
        # RegulatoryCapabilities (9.2.4): CountryCode u16, CommunicationsStandard u16,
        # UHFBandCapabilities 0-1 (TransmitPowerLevelTableEntry 1-n, FrequencyInformation 1,
        # C1G2UHFRFModeTable 1-n)
        r = self.region
        band = b''.join(tlv(145, struct.pack('>Hh', i, v)) for i, v in POWER_TABLE)
        if r.hopping:
            # FrequencyHopTable: HopTableID u8, Rsvd 8, Frequency u32v (kHz)
            table = tlv(147, struct.pack('>BBH', r.hop_table_id, 0, len(r.freqs)) +
                        b''.join(struct.pack('>I', f) for f in r.freqs))
        else:
            table = tlv(148, struct.pack('>H', len(r.freqs)) +
                        b''.join(struct.pack('>I', f) for f in r.freqs))
        band += tlv(146, bytes([0x80 if r.hopping else 0]) + table)
        entries = b''
        for m in MODES:
            entries += tlv(329, struct.pack('>IBBBBIIIII', m.ident,
                                            (m.dr << 7) | (m.conformance << 6), m.m, m.flm, m.smi,
                                            m.bdr, m.pie, m.min_tari, m.max_tari, m.step_tari))
        band += tlv(328, entries)
        return tlv(143, struct.pack('>HH', r.country, r.standard) + tlv(144, band))

    def h_get_reader_config(self, conn, mid, c):
        # GET_READER_CONFIG (12.1.1): AntennaID u16, RequestedData u8, GPIPortNum u16,
        # GPOPortNum u16, Custom 0-n
        ant = c.u16('AntennaID')
        req = c.u8('RequestedData')
        gpi = c.u16('GPIPortNum')
        gpo = c.u16('GPOPortNum')
        c.params([('Custom', (CUSTOM,), 0, INF)])
        if ant > NUM_ANTENNAS:
            raise ferr([], 0, 'AntennaID', A_OUT_OF_RANGE, 'antenna %d does not exist' % ant)
        check_enum([], 1, 'RequestedData', req, 11)
        if gpi > NUM_GPIS:
            raise ferr([], 2, 'GPIPortNum', A_OUT_OF_RANGE, 'GPI port %d does not exist' % gpi)
        if gpo > NUM_GPOS:
            raise ferr([], 3, 'GPOPortNum', A_OUT_OF_RANGE, 'GPO port %d does not exist' % gpo)
        ants = [ant] if ant else list(range(1, NUM_ANTENNAS + 1))
        want = lambda k: req in (0, k)                                   # noqa: E731
        b = b''
        if want(1):
            b += tlv(218, struct.pack('>BH', 0, len(READER_ID)) + READER_ID)
        if want(2):
            for a in ants:
                b += tlv(221, struct.pack('>BHh', 0x80 if self.antenna_connected[a] else 0, a,
                                          self.antenna_gain[a]))
        if want(3):
            for a in ants:
                b += self.enc_antenna_configuration(a)
        if want(5):
            b += tlv(244, b''.join(tlv(245, struct.pack('>HB', t, 0x80 if t in
                                                        self.events_enabled else 0))
                                   for t in sorted(EVENT_TYPE_NAMES)))
        if want(4):
            b += self.enc_ro_report_spec(self.default_report)
        if want(6):
            b += tlv(239, bytes([self.default_access_trigger]))
        if want(7):
            b += tlv(217, struct.pack('>I', self.config_state & 0xFFFFFFFF))
        if want(8):
            b += tlv(220, struct.pack('>BI', 1 if self.keepalive_ms else 0, self.keepalive_ms))
        if want(9):
            for p in ([gpi] if gpi else range(1, NUM_GPIS + 1)):
                b += tlv(225, struct.pack('>HBB', p, 0x80 if self.gpi_config[p] else 0, 0))
        if want(10):
            for p in ([gpo] if gpo else range(1, NUM_GPOS + 1)):
                b += tlv(219, struct.pack('>HB', p, 0x80 if self.gpo[p] else 0))
        if want(11):
            b += tlv(226, bytes([0x80 if self.hold else 0]))
        return b

    def enc_antenna_configuration(self, a):
        conf = self.ant_conf[a]
        inv = bytes([0x80 if conf.aware else 0]) + b''.join(f.raw for f in conf.filters)
        inv += tlv(335, struct.pack('>HH', conf.mode, conf.tari))
        inv += tlv(336, bytes([conf.session << 6]) + struct.pack('>HI', conf.population,
                                                                  conf.transit) + conf.sing_action)
        return tlv(222, struct.pack('>H', a) + tlv(223, struct.pack('>H', conf.sensitivity)) +
                   tlv(224, struct.pack('>HHH', conf.hop, conf.channel, conf.power)) +
                   tlv(330, inv))

    @staticmethod
    def enc_ro_report_spec(rs):
        s = rs.sel
        flags = [s.ROSpecID, s.SpecIndex, s.InventoryParameterSpecID, s.AntennaID,
                 s.ChannelIndex, s.PeakRSSI, s.FirstSeenTimestamp, s.LastSeenTimestamp,
                 s.TagSeenCount, s.AccessSpecID]
        word = 0
        for k, f in enumerate(flags):
            word |= (f & 1) << (15 - k)
        sel = struct.pack('>H', word)
        if s.crc or s.pc:
            sel += tlv(348, bytes([(s.crc << 7) | (s.pc << 6)]))
        return tlv(237, struct.pack('>BH', rs.trigger, rs.n) + tlv(238, sel))

    def h_set_reader_config(self, conn, mid, c):
        # SET_READER_CONFIG (12.1.3): ResetToFactoryDefault u1, Rsvd 7, then in this order:
        # ReaderEventNotificationSpec 0-1, AntennaProperties 0-n, AntennaConfiguration 0-n,
        # ROReportSpec 0-1, AccessReportSpec 0-1, KeepaliveSpec 0-1, GPOWriteData 0-n,
        # GPIPortCurrentState 0-n, EventsAndReports 0-1, Custom 0-n
        reset = c.bits([('ResetToFactoryDefault', 1), (None, 7)])
        g = c.params([('Events', (244,), 0, 1), ('Props', (221,), 0, INF),
                      ('Confs', (222,), 0, INF), ('ROReport', (237,), 0, 1),
                      ('AccessReport', (239,), 0, 1), ('Keepalive', (220,), 0, 1),
                      ('GPO', (219,), 0, INF), ('GPI', (225,), 0, INF),
                      ('EAR', (226,), 0, 1), ('Custom', (CUSTOM,), 0, INF)])
        # Decode and check everything first: 14.1.1 "no portion of the message containing an
        # error SHALL be executed".
        events = []
        if g['Events']:
            path = [244]
            eg = Cursor(g['Events'][0].body, path).params([('State', (245,), 1, INF)])
            for ep in eg['State']:
                epath = path + [245]
                ec = Cursor(ep.body, epath)
                # EventNotificationState: EventType u16, NotificationState u1, Rsvd 7
                et = ec.u16('EventType')
                st = ec.bits([('NotificationState', 1), (None, 7)])
                ec.done()
                check_enum(epath, 0, 'EventType', et, 8)
                events.append((et, st))
        props = []
        for pp in g['Props']:
            path = [221]
            pc = Cursor(pp.body, path)
            # AntennaProperties (12.2.5.1): AntennaConnected u1, Rsvd 7, AntennaID u16,
            # AntennaGain s16 (dBi*100).  AntennaConnected is the reader's to report.
            pc.bits([('AntennaConnected', 1), (None, 7)])
            a = pc.u16('AntennaID')
            gain = pc.s16('AntennaGain')
            pc.done()
            if not 1 <= a <= NUM_ANTENNAS:
                raise ferr(path, 1, 'AntennaID', A_OUT_OF_RANGE, 'antenna %d does not exist '
                           '(1..%d)' % (a, NUM_ANTENNAS))
            props.append((a, gain))
        confs = [dec_antenna_configuration(p, [], self.ctx) for p in g['Confs']]
        ro_report = dec_ro_report_spec(g['ROReport'][0], []) if g['ROReport'] else None
        access_report = (dec_access_report_spec(g['AccessReport'][0], [])
                         if g['AccessReport'] else None)
        keepalive = None
        if g['Keepalive']:
            path = [220]
            kc = Cursor(g['Keepalive'][0].body, path)
            # KeepaliveSpec (12.2.4): KeepaliveTriggerType u8 (0 Null, 1 Periodic),
            # PeriodicTriggerValue u32 (ms)
            ktype = kc.u8('KeepaliveTriggerType')
            period = kc.u32('PeriodicTriggerValue')
            kc.done()
            check_enum(path, 0, 'KeepaliveTriggerType', ktype, 1)
            if ktype == 1 and period == 0:
                raise ferr(path, 1, 'PeriodicTriggerValue', A_INVALID, 'a periodic keepalive '
                           'needs a period > 0 ms')
            keepalive = period if ktype == 1 else 0
        gpos = []
        for gp in g['GPO']:
            path = [219]
            gc = Cursor(gp.body, path)
            port = gc.u16('GPOPortNumber')
            data = gc.bits([('GPOData', 1), (None, 7)])
            gc.done()
            if not 1 <= port <= NUM_GPOS:
                raise ferr(path, 0, 'GPOPortNumber', A_OUT_OF_RANGE, 'GPO port %d does not '
                           'exist (1..%d)' % (port, NUM_GPOS))
            gpos.append((port, data))
        gpis = []
        for gp in g['GPI']:
            path = [225]
            gc = Cursor(gp.body, path)
            port = gc.u16('GPIPortNum')
            cfg = gc.bits([('Config', 1), (None, 7)])
            state = gc.u8('State')
            gc.done()
            if not 1 <= port <= NUM_GPIS:
                raise ferr(path, 0, 'GPIPortNum', A_OUT_OF_RANGE, 'GPI port %d does not exist '
                           '(1..%d)' % (port, NUM_GPIS))
            check_enum(path, 2, 'State', state, 2)
            gpis.append((port, cfg))
        hold = None
        if g['EAR']:
            path = [226]
            hc = Cursor(g['EAR'][0].body, path)
            hold = hc.bits([('HoldEventsAndReportsUponReconnect', 1), (None, 7)])
            hc.done()

        # Apply.  ResetToFactoryDefault first, then the parameters (12.1.3).
        if reset:
            self.factory_defaults()
            out('NOTE', 'factory reset: ROSpecs and AccessSpecs deleted, configuration restored')
        for et, st in events:
            (self.events_enabled.add if st else self.events_enabled.discard)(et)
        for a, gain in props:
            self.antenna_gain[a] = gain
        for ac in confs:
            for a in ([ac.antenna] if ac.antenna else range(1, NUM_ANTENNAS + 1)):
                self.apply_antenna_conf(self.ant_conf[a], ac)
        if ro_report is not None:
            self.default_report = ro_report
        if access_report is not None:
            self.default_access_trigger = access_report
        if keepalive is not None or reset:
            if keepalive is not None:
                self.keepalive_ms = keepalive
            if conn.alive:
                conn.next_keepalive = (time.monotonic() + self.keepalive_ms / 1000.0
                                       if self.keepalive_ms else None)
        for port, data in gpos:
            self.gpo[port] = data
            out('GPO', port, data)
        for port, cfg in gpis:
            self.gpi_config[port] = cfg
        if hold is not None:
            self.hold = bool(hold)
        self.config_state += 1
        out('CONFIG_SET', 'reset=%d' % reset,
            'keepalive=%s' % (self.keepalive_ms or 'off'),
            'events=%s' % (','.join(str(e) for e in sorted(self.events_enabled)) or 'none'),
            'hold=%d' % self.hold)
        return b''

    def h_close_connection(self, conn, mid, c):
        # CLOSE_CONNECTION (12.1.5): answer, then close.
        c.done()
        conn.closing = True
        return b'', (lambda: conn.close('close-connection'))

    # --- ROSpecs (chapter 10)

    def find_rospec(self, rid, fieldnum=0):
        rec = self.rospecs.get(rid)
        if rec is None:
            raise ferr([], fieldnum, 'ROSpecID', A_INVALID, 'no ROSpec with ROSpecID %d' % rid)
        return rec

    def h_add_rospec(self, conn, mid, c):
        g = c.params([('ROSpec', (177,), 1, 1)])
        p = g['ROSpec'][0]
        spec = dec_rospec(p, [], self.ctx)
        if spec.id in self.rospecs:
            raise ferr([177], 0, 'ROSpecID', A_INVALID, 'a ROSpec with ROSpecID %d already '
                       'exists' % spec.id)
        if len(self.rospecs) >= MAX_ROSPECS:
            raise perr([], 'overflow', 177, 'this reader holds at most %d ROSpecs' % MAX_ROSPECS)
        self.rospecs[spec.id] = ROSpecRec(spec, p.raw)
        self.config_state += 1
        out('ROSPEC_ADDED', spec.id)
        return b''

    def h_delete_rospec(self, conn, mid, c):
        rid = c.u32('ROSpecID')
        c.done()
        recs = list(self.rospecs.values()) if rid == 0 else [self.find_rospec(rid)]
        for rec in recs:
            if rec.state == ROSPEC_ACTIVE:
                self.stop_rospec(rec, 'deleted')
            del self.rospecs[rec.id]
            out('ROSPEC_DELETED', rec.id)
        self.config_state += 1
        return b''

    def h_enable_rospec(self, conn, mid, c):
        rid = c.u32('ROSpecID')
        c.done()
        recs = list(self.rospecs.values()) if rid == 0 else [self.find_rospec(rid)]
        immediate = []
        for rec in recs:
            if rec.state != ROSPEC_DISABLED:
                continue
            rec.state = ROSPEC_INACTIVE
            out('ROSPEC_ENABLED', rec.id)
            st = rec.spec.start
            if st.type == 1:          # Immediate: starts as soon as it is enabled (10.2.1.1.1)
                immediate.append(rec)
            elif st.type == 2:
                self.schedule_periodic(rec, first=True)

        def then():
            for r in immediate:
                if not self.start_rospec(r, 'immediate'):
                    out('NOTE', 'ROSpec %d (immediate) not started: a ROSpec of equal or higher '
                        'priority is active' % r.id)
        return b'', None, then

    def h_disable_rospec(self, conn, mid, c):
        rid = c.u32('ROSpecID')
        c.done()
        recs = list(self.rospecs.values()) if rid == 0 else [self.find_rospec(rid)]
        for rec in recs:
            if rec.state == ROSPEC_ACTIVE:
                self.stop_rospec(rec, 'disabled')
            if rec.state != ROSPEC_DISABLED:
                rec.state = ROSPEC_DISABLED
                rec.next_start = None
                out('ROSPEC_DISABLED', rec.id)
        return b''

    def h_start_rospec(self, conn, mid, c):
        rid = c.u32('ROSpecID')
        c.done()
        if rid == 0:
            raise ferr([], 0, 'ROSpecID', A_INVALID, 'ROSpecID 0 is not allowed in START_ROSPEC')
        rec = self.find_rospec(rid)
        if rec.state == ROSPEC_DISABLED:
            raise ferr([], 0, 'ROSpecID', A_INVALID, 'ROSpec %d is disabled: ENABLE_ROSPEC it '
                       'first' % rid)
        if rec.state == ROSPEC_ACTIVE:
            raise ferr([], 0, 'ROSpecID', A_INVALID, 'ROSpec %d is already active' % rid)
        active = self.active_rospec()
        if active is not None and active.spec.priority <= rec.spec.priority:
            raise ferr([], 0, 'ROSpecID', A_INVALID, 'ROSpec %d of equal or higher priority is '
                       'active' % active.id)
        return b'', None, lambda: self.start_rospec(rec, 'START_ROSPEC')

    def h_stop_rospec(self, conn, mid, c):
        rid = c.u32('ROSpecID')
        c.done()
        if rid == 0:
            raise ferr([], 0, 'ROSpecID', A_INVALID, 'ROSpecID 0 is not allowed in STOP_ROSPEC')
        rec = self.find_rospec(rid)
        if rec.state == ROSPEC_DISABLED:
            raise ferr([], 0, 'ROSpecID', A_INVALID, 'ROSpec %d is disabled' % rid)
        if rec.state == ROSPEC_ACTIVE:
            self.stop_rospec(rec, 'STOP_ROSPEC')
        else:
            out('NOTE', 'STOP_ROSPEC %d: it was not running (Inactive), nothing to do' % rid)
        return b''

    def h_get_rospecs(self, conn, mid, c):
        c.done()
        return b''.join(rec.encode() for rec in self.rospecs.values())

    # --- ROSpec execution

    def active_rospec(self):
        return next((r for r in self.rospecs.values() if r.state == ROSPEC_ACTIVE), None)

    def report_spec(self, rec):
        # 12.1.3: a ROSpec without its own ROReportSpec uses the reader's (SET_READER_CONFIG)
        return rec.spec.report if rec.spec.report is not None else self.default_report

    def start_rospec(self, rec, why):
        active = self.active_rospec()
        if active is not None and active is not rec:
            # 10.2.1: lower Priority value = higher priority; a ROSpec of higher priority
            # preempts the running one
            if rec.spec.priority < active.spec.priority:
                self.stop_rospec(active, 'preempted', preempted_by=rec.id)
            else:
                return False
        now = time.monotonic()
        rec.state = ROSPEC_ACTIVE
        rec.ai_index, rec.ai_started, rec.ai_tags, rec.ai_forced_end = 0, now, set(), False
        stop = rec.spec.stop
        if stop.type == 1:
            rec.stop_at = now + stop.duration / 1000.0
        elif stop.type == 2 and stop.gpi.timeout:
            rec.stop_at = now + stop.gpi.timeout / 1000.0
        else:
            rec.stop_at = None
        self.rospec_event(0, rec.id)
        out('ROSPEC_STARTED', rec.id, self.settings_summary(rec))
        return True

    def settings_summary(self, rec):
        listed, per_ant = [], {}
        for ai in rec.spec.aispecs:
            for a in ai.antennas:
                if a not in listed:
                    listed.append(a)
            for a in (range(1, NUM_ANTENNAS + 1) if 0 in ai.antennas else ai.antennas):
                per_ant.setdefault(a, self.effective_conf(ai, a))

        def fmt(key):
            vals = [(a, getattr(conf, key) if key != 'filters' else len(conf.filters))
                    for a, conf in sorted(per_ant.items())]
            if len({v for _, v in vals}) == 1:
                return str(vals[0][1])
            return ','.join('%d:%s' % av for av in vals)

        return ' '.join(['antennas=' + ','.join(str(a) for a in listed),
                         'power=' + fmt('power'), 'session=' + fmt('session'),
                         'population=' + fmt('population'), 'mode=' + fmt('mode'),
                         'tari=' + fmt('tari'), 'sensitivity=' + fmt('sensitivity'),
                         'filters=' + fmt('filters')])

    def stop_rospec(self, rec, why, preempted_by=0):
        # Tag data of the ROSpec goes out before the event that ends it (13.2.6)
        self.flush_pending(rec)
        rec.state = ROSPEC_INACTIVE
        rec.stop_at = None
        self.rospec_event(2 if preempted_by else 1, rec.id, preempted_by)
        out('ROSPEC_STOPPED', rec.id, why)

    def schedule_periodic(self, rec, first=False):
        # PeriodicTriggerValue (10.2.1.1.1.1): first start = (UTC time, or message receipt) +
        # Offset; then every Period ms (Period 0 = one shot)
        pt = rec.spec.start.periodic
        now = time.monotonic()
        if first:
            if pt.utc is not None:
                base = now + (pt.utc / 1e6 - time.time())
            else:
                base = now
            rec.next_start = base + pt.offset / 1000.0
            if pt.period and rec.next_start < now:
                missed = int((now - rec.next_start) / (pt.period / 1000.0)) + 1
                rec.next_start += missed * pt.period / 1000.0
        elif pt.period:
            rec.next_start += pt.period / 1000.0
        else:
            rec.next_start = None

    def ai_deadline(self, rec):
        ai = rec.spec.aispecs[rec.ai_index]
        if rec.ai_forced_end:
            return rec.ai_started
        st = ai.stop
        if st.type == 1:
            return rec.ai_started + st.duration / 1000.0
        if st.type == 2 and st.gpi.timeout:
            return rec.ai_started + st.gpi.timeout / 1000.0
        if st.type == 3 and st.tobs.timeout:
            return rec.ai_started + st.tobs.timeout / 1000.0
        return None

    def advance(self, rec, now):
        """Move a running ROSpec along its AISpecs and stop triggers (1.0.1 has no loops: the
        ROSpec is done after its last AISpec)."""
        if rec.stop_at is not None and now >= rec.stop_at:
            self.stop_rospec(rec, 'stop-trigger-duration')
            return
        d = self.ai_deadline(rec)
        while d is not None and now >= d:
            ai = rec.spec.aispecs[rec.ai_index]
            if self.report_spec(rec).trigger == 1:
                self.flush_pending(rec)      # "Upon N tags or end of AISpec"
            self.aispec_event(rec, ai.index)
            rec.ai_index += 1
            rec.ai_started, rec.ai_tags, rec.ai_forced_end = d, set(), False
            if rec.ai_index >= len(rec.spec.aispecs):
                self.stop_rospec(rec, 'all-aispecs-done')
                return
            d = self.ai_deadline(rec)

    def tick(self):
        now = time.monotonic()
        with self.lock:
            conn = self.conn
            if conn is not None and conn.alive and not conn.closing and self.keepalive_ms:
                if conn.next_keepalive is None:
                    conn.next_keepalive = now + self.keepalive_ms / 1000.0
                elif now >= conn.next_keepalive:
                    conn.next_keepalive += self.keepalive_ms / 1000.0
                    if conn.next_keepalive < now:
                        conn.next_keepalive = now + self.keepalive_ms / 1000.0
                    if self.keepalives_enabled:
                        kid = self.next_id()
                        conn.keepalives_outstanding.add(kid)
                        if len(conn.keepalives_outstanding) > 1000:
                            conn.keepalives_outstanding.discard(min(conn.keepalives_outstanding))
                        self.send_message(62, b'', mid=kid)
            for rec in list(self.rospecs.values()):
                if rec.state == ROSPEC_ACTIVE:
                    self.advance(rec, now)
                elif (rec.state == ROSPEC_INACTIVE and rec.next_start is not None
                      and now >= rec.next_start):
                    self.schedule_periodic(rec)
                    if not self.start_rospec(rec, 'periodic'):
                        out('NOTE', 'ROSpec %d (periodic) not started: a ROSpec of equal or '
                            'higher priority is active' % rec.id)

    # --- reports (chapter 13)

    def deliver(self, items):
        """Send TagReportData items now if a client can take them; else hold/buffer/drop them.
        items: [(epc, TagReportData bytes)]."""
        if not items:
            return
        conn = self.conn
        if conn is None or not conn.alive or conn.closing:
            if self.hold:
                self.buffer(items, 'buffered-no-client')
            else:
                for epc, _ in items:
                    out('NOT_REPORTED', epc, 'no-client')
            return
        if conn.held:
            self.buffer(items, 'buffered-events-and-reports-held')
            return
        epcs = [e for e, _ in items]
        self.send_message(61, b''.join(b for _, b in items),
                          label_extra=' tags=%d' % len(items),
                          after=lambda: [out('REPORTED', e) for e in epcs])

    def buffer(self, items, why):
        for epc, trd in items:
            if len(self.report_buffer) >= REPORT_BUFFER_LIMIT:
                old = self.report_buffer.pop(0)
                out('NOTE', 'report buffer full: dropped the oldest report (%s)' % old[0])
            self.report_buffer.append((epc, trd))
            if why:
                out('NOT_REPORTED', epc, why)

    def flush_pending(self, rec):
        items, rec.pending = rec.pending, []
        self.deliver(items)

    def h_get_report(self, conn, mid, c):
        # GET_REPORT (13.1.1): the reports accumulated, in an RO_ACCESS_REPORT (sent with the
        # request's message ID; it may be empty)
        c.done()
        self.send_all_buffered(conn, mid)
        return None

    def send_all_buffered(self, conn, mid=None):
        items = list(self.report_buffer)
        self.report_buffer = []
        for rec in self.rospecs.values():
            items += rec.pending
            rec.pending = []
        epcs = [e for e, _ in items]
        self.send_message(61, b''.join(b for _, b in items), mid=mid,
                          label_extra=' tags=%d' % len(items),
                          after=lambda: [out('REPORTED', e) for e in epcs])

    def h_enable_events_and_reports(self, conn, mid, c):
        # ENABLE_EVENTS_AND_REPORTS (13.1.6): release the hold; send what was held, then the
        # accumulated reports as for GET_REPORT
        c.done()
        if conn.held:
            conn.held = False
            held, conn.held_events = conn.held_events, []
            for body, label_extra, after in held:
                self.send_message(63, body, label_extra=label_extra, after=after)
            self.send_all_buffered(conn)
        else:
            out('NOTE', 'ENABLE_EVENTS_AND_REPORTS: nothing was held')
        return None

    def h_keepalive_ack(self, conn, mid, c):
        c.done()
        out('KEEPALIVE_ACK', mid)
        if mid in conn.keepalives_outstanding:
            conn.keepalives_outstanding.discard(mid)
        else:
            out('NOTE', 'KEEPALIVE_ACK id=%d does not match a KEEPALIVE sent on this connection'
                % mid)
        return None

    # --- AccessSpecs (chapter 11)

    def find_accessspec(self, aid):
        rec = self.accessspecs.get(aid)
        if rec is None:
            raise ferr([], 0, 'AccessSpecID', A_INVALID, 'no AccessSpec with AccessSpecID %d'
                       % aid)
        return rec

    def h_add_accessspec(self, conn, mid, c):
        g = c.params([('AccessSpec', (207,), 1, 1)])
        p = g['AccessSpec'][0]
        spec = dec_accessspec(p, [])
        if spec.id in self.accessspecs:
            raise ferr([207], 0, 'AccessSpecID', A_INVALID, 'an AccessSpec with AccessSpecID %d '
                       'already exists' % spec.id)
        if len(self.accessspecs) >= MAX_ACCESSSPECS:
            raise perr([], 'overflow', 207, 'this reader holds at most %d AccessSpecs'
                       % MAX_ACCESSSPECS)
        self.accessspecs[spec.id] = AccessSpecRec(spec, p.raw)
        self.config_state += 1
        out('ACCESSSPEC_ADDED', spec.id)
        return b''

    def end_accessspec(self, rec):
        """AccessReportTrigger 1 ("End of AccessSpec"): its results go out now."""
        items, rec.pending = rec.pending, []
        self.deliver(items)

    def h_delete_accessspec(self, conn, mid, c):
        aid = c.u32('AccessSpecID')
        c.done()
        recs = list(self.accessspecs.values()) if aid == 0 else [self.find_accessspec(aid)]
        for rec in recs:
            self.end_accessspec(rec)
            del self.accessspecs[rec.id]
            out('ACCESSSPEC_DELETED', rec.id, 'DELETE_ACCESSSPEC')
        self.config_state += 1
        return b''

    def h_enable_accessspec(self, conn, mid, c):
        aid = c.u32('AccessSpecID')
        c.done()
        recs = list(self.accessspecs.values()) if aid == 0 else [self.find_accessspec(aid)]
        for rec in recs:
            if rec.active:
                continue
            rec.active = True
            reads = ['read bank=%d pointer=%d words=%d' % (op.mb, op.pointer, op.count)
                     for op in rec.spec.ops if op.kind == 'read']
            out('ACCESSSPEC_ENABLED', rec.id, *reads)
        return b''

    def h_disable_accessspec(self, conn, mid, c):
        aid = c.u32('AccessSpecID')
        c.done()
        recs = list(self.accessspecs.values()) if aid == 0 else [self.find_accessspec(aid)]
        for rec in recs:
            if rec.active:
                rec.active = False
                self.end_accessspec(rec)
                out('ACCESSSPEC_DISABLED', rec.id)
        return b''

    def h_get_accessspecs(self, conn, mid, c):
        c.done()
        return b''.join(rec.encode() for rec in self.accessspecs.values())

    def run_access(self, rospec, antenna, tag):
        """11.2.1.2: only the first enabled AccessSpec (in the order they were added) whose
        antenna, ROSpec and TagSpec match is executed; its OpSpecs run in order and a failing
        OpSpec ends the AccessSpec's execution."""
        for rec in self.accessspecs.values():
            s = rec.spec
            if not rec.active or s.antenna not in (0, antenna) or s.rospec not in (0, rospec.id):
                continue
            if not all(target_matches(t, tag) for t in s.targets):
                continue
            results, summary = b'', []
            for op in s.ops:
                code, words = self.do_read(op, tag)
                # C1G2ReadOpSpecResult (15.2.1.5.5.1): Result u8, OpSpecID u16, ReadData u16v
                results += tlv(349, struct.pack('>BHH', code, op.opid, len(words)) +
                               words_to_bytes(words))
                summary.append('%d:%d' % (op.opid, code))
                if code != 0:
                    break
            rec.count += 1
            out('ACCESS_EXECUTED', rec.id, tag.epc_hex, ','.join(summary))
            return rec, results
        return None, b''

    @staticmethod
    def do_read(op, tag):
        """Result codes (C1G2ReadResultType): 0 Success, 1 Nonspecific tag error,
        2 No response from tag, 3 Nonspecific reader error."""
        words = tag.bank(op.mb)
        if words is None:
            # a tag without a TID does not answer a read of it; one without user memory
            # answers with an error
            return (2, []) if op.mb == 2 else (1, [])
        if op.count == 0:
            # "WordCount = 0: the whole bank from WordPtr"
            if op.pointer >= len(words):
                return 1, []
            return 0, words[op.pointer:]
        data = words[op.pointer:op.pointer + op.count]
        return 0, data + [0] * (op.count - len(data))     # padded to the requested count

    # --- the stdin side: tags and antennas

    def tag_seen(self, tag):
        epc = tag.epc_hex
        with self.lock:
            rec = self.active_rospec()
            if rec is not None:
                self.advance(rec, time.monotonic())
                rec = self.active_rospec()
            if rec is None:
                out('NOT_REPORTED', epc, 'no-rospec-running')
                return
            a = tag.antenna
            if not 1 <= a <= NUM_ANTENNAS:
                out('NOT_REPORTED', epc, 'no-such-antenna')
                return
            ai = rec.spec.aispecs[rec.ai_index]
            if 0 not in ai.antennas and a not in ai.antennas:
                out('NOT_REPORTED', epc, 'antenna-not-covered')
                return
            if not self.antenna_connected[a]:
                out('NOT_REPORTED', epc, 'antenna-disconnected')
                return
            conf = self.effective_conf(ai, a)
            if not passes_filters(conf.filters, tag):
                out('NOT_REPORTED', epc, 'filtered-by-C1G2Filter')
                return
            rec.ai_tags.add(epc)
            access, results = self.run_access(rec, a, tag)
            access_trigger = None
            if access is not None:
                access_trigger = (access.spec.report if access.spec.report is not None
                                  else self.default_access_trigger)
            rs = self.report_spec(rec)
            ts = now_us()
            channel = 1 if self.region.hopping else conf.channel
            ctx = NS(rec=rec, ai=ai, antenna=a, ts=ts, channel=channel, sel=rs.sel)
            if access is not None and access_trigger == 1:
                access.pending.append((epc, self.tag_report(tag, ctx, access, results)))
                trd = self.tag_report(tag, ctx, None, b'')
            else:
                trd = self.tag_report(tag, ctx, access, results)
            if rs.trigger == 0:
                self.buffer([(epc, trd)], 'buffered-report-trigger-none')
            else:
                rec.pending.append((epc, trd))
                if rs.n and len(rec.pending) >= rs.n:
                    self.flush_pending(rec)
                else:
                    out('NOT_REPORTED', epc, 'buffered-until-report-trigger')
            if access is not None:
                s = access.spec
                if s.stop_type == 1 and s.stop_count and access.count >= s.stop_count:
                    # 11.2.1.1: the AccessSpec is deleted once it ran OperationCountValue times
                    self.end_accessspec(access)
                    del self.accessspecs[access.id]
                    self.config_state += 1
                    out('ACCESSSPEC_DELETED', access.id, 'operation-count-reached')
            st = ai.stop
            if st.type == 3 and st.tobs.trigger == 0 and st.tobs.ntags and \
                    len(rec.ai_tags) >= st.tobs.ntags:
                rec.ai_forced_end = True
                rec.ai_started = time.monotonic()
                self.advance(rec, time.monotonic())

    def tag_report(self, tag, ctx, access, results):
        """TagReportData (13.2.3), its sub-parameters in the spec's order: EPCData|EPC-96,
        ROSpecID, SpecIndex, InventoryParameterSpecID, AntennaID, PeakRSSI, ChannelIndex,
        FirstSeenTimestampUTC, LastSeenTimestampUTC, TagSeenCount, C1G2PC, C1G2CRC,
        AccessSpecID, OpSpecResults."""
        s = ctx.sel
        if tag.epc_bits == 96:
            b = tv(13, tag.epc_bytes)
        else:
            b = tlv(241, struct.pack('>H', tag.epc_bits) + tag.epc_bytes)
        if s.ROSpecID:
            b += tv(9, struct.pack('>I', ctx.rec.id))
        if s.SpecIndex:
            b += tv(14, struct.pack('>H', ctx.ai.index))
        if s.InventoryParameterSpecID:
            b += tv(10, struct.pack('>H', ctx.ai.ips[0].id))
        if s.AntennaID:
            b += tv(1, struct.pack('>H', ctx.antenna))
        if s.PeakRSSI:
            b += tv(6, struct.pack('>b', tag.rssi))
        if s.ChannelIndex:
            b += tv(7, struct.pack('>H', ctx.channel))
        if s.FirstSeenTimestamp:
            b += tv(2, struct.pack('>Q', ctx.ts))
        if s.LastSeenTimestamp:
            b += tv(4, struct.pack('>Q', ctx.ts))
        if s.TagSeenCount:
            b += tv(8, struct.pack('>H', 1))
        if s.pc:
            b += tv(12, struct.pack('>H', tag.pc))
        if s.crc:
            b += tv(11, struct.pack('>H', tag.crc))
        if access is not None and s.AccessSpecID:
            b += tv(16, struct.pack('>I', access.id))
        b += results
        return tlv(240, b)

    def antenna_change(self, a, connected):
        with self.lock:
            changed = self.antenna_connected[a] != connected
            self.antenna_connected[a] = connected
            state = 'connected' if connected else 'disconnected'
            if not changed:
                out('EVENT_NOT_SENT', 'antenna', a, 'unchanged')
                return
            # AntennaEvent (13.2.6.10): EventType u8 (0 disconnected, 1 connected), AntennaID u16
            res = self.send_event(EV_ANTENNA, tlv(255, struct.pack('>BH', int(connected), a)),
                                  ' event=AntennaEvent',
                                  after=lambda: out('EVENT_SENT', 'antenna', a, state))
            if res == 'held':
                out('EVENT_NOT_SENT', 'antenna', a, 'held-until-ENABLE_EVENTS_AND_REPORTS')
            elif res != 'sent':
                out('EVENT_NOT_SENT', 'antenna', a, res)

    def status_line(self):
        with self.lock:
            conn = self.conn
            return ' '.join([
                'connected=%d' % (conn is not None and conn.alive),
                'rospecs=%s' % (','.join('%d:%s' % (r.id, ROSPEC_STATE_NAMES[r.state])
                                         for r in self.rospecs.values()) or 'none'),
                'accessspecs=%s' % (','.join('%d:%s' % (r.id, 'Active' if r.active else
                                                        'Disabled')
                                             for r in self.accessspecs.values()) or 'none'),
                'keepalive=%s' % (self.keepalive_ms or 'off'),
                'events=%s' % (','.join(str(e) for e in sorted(self.events_enabled)) or 'none'),
                'hold=%d' % self.hold,
                'held=%d' % (conn is not None and conn.held),
                'buffered=%d' % len(self.report_buffer),
                'antennas=%s' % ','.join('%d:%s' % (a, 'up' if c else 'down')
                                         for a, c in sorted(self.antenna_connected.items())),
                'split=%s' % ('off' if self.split is None else ':'.join(map(str, self.split))),
                'ignored=%s' % (','.join(sorted(self.ignored)) or 'none'),
            ])


# Messages a client may send and this reader answers (anything else: M_UnsupportedMessage)
CLIENT_MESSAGES = {
    'GET_READER_CAPABILITIES', 'GET_READER_CONFIG', 'SET_READER_CONFIG', 'CLOSE_CONNECTION',
    'ADD_ROSPEC', 'DELETE_ROSPEC', 'START_ROSPEC', 'STOP_ROSPEC', 'ENABLE_ROSPEC',
    'DISABLE_ROSPEC', 'GET_ROSPECS', 'ADD_ACCESSSPEC', 'DELETE_ACCESSSPEC', 'ENABLE_ACCESSSPEC',
    'DISABLE_ACCESSSPEC', 'GET_ACCESSSPECS', 'GET_REPORT', 'ENABLE_EVENTS_AND_REPORTS',
    'KEEPALIVE_ACK',
}


# =============================================================================================
# 10. Control loop (stdin)
# =============================================================================================

def parse_hex(s, what):
    s = s.strip()
    if s.lower().startswith('0x'):
        s = s[2:]
    if not s or any(ch not in '0123456789abcdefABCDEF' for ch in s):
        raise ValueError('%s must be hex: %r' % (what, s))
    return s


def control(emu, line):
    words = line.split()
    if not words:
        return True
    cmd, args = words[0].lower(), words[1:]
    if cmd == 'quit':
        return False
    if cmd == 'tag':
        if not args:
            raise ValueError('usage: tag <epcHex> [antenna=1] [rssi=-50] [tid=<hex>] '
                             '[user=<hex>]')
        epc = parse_hex(args[0], 'EPC')
        opts = {'antenna': '1', 'rssi': '-50', 'tid': None, 'user': None}
        for a in args[1:]:
            k, sep, v = a.partition('=')
            if not sep or k not in opts:
                raise ValueError('unknown tag option %r' % a)
            opts[k] = v
        rssi = int(opts['rssi'])
        if not -128 <= rssi <= 127:
            raise ValueError('rssi must fit a signed byte')
        tag = Tag(epc, int(opts['antenna']), rssi,
                  parse_hex(opts['tid'], 'tid') if opts['tid'] else None,
                  parse_hex(opts['user'], 'user') if opts['user'] else None)
        emu.tag_seen(tag)
    elif cmd == 'antenna':
        if len(args) != 2 or args[1] not in ('connected', 'disconnected'):
            raise ValueError('usage: antenna <id> connected|disconnected')
        a = int(args[0])
        if not 1 <= a <= NUM_ANTENNAS:
            raise ValueError('antenna must be 1..%d' % NUM_ANTENNAS)
        emu.antenna_change(a, args[1] == 'connected')
    elif cmd == 'split':
        if args == ['off']:
            emu.split = None
        elif len(args) == 2 and args[0] == 'random':
            emu.split = ('random', max(0, int(args[1])))
        elif len(args) == 2:
            n, delay = int(args[0]), int(args[1])
            if n < 1 or delay < 0:
                raise ValueError('split needs bytes >= 1 and delayMs >= 0')
            emu.split = ('fixed', n, delay)
        else:
            raise ValueError('usage: split <bytes> <delayMs> | split random <delayMs> | '
                             'split off')
        out('OK', line.strip())
    elif cmd in ('ignore', 'unignore'):
        if len(args) != 1 or args[0] not in MESSAGE_TYPES:
            raise ValueError('usage: %s <MESSAGE_NAME> (an LLRP message name)' % cmd)
        with emu.lock:
            (emu.ignored.add if cmd == 'ignore' else emu.ignored.discard)(args[0])
        out('OK', line.strip())
    elif cmd == 'keepalives':
        if args not in (['on'], ['off']):
            raise ValueError('usage: keepalives on|off')
        emu.keepalives_enabled = args[0] == 'on'
        out('OK', line.strip())
    elif cmd == 'notify-other-attempts':
        if args not in (['on'], ['off']):
            raise ValueError('usage: notify-other-attempts on|off')
        emu.notify_other_attempts = args[0] == 'on'
        out('OK', line.strip())
    elif cmd == 'raw':
        data = bytes.fromhex(parse_hex(''.join(args), 'raw bytes'))
        with emu.lock:
            conn = emu.conn
            if conn is None or not conn.alive:
                raise ValueError('no client connected')
            conn.send(data, None, after=lambda: out('RAW_SENT', len(data)), raw=True)
        out('OK', 'raw %d bytes' % len(data))
    elif cmd == 'drop':
        conn = emu.conn
        if conn is None or not conn.alive:
            raise ValueError('no client connected')
        out('OK', line.strip())
        conn.close('dropped', rst=(args == ['rst']))
    elif cmd == 'close':
        with emu.lock:
            conn = emu.conn
            if conn is None or not conn.alive:
                raise ValueError('no client connected')
            # ConnectionCloseEvent (13.2.6.12): sent whatever the notification settings, then
            # the reader closes and sends nothing more
            emu.send_message(63, emu.event_body(tlv(257)),
                             label_extra=' event=ConnectionCloseEvent',
                             after=lambda: conn.close('reader-closed'))
            conn.closing = True
        out('OK', line.strip())
    elif cmd == 'status':
        out('STATUS', emu.status_line())
    elif cmd == 'echo':
        out('ECHO', ' '.join(args))
    else:
        raise ValueError('unknown command %r' % cmd)
    return True


def main():
    ap = argparse.ArgumentParser(description='LLRP 1.0.1 reader emulator')
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--region', choices=sorted(REGIONS), default='fcc')
    ap.add_argument('--mode-index', choices=['identifier', 'position'], default='identifier')
    args = ap.parse_args()

    emu = Emulator(args)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', args.port))
    listener.listen(4)
    out('LISTENING', listener.getsockname()[1])

    threading.Thread(target=emu.accept_loop, args=(listener,), daemon=True).start()

    def ticker():
        while emu.running:
            time.sleep(0.01)
            try:
                emu.tick()
            except Exception as e:
                out('NOTE', 'internal error in timer: %r' % e)

    threading.Thread(target=ticker, daemon=True).start()

    while True:
        line = sys.stdin.readline()
        if not line:
            break
        try:
            if not control(emu, line):
                break
        except (ValueError, IndexError) as e:
            out('ERROR', str(e))
    emu.running = False
    conn = emu.conn
    if conn is not None:
        conn.close('quit')
    try:
        listener.close()
    except OSError:
        pass
    with _out_lock:
        sys.stdout.flush()
    os._exit(0)


if __name__ == '__main__':
    main()
