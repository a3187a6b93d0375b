"""The command line, run as users run it: a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "bot" / "samples" / "harbour.txt"


def run(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NUTGRAF_"))}, **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode())


@pytest.mark.slow
def test_analyze_sample_readable() -> None:
    proc = run("analyze", str(SAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Port of Calloway to cut 1,200 jobs as cargo traffic slumps\n")
    assert "Key claims" in proc.stdout and "Quotes" in proc.stdout
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_analyze_stdin_json() -> None:
    proc = run("analyze", "-", "--json", stdin=SAMPLE.read_bytes())
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["source"]["kind"] == "text"
    assert data["quotes"] and data["claims"] and data["summary"]
    assert set(data) >= {"id", "source", "language", "word_count", "pipeline_version", "entities", "notes"}
    # every claim says what raised or lowered its score
    assert all(claim["reasons"] for claim in data["claims"])
    assert data["claims"][0]["reasons"][0] == "figure"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no text to analyse"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        (bytes(range(256)) * 40, "binary"),
    ],
)
def test_analyze_bad_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.bin"
    path.write_bytes(content)
    proc = run("analyze", str(path))
    assert proc.returncode == 1
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_analyze_missing_file(tmp_path: Path) -> None:
    proc = run("analyze", str(tmp_path / "nope.txt"))
    assert proc.returncode == 1
    assert "no such file" in proc.stderr


@pytest.mark.slow
def test_analyze_20_mb_text_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    paragraph = "The council said on Monday that it had spent $2.4 million on flood defences since 2019.\n"
    path.write_text(paragraph * (20 * 1024 * 1024 // len(paragraph)))
    # what is checked is the cut, not the deadline: give a loaded machine time to parse 100,000 characters
    proc = run("analyze", str(path), "--json", env={"NUTGRAF_ANALYSIS_TIMEOUT": "300"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    assert data["notes"][0].endswith("words after the first 100,000 characters were left out.")
    assert [item["kind"] for item in data["left_out"]] == ["length"]


@pytest.mark.slow
def test_batch_keeps_order_and_survives_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "one", "text": "The mayor said on Monday that bus fares would rise by 10 percent."}),
        "this is not json",
        json.dumps({"id": "two", "text": ""}),
        json.dumps({"id": "three", "nothing": 1}),
        json.dumps({"id": 4, "text": "Firefighters rescued 14 people from a flooded tunnel in Leeds, police said."}),
        "",
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines))
    out = tmp_path / "out.jsonl"
    proc = run("batch", str(src), "-o", str(out))
    assert proc.returncode == 1
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in results] == ["one", "4"]
    assert "line 2 skipped" in proc.stderr and "line 4 skipped" in proc.stderr and "id two skipped" in proc.stderr
    assert "3 item(s) failed" in proc.stderr


def test_batch_urls_must_be_links(tmp_path: Path) -> None:
    local = tmp_path / "notes.txt"
    local.write_text("The mayor said on Monday that bus fares would rise by 10 percent next year.")
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": n, "url": url}) for n, url in enumerate(["-", str(local)], 1)))
    out = tmp_path / "out.jsonl"
    proc = run("batch", str(src), "-o", str(out))
    assert proc.returncode == 1
    assert out.read_text() == ""
    assert "line 1 skipped" in proc.stderr and "line 2 skipped" in proc.stderr
    assert proc.stderr.count("http(s)://") == 2


@pytest.mark.slow
def test_batch_thousand_documents_in_order(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    with src.open("w") as fh:
        for i in range(1000):
            fh.write(json.dumps({"id": f"d{i}", "text": f"Officials said {i} homes lost power in the storm."}) + "\n")
    out = tmp_path / "out.jsonl"
    proc = run("batch", str(src), "-o", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert ids == [f"d{i}" for i in range(1000)]
    assert "1000/" in proc.stderr or "1000doc" in proc.stderr.replace(" ", "")


@pytest.mark.parametrize(
    ("command", "variable"),
    [
        ("serve", "SLACK_BOT_TOKEN"),
        ("socket", "SLACK_BOT_TOKEN"),
        ("worker", "SLACK_BOT_TOKEN"),
        ("clock", "SLACK_BOT_TOKEN"),
    ],
)
def test_commands_needing_a_secret_name_it(tmp_path: Path, command: str, variable: str) -> None:
    proc = run(command, cwd=tmp_path)
    assert proc.returncode == 2
    assert (
        proc.stderr.strip() == f"nutgraf: {variable} is not set: set it in the environment or in .env (see README.md)."
    )


def test_serve_names_the_signing_secret(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-1-2\n")
    proc = run("serve", cwd=tmp_path)
    assert proc.returncode == 2
    assert "SLACK_SIGNING_SECRET is not set" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_analyze_saved_web_page_uses_its_metadata() -> None:
    proc = run("analyze", str(ROOT / "tests" / "fixtures" / "pages" / "article.html"), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["source"]["title"].startswith("Harbourside council approves")
    assert data["source"]["site"] == "The Wexmoor Courier"
    assert data["source"]["kind"] == "text"
    assert "<p>" not in " ".join(data["summary"])


@pytest.mark.slow
def test_analyze_utf16_file_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(SAMPLE.read_text().encode("utf-16"))
    proc = run("analyze", str(path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Port of Calloway to cut 1,200 jobs as cargo traffic slumps\n")


#: About 90,000 characters of ordinary sentences: far more than a second's parsing.
LONG = " ".join(f"The board said on day {n} that berth {n % 40} would reopen after repairs." for n in range(1200))


@pytest.mark.slow
def test_analyze_past_the_deadline_says_so(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(LONG)
    proc = run("analyze", str(path), env={"NUTGRAF_ANALYSIS_TIMEOUT": "1"})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "WARNING bot.analysis: a task to analyse ran past 1 s; its worker was replaced" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "nutgraf: This text took too long to analyse (more than 1 second), so I stopped. "
        "It may be built in an unusual way; if it is a real story, paste its text."
    )


@pytest.mark.slow
def test_analyze_a_text_of_punctuation_runs_is_quick_and_says_what_was_cut(tmp_path: Path) -> None:
    text = "The mayor said the budget will rise by 5 percent next year. " + "$" * 39_000 + " The council agreed."
    proc = run("analyze", "-", "--json", stdin=text.encode(), env={"NUTGRAF_ANALYSIS_TIMEOUT": "20"})
    assert proc.returncode == 0, proc.stderr
    notes = json.loads(proc.stdout)["notes"]
    assert any("(39,000 characters) were shortened" in note for note in notes)


@pytest.mark.slow
def test_batch_goes_on_past_a_document_that_outruns_the_deadline(tmp_path: Path) -> None:
    docs = [
        {"id": "before", "text": "The mayor said on Monday that bus fares would rise by 10 percent."},
        {"id": "long", "text": LONG},
        {"id": "after", "text": "Firefighters rescued 14 people from a flooded tunnel, police said."},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(doc) for doc in docs))
    out = tmp_path / "out.jsonl"
    proc = run("batch", str(src), "-o", str(out), "-q", env={"NUTGRAF_ANALYSIS_TIMEOUT": "3"})
    assert proc.returncode == 1
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["before", "after"]
    assert "nutgraf batch: id long skipped: This text took too long to analyse (more than 3 seconds)" in proc.stderr
    assert "1 item(s) failed" in proc.stderr


@pytest.mark.slow
def test_batch_reports_unreadable_pages_and_goes_on(tmp_path: Path) -> None:
    from tests.test_fetch_hostile import Site, routes

    site = Site(routes())
    try:
        urls = ["/header-base64.html", "/octets", "/to-nowhere", "/meta-rot13.html"]
        src = tmp_path / "in.jsonl"
        src.write_text("\n".join(json.dumps({"id": path, "url": site.url(path)}) for path in urls))
        out = tmp_path / "out.jsonl"
        proc = run("batch", str(src), "-o", str(out), "-q", env={"NUTGRAF_FETCH_ALLOWED_PRIVATE_HOSTS": site.host})
    finally:
        site.close()
    assert proc.returncode == 1
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [
        "/header-base64.html",
        "/meta-rot13.html",
    ]
    assert "line 2 skipped: That link leads to a file of type application/octet-stream" in proc.stderr
    assert "line 3 skipped: That link redirected to an address that makes no sense" in proc.stderr
    assert "Traceback" not in proc.stderr
