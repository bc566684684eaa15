"""Print the first loopback TCP port from ``argv[1]`` on that nothing listens on."""

import socket
import sys

for port in range(int(sys.argv[1]), 32000):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
