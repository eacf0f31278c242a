#!/usr/bin/env python3
"""A small HTTP/1.1 server with known behaviour, for selftest.sh (openload's tests). One thread per connection,
keep-alive; prints "READY <port>" once it listens on 127.0.0.1 (port 0: any free one).

Every request must carry `Authorization: <EXPECTED>` (the first argument) and a Host header, else 401. Paths (query
`delay=MS`: answer after MS milliseconds; `size=N`: body bytes, default 100):
  /len        200, body by Content-Length
  /chunked    200, Transfer-Encoding: chunked (a chunk extension on the first chunk, a trailer at the end)
  /split      200, chunked, the whole answer written a few bytes at a time (answers split across reads)
  /close      200 with Connection: close, then the connection is closed
  /eof        200, no Content-Length and no chunked encoding: the body ends with the connection's close
  /idleclose  200 with Content-Length; from then on the server closes the connection, without saying so, when it
              stays idle for 30 ms (a keep-alive timeout)
  /status/N   status N, body by Content-Length
  /bad        a status line that does not parse
  /slowread   as /len, but the request is read 16 KiB every 5 ms (a long request is then written in parts)
  /stall      200 after the delay, but the first request makes every /stall answer due in [t+2 s, t+3 s) wait
              until t+3 s: the server stalls for one second, two seconds after the first request
Usage: testserver.py EXPECTED_AUTHORIZATION [PORT]
"""
import socket
import sys
import threading
import time
import urllib.parse

EXPECTED = sys.argv[1]
stall_lock = threading.Lock()
stall_window = []  # [start, end] in time.monotonic(), set by the first /stall request


def body_of(size):
    return (b"0123456789abcdef" * (size // 16 + 1))[:size]


def read_head(conn, buf, idle):
    conn.settimeout(idle)
    while b"\r\n\r\n" not in buf:
        slow = buf.startswith(b"GET /slowread")
        if slow:
            time.sleep(0.005)
        try:
            data = conn.recv(16384 if slow else 65536)
        except socket.timeout:
            return None, buf
        if not data:
            return None, buf
        buf += data
    head, rest = buf.split(b"\r\n\r\n", 1)
    return head.decode("latin-1"), rest


def handle(conn):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    idle = None  # seconds a connection may stay idle before the server closes it; None: no limit
    try:
        while True:
            head, buf = read_head(conn, buf, idle)
            conn.settimeout(None)
            if head is None:
                return
            lines = head.split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
            url = urllib.parse.urlsplit(target)
            q = dict(urllib.parse.parse_qsl(url.query))
            delay = float(q.get("delay", "0")) / 1000
            size = int(q.get("size", "100"))
            path = url.path
            if path == "/stall":
                now = time.monotonic()
                with stall_lock:
                    if not stall_window:
                        stall_window.extend([now + 2.0, now + 3.0])
                start, end = stall_window
                if start <= now < end:
                    time.sleep(end - now)
            if delay:
                time.sleep(delay)
            if method != "GET" or headers.get("authorization") != EXPECTED or "host" not in headers:
                conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")
                continue
            body = body_of(size)
            if path in ("/len", "/stall", "/idleclose", "/slowread"):
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(body), body))
                if path == "/idleclose":
                    idle = 0.03
            elif path == "/chunked":
                half = len(body) // 2
                out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                out += b"%x;ext=1\r\n%s\r\n" % (half, body[:half]) if half else b""
                out += b"%X\r\n%s\r\n" % (len(body) - half, body[half:]) if len(body) - half else b""
                out += b"0\r\nX-Trailer: yes\r\n\r\n"
                conn.sendall(out)
            elif path == "/split":
                out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                for i in range(0, len(body), 7):
                    part = body[i:i + 7]
                    out += b"%x\r\n%s\r\n" % (len(part), part)
                out += b"0\r\n\r\n"
                for i in range(0, len(out), 3):
                    conn.sendall(out[i:i + 3])
                    time.sleep(0.0002)
            elif path == "/close":
                conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s"
                             % (len(body), body))
                return
            elif path == "/eof":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body)
                return
            elif path.startswith("/status/"):
                conn.sendall(b"HTTP/1.1 %d Status\r\nContent-Length: %d\r\n\r\n%s" % (int(path[8:]), len(body), body))
            elif path == "/bad":
                conn.sendall(b"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n")
            else:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    except (ConnectionError, OSError):
        return
    finally:
        conn.close()


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)  # a small window: /slowread's writer has to wait
    srv.bind(("127.0.0.1", int(sys.argv[2]) if len(sys.argv) > 2 else 0))
    srv.listen(1024)
    print("READY %d" % srv.getsockname()[1], flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
