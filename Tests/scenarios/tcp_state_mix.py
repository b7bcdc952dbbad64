"""Leaves loopback TCP sockets in known states, for the live TCP state histogram test.
Usage: tcp_state_mix.py N. Opens N connections and prints "ready"; after a line on stdin,
with q = N // 4: closes q pairs (client first: the client ends in TIME_WAIT), half-closes q
clients (client FIN_WAIT2 as a full socket, server CLOSE_WAIT), closes q clients only (the
orphaned client becomes a FIN_WAIT2 timewait minisocket, server CLOSE_WAIT), opens q new
connections, and prints "done"; exits at the next line or end of stdin."""
import socket, sys, time

n = int(sys.argv[1])
q = n // 4
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', 7100))
listener.listen(1024)


def connect():
    client = socket.create_connection(('127.0.0.1', 7100))
    server, _ = listener.accept()
    return client, server


pairs = [connect() for _ in range(n)]
print('ready', flush=True)
sys.stdin.readline()
for client, server in pairs[:q]:
    client.close()
    server.close()
for client, _ in pairs[q:2 * q]:
    client.shutdown(socket.SHUT_WR)
for client, _ in pairs[2 * q:3 * q]:
    client.close()
more = [connect() for _ in range(q)]
time.sleep(0.5)
print('done', flush=True)
sys.stdin.readline()
