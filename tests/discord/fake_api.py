"""A local fake of the Discord HTTP API for the real discord.py to talk to.

It records every request, answers the routes qotd uses with Discord-shaped JSON, and refuses
(400, and a recorded violation) any request that breaks a documented limit: message and embed
sizes, components, modals, autocomplete, command definitions, mass or user pings, an
interaction answered twice or after 3 seconds, a follow-up before the acknowledgement, file
uploads (count and size, and files in an interaction reply where the bot lacks Attach
Files), nonces over 25 characters, history pages over 100 messages, and
more than 50 requests a second. Tests assert `violations == []`.

Like Discord, it checks the bot token (401 otherwise), returns the existing message for a
repeated `enforce_nonce` nonce within a few minutes, gives a thread started from a message
that message's id, and opens DM channels.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from tests.discord.fake_interactions import ApiError, InteractionRoutes, InteractionState
from tests.discord.fake_limits import (
    command_problems,
    message_problems,
    pings,
)
from tests.discord.fake_uploads import (
    DEFAULT_FILE_LIMIT,
    Upload,
    attachment,
    read_multipart,
    upload_problems,
)

APP_ID = 900000000000000001
BOT_ID = APP_ID
BOT_USER = {
    "id": str(BOT_ID),
    "username": "qotd",
    "discriminator": "0",
    "global_name": "qotd",
    "avatar": None,
    "bot": True,
}
ARCHIVE_DURATIONS = {60, 1440, 4320, 10080}
NONCE_WINDOW = 300.0  # seconds Discord remembers an enforced nonce ("a few minutes")
MAX_NONCE = 25
HAS_THREAD = 1 << 5


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses JSON only when the content type is exactly application/json.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _now() -> str:
    return datetime.now(UTC).isoformat()


# ---- the server ---------------------------------------------------------------------------


class FakeDiscord(InteractionRoutes):
    """The fake API. `start()` returns the base URL to put in `discord.http.Route.BASE`."""

    def __init__(self, global_limit: int | None = 50, token: str | None = None) -> None:
        self.token = token  # when set, requests must carry `Authorization: Bot <token>`
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.created: list[dict[str, Any]] = []  # channel messages, as first sent
        self.messages: dict[int, dict[str, Any]] = {}  # current state by id
        self.threads: dict[int, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.interactions: dict[str, InteractionState] = {}
        self.refusals: dict[int, ApiError] = {}
        self.rate_limits: deque[float] = deque()  # retry_after of upcoming 429s
        self.create_failures: deque[tuple[int, ApiError]] = deque()  # (creates first, error)
        self.nonces: dict[str, tuple[float, dict[str, Any]]] = {}  # enforced nonce -> message
        self.dms: dict[int, dict[str, Any]] = {}  # recipient id -> DM channel
        self.files: dict[int, bytes] = {}  # attachment id -> uploaded bytes
        self.file_limit = DEFAULT_FILE_LIMIT
        self.global_limit = global_limit
        self.ack_window = 3.0  # seconds Discord waits for an interaction's acknowledgement
        self._recent: deque[float] = deque()
        self._ids = itertools.count(1_100_000_000_000_000_000)
        self._runner: web.AppRunner | None = None
        self._root = ""
        self.downloads: list[int] = []  # attachment ids fetched from the CDN

    def next_id(self) -> int:
        return next(self._ids)

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/v10/{path:.*}", self._handle)
        app.router.add_get("/cdn/attachments/{id}/{filename}", self._cdn)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._root = f"http://127.0.0.1:{port}"
        return f"{self._root}/api/v10"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- test controls

    def refuse(self, channel_id: int, status: int, code: int, message: str) -> None:
        """Answer every request on this channel with an error (403 Missing Permissions...)."""
        self.refusals[channel_id] = ApiError(status, code, message)

    def fail_create(
        self, after: int, status: int = 503, message: str = "Service Unavailable"
    ) -> None:
        """The message create after the next `after` ones fails once, like a Discord outage."""
        self.create_failures.append((after, ApiError(status, 0, message)))

    def limit_rate(self, per_second: int) -> None:
        """Count requests from now on against a lower global limit."""
        self.global_limit = per_second
        self._recent.clear()

    def forget_nonces(self) -> None:
        """Let Discord's few minutes of nonce memory pass: a repeat creates a new message."""
        self.nonces.clear()

    def member_upload(self, filename: str, data: bytes) -> dict[str, Any]:
        """A file a member attached to a command: the attachment object Discord resolves the
        option to, its URL served by the fake's CDN."""
        attachment_id = self.next_id()
        self.files[attachment_id] = data
        url = f"{self._root}/cdn/attachments/{attachment_id}/{filename}"
        return {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": "text/plain; charset=utf-8",
        }

    async def _cdn(self, request: web.Request) -> web.Response:
        """An attachment's bytes, as Discord's CDN serves them (no token needed)."""
        attachment_id = int(request.match_info["id"])
        if attachment_id not in self.files:
            return web.Response(status=404)
        self.downloads.append(attachment_id)
        return web.Response(body=self.files[attachment_id])

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return [m for m in self.created if int(m["channel_id"]) == channel_id]

    # ---- dispatch

    async def _handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body: Any = None
        uploads: list[Upload] = []
        if request.content_type.startswith("multipart/"):
            body, uploads = await read_multipart(request)
        elif request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                body = json.loads(raw)
            else:
                self.violations.append(
                    f"{request.method} {path}: unexpected {request.content_type}"
                )
        record = Recorded(request.method, path, dict(request.query), body)
        self.requests.append(record)
        try:
            self._authorize(request, path)
            self._count(path)
            if uploads:
                self._violate(f"upload to {path}", upload_problems(body, uploads, self.file_limit))
                described = {int(item["id"]): item for item in body.get("attachments") or []}
                stored = [
                    self._store(upload, described.get(upload.index, {})) for upload in uploads
                ]
                body = {**body, "attachments": stored}
            if self.rate_limits and path.startswith("/channels/"):
                retry_after = self.rate_limits.popleft()
                record.status = 429
                return _json(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": retry_after,
                        "global": False,
                    },
                    429,
                    {"Via": "1.1 google", "Retry-After": str(retry_after)},
                )
            data, status = await self._route(request.method, path, body or {}, dict(request.query))
        except ApiError as error:
            record.status = error.status
            return _json({"code": error.code, "message": error.message, "errors": {}}, error.status)
        record.status = status
        return web.Response(status=204) if data is None else _json(data, status)

    def _authorize(self, request: web.Request, path: str) -> None:
        # Interaction callbacks and follow-ups are authorised by the interaction token instead.
        if self.token is None or path.startswith(("/interactions/", "/webhooks/")):
            return
        if request.headers.get("Authorization") != f"Bot {self.token}":
            raise ApiError(401, 0, "401: Unauthorized")

    def _store(self, upload: Upload, described: dict[str, Any]) -> dict[str, Any]:
        attachment_id = self.next_id()
        self.files[attachment_id] = upload.data
        return attachment(upload, attachment_id, described)

    def _count(self, path: str) -> None:
        if self.global_limit is None or path.startswith("/interactions/"):
            return  # interaction callbacks are not under the global limit
        now = asyncio.get_running_loop().time()
        self._recent.append(now)
        while self._recent and now - self._recent[0] > 1.0:
            self._recent.popleft()
        if len(self._recent) > self.global_limit:
            self.violations.append(f"more than {self.global_limit} requests in one second")

    def _violate(self, where: str, problems: list[str]) -> None:
        if problems:
            self.violations += [f"{where}: {problem}" for problem in problems]
            raise ApiError(400, 50035, "Invalid Form Body: " + "; ".join(problems))

    async def _route(
        self, method: str, path: str, body: Any, query: dict[str, str]
    ) -> tuple[Any, int]:
        routes = [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("PUT", r"/applications/(\d+)/commands", self._sync),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._sync),
            ("POST", r"/channels/(\d+)/messages", self._create),
            ("GET", r"/channels/(\d+)/messages", self._history),
            ("POST", r"/users/@me/channels", self._open_dm),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._edit),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._thread),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/([^/]+)", self._edit_reply),
        ]
        for verb, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return await handler(body, query, *match.groups())
        self.violations.append(f"unexpected request {method} {path}")
        raise ApiError(404, 0, "404: Not Found")

    async def _me(self, body: Any, query: Any) -> tuple[Any, int]:
        return BOT_USER, 200

    async def _application(self, body: Any, query: Any) -> tuple[Any, int]:
        return {
            "id": str(APP_ID),
            "name": "qotd",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": {**BOT_USER, "id": "42", "bot": False, "username": "owner"},
            "verify_key": "0" * 64,
            "flags": 0,
        }, 200

    async def _sync(self, body: Any, query: Any, app: str, guild: str = "") -> tuple[Any, int]:
        problems = [problem for command in body for problem in command_problems(command)]
        self._violate(f"PUT commands {guild or 'global'}", problems)
        synced = [
            {
                **command,
                "id": str(self.next_id()),
                "application_id": app,
                "version": "1",
                **({"guild_id": guild} if guild else {}),
            }
            for command in body
        ]
        self.commands[guild or "global"] = synced
        return synced, 200

    def _message(self, channel_id: int, body: dict[str, Any], flags: int = 0) -> dict[str, Any]:
        message = {
            "id": str(self.next_id()),
            "channel_id": str(channel_id),
            "author": BOT_USER,
            "content": body.get("content") or "",
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": body.get("attachments") or [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 19 if body.get("message_reference") else 0,
            "flags": flags | int(body.get("flags") or 0),
        }
        if body.get("message_reference"):
            message["message_reference"] = body["message_reference"]
        message["_pings"] = pings(body)
        self.messages[int(message["id"])] = message
        return message

    def _refused(self, channel_id: int) -> None:
        refusal = self.refusals.get(channel_id)
        parent = self.threads.get(channel_id, {}).get("parent_id")
        refusal = refusal or (self.refusals.get(int(parent)) if parent else None)
        if refusal is not None:
            raise refusal

    async def _create(self, body: Any, query: Any, channel: str) -> tuple[Any, int]:
        self._refused(int(channel))
        if self.create_failures:
            after, error = self.create_failures.popleft()
            if after == 0:
                raise error
            self.create_failures.appendleft((after - 1, error))
        nonce = body.get("nonce")
        problems = message_problems(body)
        if nonce is not None and len(str(nonce)) > MAX_NONCE:
            problems.append(f"nonce {nonce!r} has {len(str(nonce))} characters (max {MAX_NONCE})")
        self._violate(f"POST /channels/{channel}/messages", problems)
        now = asyncio.get_running_loop().time()
        if nonce is not None and body.get("enforce_nonce"):
            seen = self.nonces.get(str(nonce))
            if seen is not None and now - seen[0] <= NONCE_WINDOW:
                return {**self.messages[int(seen[1]["id"])], "nonce": nonce}, 200
        message = self._message(int(channel), body)
        self.created.append(message)
        if nonce is not None and body.get("enforce_nonce"):
            self.nonces[str(nonce)] = (now, message)
        return {**message, "nonce": nonce}, 200

    async def _history(self, body: Any, query: Any, channel: str) -> tuple[Any, int]:
        """A page of the channel's messages, newest first (Discord's order), as GET returns
        them: current state, and no nonce (only the create response has it)."""
        self._refused(int(channel))
        limit = int(query.get("limit", 50))
        if not 1 <= limit <= 100:
            self._violate(f"GET /channels/{channel}/messages", [f"limit {limit} (1-100)"])
        before = int(query.get("before", 2**63))
        found = [
            self.messages[int(message["id"])]
            for message in reversed(self.channel_messages(int(channel)))
            if int(message["id"]) < before
        ]
        return [self.public(message) for message in found[:limit]], 200

    @staticmethod
    def public(message: dict[str, Any]) -> dict[str, Any]:
        """A stored message without the fake's own bookkeeping (keys starting with `_`)."""
        return {key: value for key, value in message.items() if not key.startswith("_")}

    async def _open_dm(self, body: Any, query: Any) -> tuple[Any, int]:
        recipient = int(body.get("recipient_id") or 0)
        self._refused(recipient)  # a refusal keyed by a user id: DMs closed, or no such user
        channel = self.dms.get(recipient)
        if channel is None:
            channel = {
                "id": str(self.next_id()),
                "type": 1,
                "last_message_id": None,
                "recipients": [
                    {
                        "id": str(recipient),
                        "username": f"user{recipient}",
                        "discriminator": "0",
                        "global_name": None,
                        "avatar": None,
                    }
                ],
            }
            self.dms[recipient] = channel
        return channel, 200

    def dm_messages(self, user_id: int) -> list[dict[str, Any]]:
        """Messages the bot sent to a member privately."""
        channel = self.dms.get(user_id)
        return self.channel_messages(int(channel["id"])) if channel else []

    async def _edit(self, body: Any, query: Any, channel: str, message_id: str) -> tuple[Any, int]:
        self._refused(int(channel))
        self._violate(f"PATCH message {message_id}", message_problems(body, edit=True))
        message = self.messages.get(int(message_id))
        if message is None:
            raise ApiError(404, 10008, "Unknown Message")
        message.update({key: value for key, value in body.items() if key != "allowed_mentions"})
        message["edited_timestamp"] = _now()
        return message, 200

    async def _thread(
        self, body: Any, query: Any, channel: str, message_id: str
    ) -> tuple[Any, int]:
        self._refused(int(channel))
        problems = []
        name = body.get("name") or ""
        if not 1 <= len(name) <= 100:
            problems.append(f"thread name has {len(name)} characters (1-100)")
        if body.get("auto_archive_duration") not in ARCHIVE_DURATIONS:
            problems.append(f"auto_archive_duration {body.get('auto_archive_duration')}")
        starter = self.messages.get(int(message_id))
        if starter is not None and starter.get("thread"):
            raise ApiError(400, 160004, "A thread has already been created for this message")
        self._violate("POST thread", problems)
        thread = {
            # Discord gives a thread started from a message the message's own id.
            "id": message_id,
            "type": 11,
            "guild_id": None,
            "parent_id": channel,
            "name": name,
            "owner_id": str(BOT_ID),
            "member_count": 1,
            "message_count": 0,
            "rate_limit_per_user": 0,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body["auto_archive_duration"],
                "archive_timestamp": _now(),
                "locked": False,
            },
        }
        self.threads[int(thread["id"])] = thread
        if starter is not None:
            starter["thread"] = thread
            starter["flags"] = int(starter.get("flags") or 0) | HAS_THREAD
        return thread, 201
