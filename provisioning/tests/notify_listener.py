"""A stand-in for systemd's notify socket: binds a datagram Unix socket and writes each message it
receives to a file, one line per message. File descriptors sent with a message (systemd-notify's
barrier) are closed, which is what tells the sender that the message was taken."""
import os
import socket
import sys

path, log_path = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o777)
with open(log_path, "a", buffering=1) as log:
    log.write("listening\n")
    while True:
        data, ancillary, _flags, _addr = sock.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                for i in range(0, len(payload) - len(payload) % 4, 4):
                    os.close(int.from_bytes(payload[i:i + 4], sys.byteorder))
        log.write(data.decode("utf-8", "replace").replace("\n", " ") + "\n")
