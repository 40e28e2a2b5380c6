"""A loopback world of RSS feeds for benches/soak.sh, served by one process.

soak_world.py SOURCES HOSTS PORT STATS_FILE

Listens on PORT of 127.0.0.2 .. 127.0.0.(HOSTS+1) (loopback only), so that
the crawler, which keeps one request at a time per host, sees HOSTS hosts.
Source K lives on host 127.0.0.(2 + K % HOSTS):

- `/robots.txt`: everything allowed;
- `/feeds/K.rss`: the feed's last WINDOW entries, summaries only, each
  linking to its article page; the feed publishes a new entry every PERIOD
  seconds (sources staggered over the period), so the world keeps changing;
- `/p/K/I.html`: entry I of source K, an article page with navigation and
  footer around 4 to 8 sentences (seeded by K and I) drawn from the
  multilingual templates of benches/search_corpus.py; one page in ten is a
  real page of tests/fixtures/pages/ under the entry's title (syndication,
  so near-duplicate groups form), one in twenty repeats the text of the
  same entry of the previous source.

Every answer carries an ETag, and a request with the matching
If-None-Match gets a 304, as real servers do. HTTP/1.1 with keep-alive.
STATS_FILE gets the counts (requests, 200, 304, 404, bytes) every 5 s and
at exit (SIGTERM or SIGINT).
"""
import asyncio
import hashlib
import json
import os
import random
import signal
import sys
import time
from email.utils import formatdate
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import search_corpus  # noqa: E402

WINDOW = 4
# Seconds between two entries of a feed; 0 = nothing new after the first
# WINDOW entries (a world that stands still).
PERIOD = int(os.environ.get("SOAK_PUBLISH_PERIOD", "240"))
SPACING = PERIOD or 240
PAGES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "pages")

STATS = {"requests": 0, "ok": 0, "not_modified": 0, "not_found": 0, "bytes": 0,
         "feeds": 0, "pages": 0, "robots": 0, "connections": 0}




class World:
    def __init__(self, sources, hosts, port):
        self.sources, self.hosts, self.port = sources, hosts, port
        self.t0 = time.time()
        self.fixtures = []
        for name in sorted(os.listdir(PAGES)):
            path = os.path.join(PAGES, name, "source.html")
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as fh:
                    self.fixtures.append(fh.read())
        self.langs = [lang for lang, w in search_corpus.WEIGHTS.items() for _ in range(w)]

    def base(self, k):
        return f"http://127.0.0.{2 + k % self.hosts}:{self.port}"

    def published(self, k):
        """How many entries source K has published by now."""
        if PERIOD == 0:
            return WINDOW
        phase = k * PERIOD / self.sources
        return WINDOW + int((time.time() - self.t0 + phase) // PERIOD)

    def entry_time(self, k, i):
        return int(self.t0 - (WINDOW - i) * SPACING - k * SPACING / self.sources)

    def article(self, k, i):
        """Language, title and body paragraphs of entry I of source K."""
        rng = random.Random(k * 1_000_003 + i)
        if k > 0 and rng.random() < 0.05:
            return self.article(k - 1, i)
        lang = rng.choice(self.langs)
        title = search_corpus.fill(search_corpus.TITLES[lang], rng)
        sentences = [search_corpus.fill(rng.choice(search_corpus.T[lang]), rng)
                     for _ in range(rng.randint(4, 8))]
        return lang, title, sentences

    def feed(self, k):
        base = self.base(k)
        n = self.published(k)
        items = []
        for i in range(max(0, n - WINDOW), n):
            _, title, sentences = self.article(k, i)
            items.append(
                f"<item><title>{escape(title)} ({k}-{i})</title>"
                f"<link>{base}/p/{k}/{i}.html</link><guid>{base}/p/{k}/{i}.html</guid>"
                f"<pubDate>{formatdate(self.entry_time(k, i), usegmt=True)}</pubDate>"
                f"<description>{escape(sentences[0])}</description></item>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
            f"<title>Soak network {k}</title><link>{base}/</link>"
            "<description>soak world</description>" + "".join(items) + "</channel></rss>"
        )

    def page(self, k, i):
        if i >= self.published(k):
            return None
        lang, title, sentences = self.article(k, i)
        title = f"{title} ({k}-{i})"
        rng = random.Random(k * 7_919 + i)
        if rng.random() < 0.10:
            html = rng.choice(self.fixtures)
            return html.replace("<title>", f"<title>{escape(title)}: ", 1)
        date = time.strftime("%Y-%m-%d", time.gmtime(self.entry_time(k, i)))
        body = "".join(f"<p>{escape(s)}</p>" for s in sentences)
        return (
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{escape(title)} | Soak network {k}</title>"
            f'<meta name="author" content="Newsroom {k}">'
            f'<meta property="article:published_time" content="{date}"></head><body>'
            '<header><nav><a href="/">Home</a> <a href="/about">About</a> '
            '<a href="/contact">Contact</a></nav></header>'
            f"<main><article><h1>{escape(title)}</h1><time datetime=\"{date}\">{date}</time>"
            f"{body}</article></main>"
            "<aside><h2>Newsletter</h2><p>Subscribe to our newsletter.</p></aside>"
            f"<footer><p>© Soak network {k}. All rights reserved.</p></footer></body></html>"
        )

    def answer(self, path):
        """(status, content type, body) for PATH."""
        if path == "/robots.txt":
            STATS["robots"] += 1
            return 200, "text/plain", "User-agent: *\nAllow: /\n"
        parts = path.strip("/").split("/")
        try:
            if len(parts) == 2 and parts[0] == "feeds" and parts[1].endswith(".rss"):
                k = int(parts[1][:-4])
                if 0 <= k < self.sources:
                    STATS["feeds"] += 1
                    return 200, "application/rss+xml; charset=utf-8", self.feed(k)
            if len(parts) == 3 and parts[0] == "p" and parts[2].endswith(".html"):
                k, i = int(parts[1]), int(parts[2][:-5])
                body = self.page(k, i) if 0 <= k < self.sources and i >= 0 else None
                if body is not None:
                    STATS["pages"] += 1
                    return 200, "text/html; charset=utf-8", body
        except ValueError:
            pass
        return 404, "text/plain", "not found"


async def handle(world, reader, writer):
    STATS["connections"] += 1
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            STATS["requests"] += 1
            status, ctype, body = world.answer(target.split("?", 1)[0])
            data = body.encode("utf-8")
            etag = '"' + hashlib.blake2b(data, digest_size=8).hexdigest() + '"'
            extra = ""
            if status == 200 and headers.get("if-none-match") == etag:
                status, data = 304, b""
                STATS["not_modified"] += 1
            elif status == 200:
                STATS["ok"] += 1
                extra = f"Content-Type: {ctype}\r\n"
            else:
                STATS["not_found"] += 1
                extra = f"Content-Type: {ctype}\r\n"
            reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
            close = headers.get("connection", "").lower() == "close"
            out = (f"HTTP/1.1 {status} {reason}\r\nETag: {etag}\r\n{extra}"
                   f"Content-Length: {len(data)}\r\n"
                   f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n").encode() + (
                       data if method != "HEAD" else b"")
            STATS["bytes"] += len(out)
            writer.write(out)
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main():
    sources, hosts, port, stats_file = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    world = World(sources, hosts, port)
    addresses = [f"127.0.0.{2 + h}" for h in range(hosts)]
    server = await asyncio.start_server(lambda r, w: handle(world, r, w), host=addresses,
                                        port=port, backlog=1024)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    def dump():
        with open(stats_file + ".tmp", "w") as fh:
            json.dump(dict(STATS, published=sum(world.published(k) for k in range(sources))), fh)
        os.replace(stats_file + ".tmp", stats_file)

    print(f"world: {sources} sources on {hosts} hosts, port {port}", flush=True)
    while not stop.is_set():
        dump()
        try:
            await asyncio.wait_for(stop.wait(), 5)
        except asyncio.TimeoutError:
            pass
    server.close()
    dump()


if __name__ == "__main__":
    asyncio.run(main())
