"""The fixture site of the end-to-end tests (tests/fixtures/e2e/site),
served on 127.0.0.1 for the API contract test (run.sh): each file as it is,
`http://fixture.local` rewritten to this server's address, a directory's
`index.html` for a path ending in `/`, 404 for anything else.

Usage: python3 site.py PORT_FILE. Binds a free port on 127.0.0.1, writes
it to PORT_FILE, and serves until killed.
"""

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

SITE = Path(__file__).resolve().parent.parent / "fixtures" / "e2e" / "site"
TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/feed+json",
}


class Site(BaseHTTPRequestHandler):
    def do_GET(self):
        path = unquote(urlsplit(self.path).path)
        file = SITE / path.lstrip("/")
        if path.endswith("/"):
            file = file / "index.html"
        if ".." in path or not file.is_file():
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"not found")
            return
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        body = file.read_text(encoding="utf-8").replace("http://fixture.local", base)
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", TYPES.get(file.suffix, "text/html; charset=utf-8"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    Path(sys.argv[1]).write_text(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
