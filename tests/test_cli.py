"""The `borderwatch` command line, run as a user would (a real subprocess)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

ITEMS = [
    {"id": "en1", "title": "Armenia's Defence Ministry: Azerbaijani forces fired at positions "
     "near Sotk", "summary": "Small-arms fire, no casualties.",
     "published": "2026-11-20T06:30:00+04:00", "lang": "en"},
    {"id": 2, "title": "Foreign ministers to discuss the peace treaty in Vienna",
     "summary": "Talks next week.", "published": "2026-11-20"},
    {"id": "ru1", "title": "Минобороны Армении: азербайджанские подразделения обстреляли "
     "позиции у Сотка", "summary": "Потерь нет.", "published": "2026-11-20T08:00:00Z"},
    {"id": "az1", "title": "Azərbaycan Müdafiə Nazirliyi: Ermənistan silahlı qüvvələrinin "
     "Sotk istiqamətində atəş açması barədə məlumat həqiqətə uyğun deyil",
     "summary": "", "published": "2026-11-20T10:00:00+04:00"},
]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` with `stdin`."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
        env=env, timeout=120, check=False,
    )


def test_classify_contract_order_fields_and_one_incident_across_languages() -> None:
    """One line out per line in, same order and ids; the claim and the denial in three
    languages share one incident_id; the peace-talks item is not an incident."""
    lines = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in ITEMS)
    result = run("classify", stdin=lines)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["en1", 2, "ru1", "az1"]
    for o in out:
        assert {"id", "incident", "score", "severity", "lang", "locations", "incident_id"} <= set(o)
        assert 0.0 <= o["score"] <= 1.0
    en, talks, ru, az = out
    assert talks["incident"] is False
    assert talks["incident_id"] is None
    assert talks["severity"] is None
    assert en["incident"]
    assert ru["incident"]
    assert az["incident"]
    assert en["incident_id"] == ru["incident_id"] == az["incident_id"]
    assert [en["lang"], ru["lang"], az["lang"]] == ["en", "ru", "az"]
    assert "Sotk" in {loc["name"] for loc in ru["locations"]}
    assert en["severity"] in {"low", "medium", "high", "critical"}


def test_classify_explain_and_bad_lines(tmp_path: Path) -> None:
    """--explain lists signals with evidence; a malformed line gets an error in its place
    and a non-zero exit, and nothing else is lost."""
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps(ITEMS[0]) + "\n{not json\n" + json.dumps({"id": "x"}) + "\n"
                    + json.dumps(ITEMS[1]) + "\n", encoding="utf-8")
    result = run("classify", "--explain", str(path))
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["signals"]
    assert all(s["evidence"] for s in out[0]["signals"])
    assert "error" in out[1]
    assert out[1]["id"] is None
    assert "error" in out[2]
    assert out[2]["id"] == "x"
    assert "title" in out[2]["error"]
    assert out[3]["id"] == 2
    assert "error" not in out[3]
    assert "line 2" in result.stderr


def test_missing_file_and_bad_settings_are_clear_errors(tmp_path: Path) -> None:
    """A missing input file and a bad setting each give one clear line and exit 2."""
    missing = run("classify", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2
    assert "cannot read" in missing.stderr
    env_bad = dict(os.environ, POLL_INTERVAL_SECONDS="1")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sources"], capture_output=True, text=True,
        env=env_bad, timeout=60, check=False, cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "POLL_INTERVAL_SECONDS" in result.stderr


def test_sources_and_migrate(tmp_path: Path) -> None:
    """`sources` lists the bundled feeds; `migrate` creates the database."""
    listed = run("sources")
    assert listed.returncode == 0
    assert len(listed.stdout.splitlines()) >= 25
    env = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    migrated = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"], capture_output=True, text=True, env=env,
        timeout=60, check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "m.db").exists()


def test_file_url_follows_the_api_url() -> None:
    """Files download from `.../file/bot`, for Telegram and a self-hosted Bot API server."""
    from bot.app import file_base_url

    assert file_base_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_base_url("http://127.0.0.1:8081/bot/") == "http://127.0.0.1:8081/file/bot"


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot run` in `tmp_path` with `env` over a clean environment."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "DATABASE_", "SOURCES_"))}
    full = {**base, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "HTTP_PORT": "0",
            "PTB_TIMEDELTA": "true", **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"], capture_output=True, text=True, env=full,
        timeout=120, check=False, cwd=tmp_path, stdin=subprocess.DEVNULL,
    )


def one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    """The run failed with one `borderwatch:` line naming `fragment`, and no traceback."""
    assert result.returncode in (1, 2), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("borderwatch:")]
    assert fragment in line, line


def test_start_up_errors_are_one_line(tmp_path: Path) -> None:
    """A MySQL URL, an unwritable SQLite path and a file that is not a database each stop
    the start with one clear line."""
    one_line_error(start(tmp_path, DATABASE_URL="mysql://u:secret@localhost/db"),
                   "'mysql' is not supported")
    one_line_error(start(tmp_path, DATABASE_URL="sqlite+aiosqlite:////proc/borderwatch/x.db"),
                   "cannot create the folder /proc/borderwatch")
    (tmp_path / "notes.db").write_text("not a database\n" * 100, encoding="utf-8")
    result = start(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'notes.db'}")
    one_line_error(result, "file is not a database")
    assert "secret" not in result.stderr


def test_postgresql_without_the_extra_says_how_to_install_it(tmp_path: Path) -> None:
    """Without asyncpg installed, a PostgreSQL URL says `pip install '.[postgres]'`."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "asyncpg.py").write_text("raise ImportError(\"No module named 'asyncpg'\")\n",
                                     encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    result = start(tmp_path, DATABASE_URL="postgresql+asyncpg://bw:pw@127.0.0.1:1/bw",
                   PYTHONPATH=f"{shim}{os.pathsep}{root}")
    one_line_error(result, "pip install '.[postgres]'")


def test_a_token_with_no_network_is_one_line(tmp_path: Path) -> None:
    """A well-formed token and an unreachable Bot API: one line naming the API, no token."""
    token = "123456:NO-network-abcdefghijklmnopqrstuvwxyz"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = start(tmp_path, TELEGRAM_BOT_TOKEN=token,
                   TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot")
    one_line_error(result, f"cannot reach the Telegram Bot API at http://127.0.0.1:{port}/bot")
    assert token not in result.stderr
    assert len(result.stderr.splitlines()) <= 5
