"""Digest quality: a day of invented stories, each analysed from its link and pasted, read as an editor would.

Serves the fixture stories (tests/fixtures/articles/digest_*.txt, described in digest_stories.json) as web
pages on 127.0.0.1 and runs nutgraf over HTTP in this process with the local Slack Web API emulator and a
real Redis (--redis-url on loopback; keys under a private prefix, deleted at the end). Each story is
mentioned twice in one channel: with its link, and pasted as a reporter pastes it (headline, byline, an
advert line, curly quotes, hard line breaks), half of them pasted first. Then `/nutgraf digest today`, and
the digest is read as posted (the last story is pasted without its headline, as a body alone). Prints the
digest as text, then what an editor would object to:

  duplicate entries            entries beyond one per story                              goal 0
  missing stories              stories analysed but not in the digest                    goal 0
  mid-word cuts                shortened texts ending inside a word of the story         goal 0
  non-speakers in Most quoted  names listed there that no story quotes by name           goal 0
  across stories, < 2 stories  names listed there that fewer than two stories mention    goal 0
                               (or listed twice)

usage: python bench/digest_quality.py [--redis-url redis://127.0.0.1:6379/15] [--model NAME]
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import re
import sys
import textwrap
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus import loopback_only  # noqa: E402

from bot.app import build_runtime, wsgi_application  # noqa: E402
from bot.nlp.pipeline import Analyzer  # noqa: E402
from bot.service import Service  # noqa: E402
from bot.settings import Settings, default_spacy_model  # noqa: E402
from bot.slack import web_client  # noqa: E402
from bot.store import RedisStore  # noqa: E402
from tests.bot_server import SIGNING_SECRET, BotServer  # noqa: E402
from tests.slack_api import BOT_USER_ID, SlackEmulator, iter_blocks_text  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "articles"
CHANNEL = "C0DIGESTDESK"
ALIASES = {"united states": ["U.S.", "US", "United States", "America"]}
TITLES = {"mr", "mrs", "ms", "dr", "mayor", "councillor", "gen", "sen"}


@dataclass
class Story:
    """One fixture story: its text, where the local site serves it, and how a reporter pastes it."""

    name: str
    text: str
    path: str
    author: str

    @property
    def headline(self) -> str:
        return self.text.partition("\n")[0].strip()

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.partition("\n\n")[2].split("\n\n") if p.strip()]

    def page(self, base: str, site: str) -> bytes:
        """The story as a news site serves it: navigation, the article, related links, comments, a footer."""
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in self.paragraphs)
        title = html.escape(self.headline)
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
<meta name="author" content="{self.author}"><link rel="canonical" href="{base}{self.path}?utm_source=share">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/subscribe">Subscribe</a></nav>
<main><article><h1>{title}</h1><p class="byline">By {self.author}</p>
{body}
</article>
<aside><h2>Related stories</h2><ul><li><a href="/news/1">Harbour parking charges to double</a></li></ul></aside>
<section id="comments"><h2>Comments (2)</h2><p>About time someone looked at this.</p></section></main>
<footer><p>&copy; 2027 {site}. All rights reserved.</p></footer></body></html>""".encode()

    def pasted(self, wrap: bool, headline: bool = True) -> str:
        """The story copied from a browser: headline and byline (or the body alone), an advert line, curly
        quotes, maybe hard wraps."""
        paragraphs = [re.sub(r'"([^"]*)"', r"“\1”", p) for p in self.paragraphs]
        paragraphs.insert(min(3, len(paragraphs)), "Advertisement")
        if wrap:
            paragraphs = [textwrap.fill(p, 66) for p in paragraphs]
        head = f"{self.headline}\nBy {self.author}\n\n" if headline else ""
        return head + "\n\n".join(paragraphs)


def load_stories() -> tuple[list[Story], str, list[set[str]]]:
    spec = json.loads((FIXTURES / "digest_stories.json").read_text(encoding="utf-8"))
    stories = [
        Story(s["file"], (FIXTURES / s["file"]).read_text(encoding="utf-8"), s["path"], s["author"])
        for s in spec["stories"]
    ]
    speakers = [{fold(s["name"]), *map(fold, s["forms"])} for s in spec["named_speakers"]]
    return stories, spec["site"], speakers


def serve(stories: list[Story], site: str) -> tuple[ThreadingHTTPServer, str]:
    """A tiny site on a free loopback port serving each story at its path (query strings ignored)."""
    pages: dict[str, Story] = {s.path: s for s in stories}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            story = pages.get(urlsplit(self.path).path)
            body = story.page(base, site) if story else b"<html><body>Not found</body></html>"
            self.send_response(200 if story else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, base


# -- reading the digest as posted --------------------------------------------------------------------


def plain(mrkdwn: str) -> str:
    """mrkdwn as a reader sees it: link labels, date fallbacks, no bold or italics, entities undone."""
    text = re.sub(r"<!date\^\d+\^[^|>]*\|([^>]*)>", r"\1", mrkdwn)
    text = re.sub(r"<(?:https?://[^|>]*)\|([^>]*)>", r"\1", text)
    text = re.sub(r"<(https?://[^>]*)>", r"\1", text)
    text = re.sub(r"<#(C[A-Z0-9]+)>", r"#\1", text)
    text = re.sub(r"(?<![\w*])[*_]|[*_](?![\w*])", "", text)
    return html.unescape(text)


def block_texts(blocks: list[dict[str, Any]], prefix: str) -> list[str]:
    return [
        t for b in blocks if str(b.get("block_id", "")).startswith(prefix) for t in iter_blocks_text([b]) if t.strip()
    ]


def fold(text: str) -> str:
    words = [w.strip(".,'’\"") for w in text.casefold().split()]
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(w for w in words if w)


def folded_corpus(stories: list[Story]) -> list[str]:
    return [" ".join(re.sub(r"[“”]", '"', s.text).split()) for s in stories]


def mid_word_cuts(blocks: list[dict[str, Any]], corpus: list[str]) -> tuple[list[str], list[str]]:
    """Shortened texts ("…") whose last words run on into a word in the story; and those not found at all."""
    cuts, unknown = [], []
    for raw in iter_blocks_text(blocks):
        text = " ".join(re.sub(r"[“”]", '"', plain(raw)).split())
        for match in re.finditer("…", text):
            before = text[: match.start()].rstrip()
            words = re.split(r"(?<=[\s(\[])", before)[-1:]  # the piece after the last separator
            fragment = " ".join(before.split()[-5:])
            if not fragment or not words:
                continue
            found = [(doc, i) for doc in corpus for i in [m.start() for m in re.finditer(re.escape(fragment), doc)]]
            if not found:
                unknown.append(fragment)
            elif any(i + len(fragment) < len(doc) and doc[i + len(fragment)].isalnum() for doc, i in found):
                cuts.append(fragment + "…")
    return cuts, unknown


def story_entries(blocks: list[dict[str, Any]], ts_to_story: dict[str, str]) -> list[str | None]:
    """The fixture each *Stories* line stands for, from the thread its link opens."""
    entries: list[str | None] = []
    for text in block_texts(blocks, "stories-"):
        for line in text.split("\n")[1:] if text.startswith("*Stories*") else text.split("\n"):
            if not line.startswith("•"):
                continue
            link = re.search(r"/archives/[A-Z0-9]+/p(\d+)", line)
            ts = f"{link.group(1)[:-6]}.{link.group(1)[-6:]}" if link else ""
            entries.append(ts_to_story.get(ts))
    return entries


def speaker_names(blocks: list[dict[str, Any]]) -> list[str]:
    names = []
    for text in block_texts(blocks, "speakers-"):
        names += [m.group(1) for m in re.finditer(r"^• \*([^*]+)\*", text, re.M)]
    return [html.unescape(n) for n in names]


def across_items(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(kind line, name) of each name listed across stories (the older *Recurring* list reads the same)."""
    items = []
    for text in block_texts(blocks, "across") + block_texts(blocks, "recurring"):
        for line in text.split("\n")[1:]:
            kind = line.split(":", 1)[0] if re.match(r"(People|Organisations|Places):", line) else ""
            items += [(kind, html.unescape(m.group(1))) for m in re.finditer(r"\*([^*]+)\* \(\d+", line)]
    return items


def mentions(name: str, kind: str, text: str) -> bool:
    forms = {name, *ALIASES.get(name.casefold(), [])}
    if kind == "People" and len(name.split()) > 1:
        forms.add(name.split()[-1])
    return any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text) for f in forms)


# -- the run ------------------------------------------------------------------------------------


def analyse_all(slack: SlackEmulator, server: BotServer, stories: list[Story], base: str) -> dict[str, str]:
    """Mention nutgraf with every story twice (link and paste); returns message ts → story name."""
    ts_to_story: dict[str, str] = {}
    for number, story in enumerate(stories):
        link = f"<{base}{story.path}>"
        pasted = story.pasted(wrap=number % 2 == 0, headline=number < len(stories) - 1)  # the last: body only
        paste = pasted.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for body in (link, paste) if number % 2 == 0 else (paste, link):
            text = f"<@{BOT_USER_ID}> {body}"
            ts = slack.add_message(CHANNEL, text, "U0REPORTER")
            ts_to_story[ts] = story.name
            server.event({"type": "app_mention", "channel": CHANNEL, "user": "U0REPORTER", "text": text, "ts": ts})

            def answered(ts: str = ts) -> bool:
                replies = [m for m in slack.thread(CHANNEL, ts) if m["ts"] != ts and m.get("user") == BOT_USER_ID]
                return any(not str(m.get("text", "")).startswith("Reading") for m in replies)

            slack.wait_for(answered, timeout=120)
    slack.wait_for(lambda: len(slack.calls_to("chat.getPermalink")) >= 2 * len(stories), timeout=30)
    time.sleep(0.3)  # the last record is written after its permalink is read
    return ts_to_story


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15", help="a Redis on loopback")
    parser.add_argument("--model", default=None, help="spaCy model (default: the one nutgraf would load)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)

    stories, site_name, named = load_stories()
    redis_url = loopback_only(args.redis_url)
    prefix = f"nutgraf-bench:{uuid.uuid4().hex[:8]}:"
    store = RedisStore.from_url(redis_url, prefix=prefix)
    if not store.ping():
        raise SystemExit(f"digest_quality: no Redis answers at {redis_url}")
    site, base = serve(stories, site_name)
    with SlackEmulator() as slack:
        slack.add_channel("digest-desk", channel_id=CHANNEL)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            slack_bot_token=slack.bot_token,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=slack.base_url,
            redis_url=redis_url,
            jobs="inline",
            fetch_allowed_private_hosts=[urlsplit(base).netloc],
        )
        analyzer = Analyzer(args.model or default_spacy_model(), max_chars=settings.max_text_chars)
        rt = build_runtime(settings, Service(settings, store, web_client(settings), analyzer))
        try:
            with BotServer(wsgi_application(settings, rt=rt)) as server:
                started = time.monotonic()
                ts_to_story = analyse_all(slack, server, stories, base)
                server.command("digest today", channel=CHANNEL)
                (call,) = slack.wait_for(
                    lambda: [c for c in slack.calls_to("chat.postMessage") if not c.params.get("thread_ts")],
                    timeout=60,
                )
                elapsed = time.monotonic() - started
        finally:
            rt.dispatcher.shutdown()
            keys = list(store.client.scan_iter(match=f"{prefix}*", count=1000))
            if keys:
                store.client.delete(*keys)
            store.close()
            site.shutdown()
    blocks = call.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    report(blocks, stories, named, ts_to_story, elapsed, analyzer.model_name)
    return 0


def report(
    blocks: list[dict[str, Any]],
    stories: list[Story],
    named: list[set[str]],
    ts_to_story: dict[str, str],
    elapsed: float,
    model: str,
) -> None:
    print(
        f"{len(stories)} stories, each analysed from its link and pasted ({2 * len(stories)} analyses, "
        f"{elapsed:.1f} s with model {model}); the digest as posted:"
    )
    print()
    for block in blocks:
        for text in iter_blocks_text([block]):
            print(textwrap.indent(plain(text), "    "))
    print()
    corpus = folded_corpus(stories)
    entries = story_entries(blocks, ts_to_story)
    found = [e for e in entries if e is not None]
    duplicates = len(entries) - len(set(found))
    missing = sorted({s.name for s in stories} - set(found))
    cuts, unknown = mid_word_cuts(blocks, corpus)
    allowed = set().union(*named)
    non_speakers = [n for n in speaker_names(blocks) if fold(n) not in allowed]
    items = across_items(blocks)
    seen: set[str] = set()
    thin = []
    for kind, name in items:
        count = sum(mentions(name, kind, text) for text in corpus)
        if count < 2 or name.casefold() in seen:
            thin.append(f"{name} ({count} {'story' if count == 1 else 'stories'})")
        seen.add(name.casefold())
    rows = [
        ("duplicate entries", duplicates, f"{len(entries)} entries for {len(set(found))} stories"),
        ("missing stories", len(missing), ", ".join(missing)),
        ("mid-word cuts", len(cuts), "; ".join(cuts)),
        ("non-speakers in Most quoted", len(non_speakers), ", ".join(non_speakers)),
        ("across stories, < 2 stories", len(thin), f"of {len(items)} listed: " + ", ".join(thin)),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, detail in rows:
        print(f"{name:<{width}}  {value:>3}  (goal 0)  {detail}".rstrip())
    if unknown:
        print(f"shortened texts not found in any story (not judged): {'; '.join(unknown)}")


if __name__ == "__main__":
    sys.exit(main())
