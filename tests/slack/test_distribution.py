"""qotd installed in two workspaces through Slack's OAuth v2 flow, driven over HTTP as a
browser and Slack would: each workspace's daily loop runs with its own bot token, and one
workspace uninstalling pauses only its own schedules."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from itertools import count
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore

from adapters.slack.distribution import OAuthApp, build_distributed_bolt
from adapters.slack.ids import WRITE_BLOCK, WRITE_INPUT
from adapters.slack.installations import NOT_INSTALLED
from adapters.slack.runner import SlackFrontEnd
from adapters.slack.uninstall import REVOKED, UNINSTALLED
from bot.domain.identity import ChannelRef
from bot.services.context import Core
from bot.services.subscriptions import channel_status
from bot.services.today import today
from tests.processes import WORK_LIMIT, deadline
from tests.slack import signing
from tests.slack.checks import text_of
from tests.slack.fake_api import FakeSlack
from tests.slack.fake_workspaces import APP_ID, CLIENT_ID, CLIENT_SECRET, bot_user
from tests.slack.harness import SlackHarness

ADA, BABBAGE = "T0ADA", "T0BABBAGE"
CHANNELS = {ADA: "C0ADA", BABBAGE: "C0BABBAGE"}
STATE_COOKIE = "slack-app-oauth-state"
_events = count(1)


@dataclass
class Distributed:
    slack: SlackHarness
    base_url: str  # the front end's own HTTP server
    store: AsyncSQLAlchemyInstallationStore

    @property
    def fake(self) -> FakeSlack:
        return self.slack.fake


@pytest.fixture
async def app(core: Core, fake: FakeSlack) -> AsyncIterator[Distributed]:
    core.clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    oauth = OAuthApp(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, scopes=("commands",))
    bolt = build_distributed_bolt(
        core, api_url=fake.api_url, signing_secret=signing.SECRET, oauth=oauth
    )
    for team, channel in CHANNELS.items():
        fake.workspaces.add_channel(team, channel)
    front_end = SlackFrontEnd(bolt, http=True, port=0, host="127.0.0.1")
    task = asyncio.create_task(front_end.run())
    async with deadline(WORK_LIMIT, "the Slack front end to serve HTTP"):
        await front_end.ready.wait()
    assert bolt.app.oauth_flow is not None
    store = bolt.app.oauth_flow.settings.installation_store
    assert isinstance(store, AsyncSQLAlchemyInstallationStore)
    try:
        yield Distributed(
            SlackHarness(core, fake, bolt), f"http://127.0.0.1:{front_end.port_bound}", store
        )
    finally:
        await front_end.close()
        await task


async def _get(
    url: str, cookie: str | None = None
) -> tuple[int, dict[str, str], str, SimpleCookie]:
    """One GET as a browser makes it (redirects not followed): status, headers, body, cookies."""
    headers = {"Cookie": cookie} if cookie else {}
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WORK_LIMIT)) as session,
        session.get(url, headers=headers, allow_redirects=False) as response,
    ):
        cookies: SimpleCookie = SimpleCookie()
        for line in response.headers.getall("Set-Cookie", []):
            cookies.load(line)
        return response.status, dict(response.headers), await response.text(), cookies


async def _start_install(app: Distributed) -> tuple[str, str]:
    """Open the install link: the state Slack's consent page is sent, and the cookie set."""
    status, headers, _, cookies = await _get(f"{app.base_url}/slack/install")
    assert status == 302
    authorize = urlsplit(headers["Location"])
    query = parse_qs(authorize.query)
    assert (authorize.netloc, authorize.path) == ("slack.com", "/oauth/v2/authorize")
    assert query["client_id"] == [CLIENT_ID] and query["scope"] == ["commands"]
    state = query["state"][0]
    assert cookies[STATE_COOKIE].value == state
    return state, f"{STATE_COOKIE}={state}"


async def _install(app: Distributed, team: str) -> str:
    """The whole install of `team` by one of its admins; the success page."""
    state, cookie = await _start_install(app)
    code = app.fake.workspaces.consent(team, f"Workspace {team}")  # the admin clicks Allow
    status, _, page, _ = await _get(
        f"{app.base_url}/slack/oauth_redirect?code={code}&state={state}", cookie
    )
    assert status == 200, page
    return page


def _posts(app: Distributed, team: str) -> list[dict[str, object]]:
    """The questions posted in `team`'s channel, each checked to be sent with its token."""
    channel = CHANNELS[team]
    calls = [
        call
        for call in app.fake.called("chat.postMessage")
        if call.args.get("channel") == channel and "ts" in call.args
    ]
    assert {call.token for call in calls} <= {app.fake.workspaces.token_of(team)}
    return [call.args for call in calls if not call.args.get("thread_ts")]


def _ref(team: str) -> ChannelRef:
    return ChannelRef("slack", team, CHANNELS[team])


def _event(team: str, inner: dict[str, object]) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team,
            "api_app_id": APP_ID,
            "event": inner,
            "type": "event_callback",
            "event_id": f"EvD{next(_events):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": bot_user(team), "is_bot": True}],
        }
    )


async def _schedule_both(app: Distributed) -> None:
    for team in (ADA, BABBAGE):
        await _install(app, team)
        reply = await app.slack.command(
            "admin", "schedule 09:00 UTC daily reveal after 8h", team=team, channel=CHANNELS[team]
        )
        assert "Scheduled" in reply, reply


async def _answer(app: Distributed, team: str, user: str) -> str:
    """`user` of `team` answers today's question there: the right pick, or a written answer
    through the modal; what they are told."""
    post = _posts(app, team)[-1]
    where = {"team": team, "channel": CHANNELS[team], "message_ts": str(post["ts"])}
    right = (await today(app.slack.core, _ref(team))).question.correct_letter
    if right is not None:
        return await app.slack.click(user, app.slack.post_buttons(post)[right], **where)
    await app.slack.click(user, app.slack.post_buttons(post)["Write an answer"], **where)
    opened = app.fake.called("views.open")[-1]
    assert opened.token == app.fake.workspaces.token_of(team)
    values = {
        WRITE_BLOCK: {WRITE_INPUT: {"type": "plain_text_input", "value": "Bias and variance"}}
    }
    body = signing.view_submission(user, opened.args["view"], values, team=team)
    start = len(app.fake.called("chat.postEphemeral"))
    assert (await app.slack.send(body, signing.FORM)).status == 200
    return "\n".join(text_of(c.args) for c in app.fake.called("chat.postEphemeral")[start:])


async def test_two_workspaces_install_and_each_runs_its_daily_loop_with_its_own_token(app):
    page = await _install(app, ADA)
    assert "Thank you!" in page
    await _install(app, BABBAGE)
    tokens = {team: app.fake.workspaces.token_of(team) for team in (ADA, BABBAGE)}
    assert None not in tokens.values() and tokens[ADA] != tokens[BABBAGE]
    for team in (ADA, BABBAGE):
        installed = await app.store.async_find_installation(enterprise_id=None, team_id=team)
        assert installed is not None and installed.bot_token == tokens[team]

    for team in (ADA, BABBAGE):
        reply = await app.slack.command(
            "admin", "schedule 09:00 UTC daily reveal after 8h", team=team, channel=CHANNELS[team]
        )
        assert "Scheduled" in reply, reply
    # Each workspace's slash command was authorized with that workspace's own token.
    checked = {call.token for call in app.fake.called("auth.test")}
    assert set(tokens.values()) <= checked

    await app.slack.advance(timedelta(days=1))
    assert [len(_posts(app, team)) for team in (ADA, BABBAGE)] == [1, 1]

    for team, user in ((ADA, "alice"), (BABBAGE, "bob")):
        told = await _answer(app, team, user)
        assert "Right!" in told or "saved" in told, told

    await app.slack.advance(timedelta(hours=9))
    for team in (ADA, BABBAGE):
        ts = str(_posts(app, team)[0]["ts"])
        reveal = app.fake.thread(ts)
        assert reveal and "1 answered" in json.dumps(reveal)
        updates = [c for c in app.fake.called("chat.update") if c.args.get("ts") == ts]
        assert [c.token for c in updates] == [tokens[team]]
    assert app.fake.violations == []


async def test_an_uninstalled_workspace_is_paused_and_the_other_goes_on(app):
    await _schedule_both(app)
    await app.slack.advance(timedelta(days=1))

    response = await app.slack.send(
        _event(BABBAGE, {"type": "app_uninstalled", "event_ts": "1.1"}), signing.JSON
    )

    assert response.status == 200
    assert await app.store.async_find_installation(enterprise_id=None, team_id=BABBAGE) is None
    assert await app.store.async_find_bot(enterprise_id=None, team_id=BABBAGE) is None
    assert await app.store.async_find_bot(enterprise_id=None, team_id=ADA) is not None
    gone = (await channel_status(app.slack.core, _ref(BABBAGE))).subscription
    assert gone.paused and gone.pause_reason == UNINSTALLED
    assert not (await channel_status(app.slack.core, _ref(ADA))).subscription.paused

    await app.slack.advance(timedelta(days=1))
    assert [len(_posts(app, team)) for team in (ADA, BABBAGE)] == [2, 1]


async def test_a_revoked_bot_token_pauses_its_workspace(app):
    await _schedule_both(app)

    event = {"type": "tokens_revoked", "tokens": {"bot": [bot_user(ADA)]}}
    await app.slack.send(_event(ADA, event), signing.JSON)

    assert await app.store.async_find_bot(enterprise_id=None, team_id=ADA) is None
    status = (await channel_status(app.slack.core, _ref(ADA))).subscription
    assert status.paused and status.pause_reason == REVOKED
    assert not (await channel_status(app.slack.core, _ref(BABBAGE))).subscription.paused


async def test_a_workspace_whose_installation_is_gone_is_paused_at_its_next_post(app):
    await _schedule_both(app)
    # Gone without an event reaching this worker (deleted by another, or never delivered).
    await app.store.async_delete_all(enterprise_id=None, team_id=ADA)

    await app.slack.advance(timedelta(days=1))

    status = (await channel_status(app.slack.core, _ref(ADA))).subscription
    assert status.paused and status.pause_reason == NOT_INSTALLED
    assert [len(_posts(app, team)) for team in (ADA, BABBAGE)] == [0, 1]


async def test_a_forged_uninstall_event_is_refused_and_changes_nothing(app):
    await _schedule_both(app)
    forged = _event(ADA, {"type": "app_uninstalled"})

    response = await app.slack.dispatch(
        forged, signing.signed_headers(forged, signing.JSON, secret="guessed")
    )

    assert response.status == 401
    assert await app.store.async_find_bot(enterprise_id=None, team_id=ADA) is not None
    assert not (await channel_status(app.slack.core, _ref(ADA))).subscription.paused


async def test_a_state_never_issued_here_is_refused_and_nothing_is_stored(app):
    code = app.fake.workspaces.consent(ADA, "Workspace A")
    forged = "0123abcd-forged-state"

    status, _, _, _ = await _get(
        f"{app.base_url}/slack/oauth_redirect?code={code}&state={forged}",
        f"{STATE_COOKIE}={forged}",
    )

    assert status == 401
    assert app.fake.called("oauth.v2.access") == []
    assert await app.store.async_find_installation(enterprise_id=None, team_id=ADA) is None


async def test_a_callback_from_another_browser_is_refused_and_nothing_is_stored(app):
    state, _ = await _start_install(app)  # started in the admin's browser
    code = app.fake.workspaces.consent(ADA, "Workspace A")

    status, _, _, _ = await _get(f"{app.base_url}/slack/oauth_redirect?code={code}&state={state}")

    assert status == 400  # no state cookie: not the browser the install started in
    assert app.fake.called("oauth.v2.access") == []
    assert await app.store.async_find_installation(enterprise_id=None, team_id=ADA) is None


async def test_a_state_is_good_for_one_install_only(app):
    state, cookie = await _start_install(app)
    first = app.fake.workspaces.consent(ADA, "Workspace A")
    status, _, _, _ = await _get(
        f"{app.base_url}/slack/oauth_redirect?code={first}&state={state}", cookie
    )
    assert status == 200

    second = app.fake.workspaces.consent(BABBAGE, "Workspace B")
    status, _, _, _ = await _get(
        f"{app.base_url}/slack/oauth_redirect?code={second}&state={state}", cookie
    )

    assert status == 401
    assert await app.store.async_find_installation(enterprise_id=None, team_id=BABBAGE) is None


async def test_a_forged_code_is_refused_by_slack_and_nothing_is_stored(app):
    state, cookie = await _start_install(app)

    status, _, _, _ = await _get(
        f"{app.base_url}/slack/oauth_redirect?code=made-up&state={state}", cookie
    )

    assert status == 401
    assert [c.args.get("code") for c in app.fake.called("oauth.v2.access")] == ["made-up"]
    assert await app.store.async_find_installation(enterprise_id=None, team_id=ADA) is None


async def test_no_token_or_client_secret_reaches_the_log(app, caplog):
    caplog.set_level(logging.DEBUG)

    await _schedule_both(app)
    await app.slack.advance(timedelta(days=1))

    secrets = [CLIENT_SECRET, *(app.fake.workspaces.tokens)]
    assert len(secrets) == 3
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "oauth.v2.access" in logged  # the exchange was logged, without what it returned
    assert not [secret for secret in secrets if secret in logged]


async def test_a_review_reminder_goes_out_with_the_token_of_the_workspace_it_was_set_in(app):
    from bot.domain.identity import MemberRef
    from bot.domain.review import Rating
    from bot.services.cards import Review, apply_reviews

    for team in (ADA, BABBAGE):
        await _install(app, team)
    reply = await app.slack.command(
        "carol", "remind 10:30 UTC", team=BABBAGE, channel=CHANNELS[BABBAGE]
    )
    assert "10:30 UTC" in reply, reply
    core = app.slack.core
    question = next(iter(core.library.pack(core.default_pack).questions))
    async with core.storage.write() as uow:  # a card due again soon: nothing else to say
        carol = await uow.members.member_id(
            MemberRef("slack", signing.user_id("carol")), core.clock.now()
        )
        review = Review(carol, question.id, Rating.AGAIN, "quiz")
        await apply_reviews(uow, core.spaced, [review], core.clock.now())

    await app.slack.advance(timedelta(hours=1))

    dm = app.fake.dms[signing.user_id("carol")]
    (sent,) = [call for call in app.fake.called("chat.postMessage") if call.args["channel"] == dm]
    assert sent.token == app.fake.workspaces.token_of(BABBAGE)
    assert "1 review(s) due" in text_of(sent.args)
