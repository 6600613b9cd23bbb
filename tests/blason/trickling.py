"""A hostile HTTP server for tests: it answers one byte at a time, slowly."""

from __future__ import annotations

import socket
import threading
import time


class TricklingServer:
    """Accepts connections and sends an HTTP answer one byte every ``pause`` seconds."""

    def __init__(self, pause: float = 0.2) -> None:
        self.pause = pause
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/badge.json"

    def _accept(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                conn, _address = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + b" " * 10_000
        with conn:
            for byte in answer:
                if self.stopping.is_set():
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return  # the fetcher hung up
                time.sleep(self.pause)

    def close(self) -> None:
        self.stopping.set()
        self.listener.close()
