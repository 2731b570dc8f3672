"""Opens a pseudo-terminal, prints the path of its serial end, then writes each hex line read
from stdin to it, as a serial reader would send bytes. Ends (and the terminal goes, as an unplugged
USB reader does) when stdin closes."""
import os
import pty
import sys
import tty

master, slave = pty.openpty()
tty.setraw(slave)
tty.setraw(master)
print(os.ttyname(slave), flush=True)
for line in sys.stdin:
    os.write(master, bytes.fromhex(line.strip()))
