"""A local fake of the Slack Web API (aiohttp): records every call, fails any that breaks a
documented limit, and can be told to fail the way Slack does (errors, 429, 5xx).

Also usable on its own (benches, trying qotd by hand), serving until killed:

    .venv/bin/python -m tests.slack.fake_api --port 8765 [--token xoxb-...] [--admin U123]

It prints its Web API URL (set QOTD_SLACK_API_URL to it) and serves GET /_qotd/posts: every
message per channel with its metadata, and how many questions and reveals each channel got.

Test-only fault hooks for benches (bench/faults.py), all off by default: `--fail-questions` /
`--fail-reveals` give some posts' sends transient 503s, `--send-delay` holds each question or
reveal send before it is stored, `--announce-sends` prints one stdout line per such send, and
a Web API URL of the form .../api/<tag>/ tags each call with who made it (see SendFaults).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from aiohttp import WSMsgType, web

from tests.slack.checks import check_message, check_view
from tests.slack.fake_conversations import Conversations
from tests.slack.fake_files import Files
from tests.slack.fake_state import BOT_USER, TEAM, TOKEN
from tests.slack.fake_workspaces import FakeWorkspaces

__all__ = ["BOT_USER", "TEAM", "TOKEN", "Call", "FakeSlack"]


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    via: str | None = None  # the tag of a .../api/<tag>/ URL (benches: which worker called)


@dataclass
class Failure:
    error: str | None = None
    status: int = 200
    retry_after: int | None = None
    after: int = 0  # calls of the method that succeed first


@dataclass
class FakeSlack(Conversations, Files):
    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed_from: set[str] = field(default_factory=set)
    revoked: bool = False
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    _failures: dict[str, list[Failure]] = field(default_factory=lambda: defaultdict(list))
    _ts: Any = field(default_factory=lambda: count(1))
    _runner: web.AppRunner | None = None
    url: str = ""
    socket_envelopes: list[dict[str, Any]] = field(default_factory=list)
    posted_ts: set[str] = field(default_factory=set)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    cursors: dict[str, int] = field(default_factory=dict)
    dms: dict[str, str] = field(default_factory=dict)
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The status auth.test answers with when the token is wrong (Slack: 200 + invalid_auth).
    auth_status: int = 200
    # Test-only fault hooks for benches; None (the default) changes nothing.
    send_faults: SendFaults | None = None
    # Installs through OAuth: codes, and each workspace's own bot token.
    workspaces: FakeWorkspaces = field(default_factory=FakeWorkspaces)

    # -- lifetime ---------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeSlack:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_route("*", "/api/{via}/{method}", self._api)  # a tagged caller (benches)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_post("/upload/{file_id}", self.upload)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/_qotd/posts", self._posts_json)
        app.router.add_get("/_qotd/faults", self._faults_json)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = self._runner.addresses[0][1]
        self.url = f"http://{host}:{bound}/"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    def response_url(self, key: str) -> str:
        return f"{self.url}response/{key}"

    # -- programming failures ---------------------------------------------------------------

    def fail(
        self,
        method: str,
        error: str | None = None,
        *,
        status: int = 200,
        retry_after: int | None = None,
        after: int = 0,
    ) -> None:
        """The next call of `method` (or the one after `after` more) fails with a Slack error
        code, or an HTTP status."""
        self._failures[method].append(Failure(error, status, retry_after, after))

    # -- reading what was sent --------------------------------------------------------------

    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def posts(self) -> list[dict[str, Any]]:
        """Top-level channel messages Slack accepted (not thread replies)."""
        return [
            c.args
            for c in self.called("chat.postMessage")
            if "ts" in c.args and not c.args.get("thread_ts")
        ]

    def thread(self, ts: str) -> list[dict[str, Any]]:
        return [
            c.args
            for c in self.called("chat.postMessage")
            if "ts" in c.args and c.args.get("thread_ts") == ts
        ]

    def channel_posts(self, channel: str) -> list[dict[str, Any]]:
        """The channel's messages as conversations.history holds them, oldest first."""
        return list(self.messages.get(channel, []))

    def next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def responses(self) -> list[dict[str, Any]]:
        """Messages sent through response_url (ephemeral replies to commands and buttons)."""
        return [c.args for c in self.called("response_url")]

    # -- the API ----------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _args(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else args.get("token")
        via = request.match_info.get("via")
        self.calls.append(Call(method, args, token, via))
        if self._failures.get(method) and self._failures[method][0].after:
            self._failures[method][0].after -= 1
        elif self._failures.get(method):
            failure = self._failures[method].pop(0)
            headers = (
                {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            )
            if failure.status != 200:
                body = {"ok": False, "error": failure.error or "ratelimited"}
                return web.json_response(body, status=failure.status, headers=headers)
            return web.json_response({"ok": False, "error": failure.error})
        if method == "apps.connections.open":
            return web.json_response({"ok": True, "url": self.url.replace("http", "ws") + "socket"})
        if method == "oauth.v2.access":
            return web.json_response(self.workspaces.access(args, auth))
        if self.revoked:
            return web.json_response({"ok": False, "error": "token_revoked"})
        team = self.workspaces.tokens.get(token or "")  # an installed workspace's bot token
        if token != self.token and team is None:
            status = self.auth_status if method == "auth.test" else 200
            return web.json_response({"ok": False, "error": "invalid_auth"}, status=status)
        if team is not None and token is not None:
            if method == "auth.test":
                return web.json_response(self.workspaces.auth_test(token))
            refused = self.workspaces.refuse(method, args, team)
            if refused is not None:
                return web.json_response(refused)
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        if self.send_faults is not None and method == "chat.postMessage":
            return await self.send_faults.send(args, via, handler)
        result: dict[str, Any] = handler(args)
        return web.json_response(result)

    async def _response_url(self, request: web.Request) -> web.Response:
        args = await request.json()
        self.calls.append(Call("response_url", args, None))
        problems = check_message(args)
        if problems:
            self.violations += [f"response_url: {p}" for p in problems]
            return web.json_response({"ok": False, "error": "invalid_blocks"}, status=400)
        return web.Response(text="ok")

    def _refuse(self, method: str, problems: list[str]) -> dict[str, Any] | None:
        if not problems:
            return None
        self.violations += [f"{method}: {problem}" for problem in problems]
        return {"ok": False, "error": "invalid_blocks", "errors": problems}

    def _auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "team_id": TEAM,
            "team": "Study group",
            "user_id": BOT_USER,
            "user": "qotd",
            "bot_id": "B0QOTD",
        }

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        if channel in self.removed_from:
            return {"ok": False, "error": "not_in_channel"}
        refused = self._refuse("chat.postMessage", check_message(args))
        if refused:
            return refused
        bad_metadata = self.check_metadata(args)
        if bad_metadata:
            return self._violation("chat.postMessage", "malformed metadata", bad_metadata)
        if args.get("thread_ts") and self.find(channel, str(args["thread_ts"])) is None:
            return {"ok": False, "error": "thread_not_found"}
        ts = self.next_ts()
        self.posted_ts.add(ts)
        args["ts"] = ts  # so tests can find the message, as Slack's history would
        self.store(channel, args, ts)
        return {"ok": True, "channel": channel, "ts": ts}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("ts") not in self.posted_ts:
            return {"ok": False, "error": "message_not_found"}
        return self._refuse("chat.update", check_message(args)) or {
            "ok": True,
            "ts": args.get("ts"),
        }

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        return self._refuse("chat.postEphemeral", check_message(args)) or {
            "ok": True,
            "message_ts": "1.1",
        }

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        problems = [] if args.get("trigger_id") else ["trigger_id is required"]
        view = _json(args.get("view"))
        problems += check_view(view)
        return self._refuse("views.open", problems) or {"ok": True, "view": {**view, "id": "V1"}}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user_id") or "")
        problems = [] if user else ["user_id is required"]
        view = _json(args.get("view"))
        problems += check_view(view)
        for block in view.get("blocks") or []:
            file_id = (block.get("slack_file") or {}).get("id")
            if file_id and not self.shared_with(file_id, user):
                # Slack: "invalid slack file" unless the viewer has access to the file.
                problems.append(f"image file {file_id} is not shared with {user}")
        return self._refuse("views.publish", problems) or {"ok": True, "view": view}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    async def _posts_json(self, _: web.Request) -> web.Response:
        return web.json_response({**self.snapshot(), "responses": self.responses()})

    async def _faults_json(self, _: web.Request) -> web.Response:
        faults = self.send_faults
        return web.json_response(faults.report() if faults else {})

    # -- Socket Mode ------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        for envelope in self.socket_envelopes:
            await ws.send_json(envelope)
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
        return ws


# -- test-only fault hooks (benches) ------------------------------------------------------------


_SERVICE_UNAVAILABLE = {"ok": False, "error": "service_unavailable"}


@dataclass
class SendFaults:
    """Test-only: transient failures and delays on qotd's question and reveal sends.

    A send is a chat.postMessage carrying qotd's message metadata (its event_type names the
    kind: qotd_post or qotd_reveal). For each (kind, post) the fake decides once, from the
    seed, whether that post's sends fail: a share `rates[kind]` of posts gets a burst of
    `burst` consecutive HTTP 503s (nothing stored), then its sends succeed. With `lost_reply`,
    that share of posts has its first successful send stored and still answered with a 503
    (the reply was lost: retrying it makes a visible duplicate). `delay` holds every send
    before it is stored (the request is in flight); `announce` prints one stdout line per
    send: `send <via> <kind> <post_id> <ok|503|lost>`.
    """

    rates: dict[str, float] = field(default_factory=dict)
    burst: tuple[int, int] = (1, 4)
    lost_reply: float = 0.0
    delay: float = 0.0
    announce: bool = False
    seed: int = 0
    injected: Counter[str] = field(default_factory=Counter)
    sent: Counter[str] = field(default_factory=Counter)
    _plans: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    async def send(self, args: dict[str, Any], via: str | None, handler: Any) -> web.Response:
        kind, post_id = _send_kind(args)
        if kind is None:
            return web.json_response(handler(args))
        plan = self._plans.get((kind, post_id))
        if plan is None:
            plan = self._plans[(kind, post_id)] = self._plan(kind, post_id)
        outcome = plan.pop(0) if plan else "ok"
        if self.announce:
            print(f"send {via or '-'} {kind} {post_id} {outcome}", flush=True)
        if self.delay:
            await asyncio.sleep(self.delay)
        if outcome == "503":
            self.injected[f"{kind} 503"] += 1
            return web.json_response(_SERVICE_UNAVAILABLE, status=503)
        result: dict[str, Any] = handler(args)
        if result.get("ok"):
            self.sent[kind] += 1
        if outcome == "lost" and result.get("ok"):
            self.injected[f"{kind} lost reply"] += 1
            return web.json_response(_SERVICE_UNAVAILABLE, status=503)
        return web.json_response(result)

    def _plan(self, kind: str, post_id: str) -> list[str]:
        rng = random.Random(f"{self.seed}:{kind}:{post_id}")
        plan = []
        if rng.random() < self.rates.get(kind, 0.0):
            plan += ["503"] * rng.randint(*self.burst)
        if rng.random() < self.lost_reply:
            plan.append("lost")
        return plan

    def report(self) -> dict[str, Any]:
        return {"injected": dict(self.injected), "sent": dict(self.sent)}


def _send_kind(args: dict[str, Any]) -> tuple[str | None, str]:
    """(event_type, post_id) of a message carrying qotd's metadata; (None, "") otherwise."""
    data = args.get("metadata")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return None, ""
    if not isinstance(data, dict) or not isinstance(data.get("event_payload"), dict):
        return None, ""
    return str(data.get("event_type")), str(data["event_payload"].get("post_id"))


async def _args(request: web.Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update(dict(await request.post()))
    for key in ("blocks", "view"):
        if isinstance(args.get(key), str):
            args[key] = json.loads(args[key])
    return args


def _json(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


async def serve(
    host: str, port: int, token: str, admins: list[str], faults: SendFaults | None = None
) -> None:
    """Run the fake until SIGINT/SIGTERM, printing its Web API URL first."""
    fake = FakeSlack(token=token, send_faults=faults)
    for user in admins:
        fake.users[user] = {"id": user, "name": user.lower(), "is_admin": True}
    await fake.start(host, port)
    print(f"fake Slack Web API: {fake.api_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await fake.stop()
        if fake.violations:
            print("limits broken:", *fake.violations, sep="\n  ", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="A local fake of the Slack Web API.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", default=TOKEN, help="the bot token it accepts")
    parser.add_argument(
        "--admin", action="append", default=[], help="a user id users.info calls an admin"
    )
    hooks = parser.add_argument_group("test-only fault hooks (benches; all off by default)")
    hooks.add_argument("--fail-questions", type=float, default=0.0, metavar="SHARE")
    hooks.add_argument("--fail-reveals", type=float, default=0.0, metavar="SHARE")
    hooks.add_argument("--fail-burst", default="1-4", metavar="MIN-MAX")
    hooks.add_argument("--lost-reply", type=float, default=0.0, metavar="SHARE")
    hooks.add_argument("--send-delay", type=float, default=0.0, metavar="SECONDS")
    hooks.add_argument("--announce-sends", action="store_true")
    hooks.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()
    faults = None
    if (
        options.fail_questions
        or options.fail_reveals
        or options.lost_reply
        or options.send_delay
        or options.announce_sends
    ):
        low, _, high = options.fail_burst.partition("-")
        faults = SendFaults(
            rates={"qotd_post": options.fail_questions, "qotd_reveal": options.fail_reveals},
            burst=(int(low), int(high or low)),
            lost_reply=options.lost_reply,
            delay=options.send_delay,
            announce=options.announce_sends,
            seed=options.seed,
        )
    asyncio.run(serve(options.host, options.port, options.token, options.admin, faults))


if __name__ == "__main__":
    main()
