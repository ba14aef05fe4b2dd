"""Concurrent HTTP clients for the load tests (flash sale, SIGTERM under load): each client is
a thread with its own keep-alive connection (http.client), so a request costs the service one
exchange, not a new connection."""
import http.client
import json
import threading
import urllib.parse


class Connection:
    """One keep-alive HTTP/1.1 connection to `base` ("http://127.0.0.1:PORT")."""

    def __init__(self, base, timeout=60):
        address = urllib.parse.urlsplit(base)
        self.host, self.port, self.timeout = address.hostname, address.port, timeout
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        """(status, parsed JSON body or None). Raises OSError / http.client errors when the
        connection fails (the service closed it, or is gone)."""
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port,
                                                         timeout=self.timeout)
        data = None if body is None else json.dumps(body).encode()
        head = {"Content-Type": "application/json"} if data is not None else {}
        head.update(headers or {})
        try:
            self.connection.request(method, path, body=data, headers=head)
            response = self.connection.getresponse()
            text = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
        except Exception:
            self.close()
            raise
        doc = json.loads(text) if text and "json" in (response.getheader("Content-Type") or "") \
            else None
        return response.status, doc

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def run_clients(count, work):
    """Runs work(client_index) in `count` threads at once; returns their results in order and
    re-raises the first exception a thread raised."""
    results = [None] * count
    errors = []

    def run(index):
        try:
            results[index] = work(index)
        except BaseException as error:  # noqa: B902 - handed to the caller
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
