"""`servicebook serve` for the benchmarks (bench/serve_bench.py, bench/serve_edits.py)."""
import re
import socket
import subprocess
import threading
import time
import urllib.request


class Serving:
    """`servicebook serve --verbose` on a free port, with what it says: `rebuilds`, the server's
    own time for each rebuild (seconds, from its `timings:` lines), and `events`, when each
    reload or problems event came (`time.time()`)."""

    def __init__(self, tool, content):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.process = subprocess.Popen([tool, "serve", "--verbose", "--content", str(content), "--port", str(port)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.base = f"http://127.0.0.1:{port}/"
        self.rebuilds, self.events = [], []
        threading.Thread(target=self._read_output, daemon=True).start()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "index.html", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        threading.Thread(target=self._listen, daemon=True).start()

    def _read_output(self):
        for line in self.process.stdout:
            if line.startswith("timings:"):
                self.rebuilds.append(sum(float(ms) for ms in re.findall(r"(\d+) ms", line)) / 1000)

    def _listen(self):
        with urllib.request.urlopen(self.base + "__servicebook/events", timeout=3600) as stream:
            for line in stream:
                if line.startswith(b"event: reload") or line.startswith(b"event: problems"):
                    self.events.append(time.time())

    def after(self, change, timeout=60):
        """Runs `change`; returns the server's rebuild time and the time from the change to the
        event, once both came."""
        events, rebuilds = len(self.events), len(self.rebuilds)
        saved = time.time()
        change()
        while (len(self.events) == events or len(self.rebuilds) == rebuilds) and time.time() - saved < timeout:
            time.sleep(0.002)
        return self.rebuilds[-1], self.events[-1] - saved

    def stop(self):
        self.process.terminate()
        self.process.wait()
