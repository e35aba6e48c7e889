"""The `herobot` command as an admin uses it: serve, shell, export."""

import asyncio
import os
import socket
import subprocess
import sys

import aiohttp

from tests.conftest import export_of, run_cli
from tests.slack_requests import SIGNING_SECRET, sign


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 20) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(int(timeout * 10)):
            assert process.poll() is None, process.stderr.read()
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("server did not become healthy")


def start_server(tmp_path, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    (tmp_path / "herobot.toml").touch()  # a config named in HEROBOT_CONFIG must exist
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, "HEROBOT_DB": str(tmp_path / "served.db"),
             "HEROBOT_CONFIG": str(tmp_path / "herobot.toml"), **env},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    _, err = process.communicate(timeout=20)
    return err


async def test_serve_without_slack_credentials_starts_and_says_slack_is_off(tmp_path):
    env = {k: "" for k in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN")}
    process, base = start_server(tmp_path, env)
    try:
        await wait_healthy(base + "/healthz", process)
        async with aiohttp.ClientSession() as session, session.post(base + "/slack/events", data=b"x") as response:
            assert response.status == 404
    finally:
        log = stop(process)
    assert "Slack is off" in log


async def test_serve_posts_ideas_through_the_configured_slack_api(tmp_path, fake_slack):
    (tmp_path / "herobot.toml").write_text('[slack]\nideas_channel = "C0IDEAS"\n')
    process, base = start_server(tmp_path, {
        "SLACK_BOT_TOKEN": "xoxb-secret-token-value", "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.base_url + "/api/",
    })
    try:
        await wait_healthy(base + "/healthz", process)
        body = b"command=%2Fidea&text=From+a+real+server&user_id=U1&channel_id=C1&team_id=T1&trigger_id=t"
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        async with aiohttp.ClientSession() as session, session.post(base + "/slack/events", data=body,
                                                                    headers=headers) as response:
            assert response.status == 200
            answer = await response.json()
        post = (await fake_slack.wait_for("chat.postMessage"))[0]
        assert post.args["channel"] == "C0IDEAS" and "From a real server" in post.text()
        assert "Idea #1 is posted" in answer["text"] and "/archives/C0IDEAS/p" in answer["text"]
    finally:
        log = stop(process)
    assert "xoxb-secret-token-value" not in log and SIGNING_SECRET not in log
    assert export_of(str(tmp_path / "served.db"))["ideas"][0]["slack"]["channel"] == "C0IDEAS"


def test_shell_runs_the_same_commands_on_the_same_database(tmp_path):
    db = str(tmp_path / "shell.db")
    script = "\n".join([
        "/idea Print return labels at the counter",
        "/idea anon Let agents refund 10 EUR without approval",
        "/vote 1", "/as bob", "/vote 1", "/comment 1 We need a printer first",
        "/hero top all", "/hero show 1", "/hero mine", "/idea " + "z" * 4001, "/quit",
    ]) + "\n"
    result = run_cli("shell", "--as", "alice", env={**os.environ, "HEROBOT_DB": db}, input=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "#1 Print return labels at the counter" in out and "Idea #2 is posted" in out
    assert "You voted for #1" in out and "2 votes" in out and "We need a printer first" in out
    assert "4,000" in out and "by anonymous" in out

    ideas = export_of(db)["ideas"]
    assert [i["votes"] for i in ideas] == [2, 0]
    assert ideas[1]["author"] is None and "alice" not in str(ideas[1])


def test_shell_form_asks_each_field(tmp_path):
    db = str(tmp_path / "shell.db")
    (tmp_path / "herobot.toml").write_text('[mission]\ngoals = ["Shorter waits"]\n')
    answers = "/idea\nLong queues\nStaffing\nCall-back slots\nLess waiting\n1\nn\n/quit\n"
    env = {**os.environ, "HEROBOT_DB": db, "HEROBOT_CONFIG": str(tmp_path / "herobot.toml")}
    result = run_cli("shell", env=env, input=answers)
    assert result.returncode == 0, result.stderr
    idea = export_of(db)["ideas"][0]
    assert idea["title"] == "Call-back slots" and idea["mission_goal"] == "Shorter waits"
    assert "Root cause: Staffing" in idea["text"]


def test_export_prints_the_documented_shape(tmp_path):
    db = str(tmp_path / "x.db")
    run_cli("shell", env={**os.environ, "HEROBOT_DB": db}, input="/idea One\n/vote 1\n/quit\n")
    idea = export_of(db)["ideas"][0]
    assert set(idea) >= {"id", "title", "text", "author", "anonymous", "status", "votes", "voters", "comments",
                         "mission_goal", "created_at", "slack"}
    assert isinstance(idea["id"], int) and idea["created_at"].endswith("Z") and idea["voters"] == ["local-admin"]


def test_a_broken_config_is_reported_without_a_traceback(tmp_path):
    (tmp_path / "bad.toml").write_text('[voting]\nthreshold = "three"\n')
    result = run_cli("serve", env={**os.environ, "HEROBOT_CONFIG": str(tmp_path / "bad.toml"),
                                   "HEROBOT_DB": str(tmp_path / "b.db")})
    assert result.returncode == 2 and "[voting] threshold" in result.stderr and "Traceback" not in result.stderr


def test_shell_logs_problems_offers_similar_ones_and_shows_hot_spots(tmp_path):
    db = str(tmp_path / "p.db")
    script = ("/problem Customers cannot find the returns form\n/as bob\n/problem The returns form cannot be found\n"
              "/metoo 1\n/hero hotspots\n/hero search returns\n/hero search \"*\n/quit\n")
    result = run_cli("shell", "--as", "alice", env={**os.environ, "HEROBOT_DB": db}, input=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Problem P1 is posted" in out and "Similar items are already open" in out and "/anyway " in out
    assert "Thanks, you are counted on problem P1" in out and "2 in the window" in out
    assert "P1 Customers cannot find the returns form" in out and "Give me some words" in out
    problems = export_of(db)["problems"]
    assert len(problems) == 1 and problems[0]["reporters"] == 2
    assert set(problems[0]) >= {"id", "text", "reporter", "reporters", "channel_mix", "status", "duplicate_of",
                                "ideas", "created_at", "slack"}


def test_shell_offers_similar_ideas_before_posting(tmp_path):
    db = str(tmp_path / "shell.db")
    script = "/idea Print return labels at the counter\n/idea Print the return labels at our counter\n/quit\n"
    result = run_cli("shell", "--as", "alice", env={**os.environ, "HEROBOT_DB": db}, input=script)
    assert "Similar items are already open" in result.stdout and "/anyway" in result.stdout
    assert len(export_of(db)["ideas"]) == 1


def test_shell_starts_a_challenge_and_takes_ideas_for_it(tmp_path):
    from datetime import date, timedelta

    db = str(tmp_path / "shell.db")
    (tmp_path / "herobot.toml").write_text('[roles]\nmanagers = ["alice"]\n')
    env = {**os.environ, "HEROBOT_DB": db, "HEROBOT_CONFIG": str(tmp_path / "herobot.toml")}
    ends_on = (date.today() + timedelta(days=5)).isoformat()
    script = "\n".join([
        "/problem Parcel lockers refuse the pickup code",
        "/hero challenge", "How might we stop the locker calls?", "P1", "", date.today().isoformat(), "",
        "", "", "", ends_on, "2",  # the date was refused: the other answers are kept, Enter keeps them
        "/idea challenge C1 Text customers the locker code", "/as bob", "/vote 1",
        "/idea challenge C9 Nothing here", "/hero challenge", "/hero challenges", "/quit",
    ]) + "\n"
    result = run_cli("shell", "--as", "alice", env=env, input=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Ends on: The end date must be tomorrow or later." in out and "Challenge C1 is started" in out
    assert "There is no challenge C9" in out and "Only managers start challenges" in out
    assert "C1 How might we stop the locker calls?" in out and "1 idea" in out
    data = export_of(db, env)
    assert data["challenges"][0]["ends_on"] == ends_on and data["challenges"][0]["advance"] == 2
    assert data["challenges"][0]["problem"] == "P1" and data["ideas"][0]["challenge"] == "C1"
