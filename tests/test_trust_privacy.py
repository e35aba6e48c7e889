"""Issue 11, privacy: the secret outside the file, sealed reach paths, private file modes, erasure of every role."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import sqlite3
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Config
from bot.model import Actor
from storage import decisions as decided
from storage import ideas as store
from storage import sends as sends_store
from storage.db import open_database, write
from storage.schema import migrations
from tests.conftest import CONFIG, export_of, run_cli
from tests.teams_requests import IDEAS_CHANNEL, aad

PERSON, OTHER = "UALICE7", "UBOB7"


def raw_bytes(db_path: str) -> bytes:
    """The database file and its WAL as they lie on disk, lower-cased (search indexes lower-case words)."""
    found = b""
    for name in (db_path, f"{db_path}-wal"):
        if Path(name).exists():
            found += Path(name).read_bytes()
    return found.lower()


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def cli_env(db_path: str, **extra) -> dict:
    return {**os.environ, "HEROBOT_DB": db_path, **extra}


# --- 3. the file alone names nobody -------------------------------------------------------------

async def test_slack_the_file_alone_cannot_tell_who_posted_an_anonymous_idea(slack, fake_slack, db_path, core):
    await slack.command("/idea", "anon Print return labels at the counter", user="USECRET")
    await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "USECRET")
    for _ in range(100):
        if decided.extras(core.db, 1)["author_channel"]:
            break
        await asyncio.sleep(0.05)
    assert core.db.execute("SELECT count(*) FROM meta WHERE key = 'author_key_secret'").fetchone()[0] == 0
    assert decided.extras(core.db, 1)["author_channel"] == "USECRET"  # the bot, holding the key, can reach them
    assert b"usecret" not in raw_bytes(db_path)  # the fake's DM id is the user id: not even that is in the file
    # the author key is an HMAC under a key outside the file: the old in-file secret would not match it
    key = core.db.execute("SELECT author_key FROM ideas WHERE id = 1").fetchone()[0]
    assert key == hmac.new(bytes.fromhex(os.environ["HEROBOT_SECRET_KEY"]), b"slack:USECRET", hashlib.sha256).hexdigest()
    mine = export_of(db_path)  # the whole export: no author
    assert mine["ideas"][0]["author"] is None
    found = run_cli("export", "--user", "USECRET", env=cli_env(db_path))
    assert '"anonymous": true' in found.stdout  # with the key, the author finds their own idea
    stranger = run_cli("export", "--user", "USECRET", env=cli_env(db_path, HEROBOT_SECRET_KEY="7" * 64))
    assert stranger.returncode == 0 and '"anonymous": true' not in stranger.stdout  # the file alone: nobody


async def test_teams_a_person_who_only_posted_anonymously_is_not_in_the_file(teams, fake_teams, db_path, core):
    assert (await teams.message("idea anon Print return labels at the counter", user="USECRET", channel=None,
                                mention=False)).status == 200
    await fake_teams.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL)
    hello = (await fake_teams.wait_for("send", where=lambda c: "anonymous idea" in c.text()))[0]
    for _ in range(100):
        if decided.extras(core.db, 1)["author_channel"]:
            break
        await asyncio.sleep(0.05)
    assert core.db.execute("SELECT count(*) FROM teams_people").fetchone()[0] == 0
    data = raw_bytes(db_path)
    assert aad("USECRET").encode() not in data and b"person usecret" not in data
    sealed = core.db.execute("SELECT author_channel FROM ideas").fetchone()[0]
    assert sealed.startswith("v1:") and decided.extras(core.db, 1)["author_channel"] == hello.conversation


def _old_database(path: Path) -> bytes:
    """A database as herobot left it before m008: the HMAC secret in `meta`, the reach path in clear."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    from sqlite_utils import Database
    db = Database(conn)
    migrations.apply(db, stop_before="m008_secret_out_of_the_database")
    legacy = bytes.fromhex(db.execute("SELECT value FROM meta WHERE key = 'author_key_secret'").fetchone()[0])
    for author, anonymous in (("UNAMED", 0), ("USHY", 1)):
        key = hmac.new(legacy, f"slack:{author}".encode(), hashlib.sha256).hexdigest()
        db.execute("INSERT INTO ideas (platform, title, text, author_id, author_key, anonymous, created_at, updated_at, "
                   "author_channel) VALUES ('slack', 't', 't', ?, ?, ?, '2026-01-01', '2026-01-01', ?)",
                   [None if anonymous else author, key, anonymous, f"D{author}"])
    conn.close()
    return legacy


def test_an_old_database_gives_its_secret_to_a_new_key_file_and_keeps_none(tmp_path):
    path = tmp_path / "old.db"
    legacy = _old_database(path)
    key_file = tmp_path / "herobot.key"
    env = {k: v for k, v in os.environ.items() if k != "HEROBOT_SECRET_KEY"}
    result = run_cli("export", env={**env, "HEROBOT_DB": str(path), "HEROBOT_CONFIG": str(tmp_path / "herobot.toml")})
    assert result.returncode == 0, result.stderr
    assert key_file.read_text().strip() == legacy.hex() and mode(key_file) == 0o600
    db = open_database(path, secret=legacy)
    assert db.execute("SELECT count(*) FROM meta").fetchone()[0] == 0
    assert legacy.hex().encode() not in raw_bytes(str(path))
    assert [i.title for i in store.ideas_of_author(db, Actor("slack", "USHY"))] == ["t"]  # still theirs to find
    assert decided.extras(db, 2)["author_channel"] == "DUSHY" and b"dushy" not in raw_bytes(str(path))


def test_an_old_database_under_a_new_secret_rekeys_named_ideas(tmp_path):
    path = tmp_path / "old.db"
    _old_database(path)
    db = open_database(path, secret=b"a brand new secret of 32 bytes!!")
    assert db.execute("SELECT count(*) FROM meta").fetchone()[0] == 0
    assert [i.id for i in store.ideas_of_author(db, Actor("slack", "UNAMED"))] == [1]
    assert decided.extras(db, 2)["author_channel"] == "DUSHY"  # the reach path survives the change of secret


def test_a_short_secret_is_refused_with_a_message(tmp_path):
    result = run_cli("export", env=cli_env(str(tmp_path / "x.db"), HEROBOT_SECRET_KEY="short"))
    assert result.returncode == 2 and "HEROBOT_SECRET_KEY" in result.stderr
    assert not (tmp_path / "x.db").exists()


# --- 4. files are private -----------------------------------------------------------------------

def test_database_wal_shm_backup_lock_and_key_file_are_created_0600(tmp_path):
    os.umask(0o022)  # a permissive umask, as a service manager may set it
    db_path = str(tmp_path / "herobot.db")
    env = {k: v for k, v in os.environ.items() if k != "HEROBOT_SECRET_KEY"}
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "herobot.toml").write_text("")  # the key file is created beside it
    env |= {"HEROBOT_DB": db_path, "HEROBOT_CONFIG": str(tmp_path / "conf" / "herobot.toml")}
    shell = run_cli("shell", "--as", "alice", env=env, input="/idea A private idea\n/quit\n")
    assert shell.returncode == 0, shell.stderr
    assert run_cli("backup", str(tmp_path / "copy.db"), env=env).returncode == 0
    key_file = tmp_path / "conf" / "herobot.key"
    for path in (db_path, f"{db_path}.lock", tmp_path / "copy.db", key_file):
        assert mode(path) == 0o600, path
    db = open_database(db_path, secret=bytes.fromhex(key_file.read_text().strip()))  # in-process, umask 022
    with write(db):
        db.execute("INSERT INTO processed_events VALUES ('e', 'now')")
    for path in (f"{db_path}-wal", f"{db_path}-shm"):
        assert mode(path) == 0o600, path


def test_an_existing_world_readable_database_is_made_private_when_opened(tmp_path):
    path = tmp_path / "herobot.db"
    open_database(path).close()
    os.chmod(path, 0o644)
    open_database(path).close()
    assert mode(path) == 0o600


def test_key_file_from_config(tmp_path):
    (tmp_path / "herobot.toml").write_text('[storage]\nkey_file = "secrets/bot.key"\n')
    env = {k: v for k, v in os.environ.items() if k != "HEROBOT_SECRET_KEY"}
    env |= {"HEROBOT_DB": str(tmp_path / "h.db"), "HEROBOT_CONFIG": str(tmp_path / "herobot.toml")}
    assert run_cli("export", env=env).returncode == 0
    assert mode(tmp_path / "secrets" / "bot.key") == 0o600 and not (tmp_path / "herobot.key").exists()


# --- 5. erasure reaches every byte --------------------------------------------------------------

async def idea_posted(slack, fake, text: str, user: str, count: int) -> tuple[str, str]:
    await slack.command("/idea", text, user=user)
    post = (await fake.wait_for("chat.postMessage", count=count, where=lambda c: c.args["channel"] == "C0IDEAS"))[-1]
    return post.args["channel"], post.answer["ts"]


@pytest.fixture
def config():
    return Config.from_dict({**CONFIG, "roles": {"managers": [PERSON, "U0MGR2"], "it_champions": [PERSON],
                                                 "escalation": PERSON}})


async def test_slack_forget_reaches_every_role_and_every_byte(slack, fake_slack, db_path, core):
    await idea_posted(slack, fake_slack, "Named idea by the person", PERSON, 1)
    await idea_posted(slack, fake_slack, "anon Their anonymous idea", PERSON, 2)
    channel, ts = await idea_posted(slack, fake_slack, "An idea by someone else", OTHER, 3)
    for voter in (PERSON, "U101", "U102"):  # their vote sends it to review: they are a manager of it
        await slack.reaction(True, voter, channel, ts)
    await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == PERSON, count=2)
    await slack.reply(PERSON, channel, ts, "I like it, says UALICE7")
    await slack.reply(OTHER, channel, ts, f"Agree with <@{PERSON}> and <@{PERSON}|alice>")
    for number, (user, text) in enumerate(((PERSON, "The app logs customers out"), (OTHER, "Refund forms get lost")), 1):
        await slack.command("/problem", text, user=user)
        await fake_slack.wait_for("chat.postMessage", where=lambda c, n=number: f"P{n}" in c.text())
    await slack.click("problem_me_too", "2", user=PERSON)
    await fake_slack.wait_for("note", where=lambda c: "P2" in c.args.get("text", ""))
    now = core.now()
    with write(core.db) as db:
        decided.set_champion(db, 3, PERSON)
        key = sends_store.SendKey("escalate", 3, PERSON, "2026-12-01", "slack")
        sends_store.claim(db, key, now, now + timedelta(minutes=3))
        sends_store.complete(db, key, "DALICE", "1.1", now)
        sends_store.snooze(db, 3, PERSON, now.date(), now)
    before = export_of(db_path)
    assert PERSON in str(before)
    for table in ("votes", "comments", "problem_reports", "review_messages", "snoozes", "sends"):
        assert PERSON in str(core.db.execute(f"SELECT * FROM {table}").fetchall()), table

    result = run_cli("forget", PERSON, env=cli_env(db_path))
    assert result.returncode == 0, result.stderr
    assert '"file_scrubbed": true' in result.stdout
    assert PERSON.lower().encode() not in raw_bytes(db_path)
    after = export_of(db_path)
    assert PERSON not in str(after)
    comments = [r[0] for r in core.db.execute("SELECT text FROM comments")]
    assert comments == ["Agree with a former colleague and a former colleague"]
    ideas = {i["id"]: i for i in after["ideas"]}
    assert ideas[2]["anonymous"] and ideas[2]["author"] is None and ideas[1]["author"] is None
    assert ideas[3]["voters"] == ["U101", "U102"] and ideas[3]["champion"] is None
    assert after["problems"][0]["reporter"] == "forgotten" and after["problems"][1]["reporters"] == 1
    assert store.ideas_of_author(core.db, Actor("slack", PERSON)) == []  # their anonymous idea stays anonymous


async def test_teams_forget_removes_the_person_their_name_and_mentions(teams, fake_teams, db_path, core):
    await teams.message("idea Named idea on Teams", user="UTP")
    post = (await fake_teams.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL))[0]
    thread = post.activity_id
    await teams.message("I agree", user="UTP", channel=IDEAS_CHANNEL, mention=False, thread=thread)
    await teams.message("Thanks <at>Person UTP</at>, good one", user="U2", channel=IDEAS_CHANNEL, mention=False,
                        thread=thread)
    await teams.reaction(True, thread, user="UTP")
    for _ in range(100):
        if core.db.execute("SELECT count(*) FROM comments").fetchone()[0] == 2:
            break
        await asyncio.sleep(0.05)
    assert core.db.execute("SELECT count(*) FROM teams_people WHERE aad_object_id = ?", [aad("UTP")]).fetchone()[0]
    result = run_cli("forget", aad("UTP"), env=cli_env(db_path))
    assert result.returncode == 0, result.stderr
    data = raw_bytes(db_path)
    for needle in (aad("UTP"), "Person UTP", "29:UTP"):
        assert needle.lower().encode() not in data, needle
    assert [r[0] for r in core.db.execute("SELECT text FROM comments")] == ["Thanks a former colleague, good one"]
    assert "Person UTP" not in str(export_of(db_path))


# --- 2. an anonymous author's answer to a pilot check-in ----------------------------------------

async def test_an_anonymous_author_answers_a_pilot_check_in_privately_and_the_status_stays(settings, fake_slack):
    from datetime import date

    from bot.author_answers import answer
    from bot.errors import Refused
    from tests.core_fixtures import Clock
    from tests.scheduling import add_idea, config_with, scheduled_core, start_pilot, to_review, utc

    clock = Clock(utc(2026, 12, 2, 10, 0))
    async with scheduled_core(settings, config_with(), clock) as core:
        idea = add_idea(core, "Secret pilot", utc(2026, 11, 2, 9, 0), author="U0SHY", anonymous=True)
        to_review(core, idea, utc(2026, 11, 3, 9, 0))
        start_pilot(core, idea, "U0MGR1", utc(2026, 11, 4, 9, 0), date(2026, 12, 2))
        audit = core.db.execute("SELECT count(*) FROM audit").fetchone()[0]
        with pytest.raises(Refused):
            await answer(core, Actor("slack", "U0OTHER"), idea, "I made it up")
        note = await answer(core, Actor("slack", "U0SHY"), idea, "Calls dropped by a third")
        assert "without your name" in note.text
        await core.background.drain(timeout=10)
        assert store.get_idea(core.db, idea).status.value == "piloting"
        assert core.db.execute("SELECT count(*) FROM audit").fetchone()[0] == audit
    told = [c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "U0MGR1"]
    assert told and "The author of the pilot #1 answered" in told[-1].text()


async def test_a_held_anonymous_draft_keeps_where_it_was_typed_sealed(slack, fake_slack, db_path, core):
    await slack.command("/idea", "Refund late parcels automatically", user="U1")
    await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args["channel"] == "C0IDEAS")
    await slack.command("/idea", "anon Refund late parcels automatically please", user="USECRET", channel="DSECRET9")
    for _ in range(100):
        if core.db.execute("SELECT count(*) FROM pending_posts").fetchone()[0]:
            break
        await asyncio.sleep(0.05)
    sealed = core.db.execute("SELECT channel_id FROM pending_posts").fetchone()[0]
    assert sealed.startswith("v1:") and b"dsecret9" not in raw_bytes(db_path) and b"usecret" not in raw_bytes(db_path)


async def test_teams_an_anonymous_post_by_a_known_person_changes_nothing_about_them(teams, fake_teams, core):
    await teams.message("hero help", user="UKNOWN", channel=None, mention=False)
    await fake_teams.wait_for("send")
    before = core.db.execute("SELECT * FROM teams_people").fetchall() + core.db.execute(
        "SELECT * FROM teams_conversations").fetchall()
    await teams.message("idea anon Quieter hold music", user="UKNOWN", channel=None, mention=False)
    await fake_teams.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL)
    after = core.db.execute("SELECT * FROM teams_people").fetchall() + core.db.execute(
        "SELECT * FROM teams_conversations").fetchall()
    assert after == before  # not even a timestamp to set beside the idea's
