"""Which language each reader gets: their own when Slack says it (asked once a day), else their
organisation's; an admin sets the organisation's; an unknown language gets the list, not a change."""

from __future__ import annotations

from dataclasses import replace

from app.domain.models import Platform
from app.runtime.directory import Directories
from app.store.languages import RedisLanguages
from app.usecases.language import language_command, organisation_language, reader_language, remember_locale
from app.usecases.partners import Caller, Said
from tests.app.usecases.conftest import context

TEAM = "TALPHA0001"


async def test_a_reader_gets_their_slack_language_asked_once(connected, slack, workspace) -> None:
    workspace.add_user("U0FR", "camille", locale="fr-FR")
    workspace.add_user("U0DE", "hans", locale="de-DE")
    ctx = context(redis=connected.redis, directory=connected.directory, languages=RedisLanguages(redis=connected.redis))
    chat = await ctx.directory.chat_for(platform=Platform.SLACK, tenant=TEAM)
    assert chat is not None and chat.language == "en"
    before = len(slack.calls_to("users.info"))
    assert await reader_language(chat=chat, user_id="U0FR", ctx=ctx) == "fr"
    assert await reader_language(chat=chat, user_id="U0FR", ctx=ctx) == "fr"
    assert len(slack.calls_to("users.info")) == before + 1  # kept for a day
    assert await reader_language(chat=chat, user_id="U0DE", ctx=ctx) == "en"  # German: the organisation's
    before = len(slack.calls)
    for _ in range(3):  # Slack knows no such person: that is an answer too, kept like a locale
        assert await reader_language(chat=chat, user_id="U0NOBODY", ctx=ctx) == "en"
    assert len([c for c in slack.calls[before:] if c.method == "users.info"]) == 1


async def test_an_admin_sets_the_organisation_language(connected, workspace) -> None:
    languages = RedisLanguages(redis=connected.redis)
    found_with = Directories({Platform.SLACK: connected.directory}, languages=languages)  # as the runtime builds it
    ctx = context(redis=connected.redis, directory=connected.directory, languages=languages)
    ctx = replace(ctx, directory=found_with)
    chat = await ctx.directory.chat_for(platform=Platform.SLACK, tenant=TEAM)
    assert chat is not None
    member, admin = (Caller(Platform.SLACK, TEAM, user, "C0MEET0001") for user in ("U0ASKER", "U0ADMIN"))
    assert (await language_command(chat=chat, caller=member, arg="fr", ctx=ctx)).said is Said.NOT_ADMIN
    unknown = await language_command(chat=chat, caller=admin, arg="klingon", ctx=ctx)
    assert unknown.said is Said.LANGUAGE_UNKNOWN
    assert await organisation_language(platform=Platform.SLACK, tenant=TEAM, ctx=ctx) == "en"
    set_it = await language_command(chat=chat, caller=admin, arg="Français", ctx=ctx)
    assert (set_it.said, set_it.values["language"]) == (Said.LANGUAGE_SET, "fr")
    assert await organisation_language(platform=Platform.SLACK, tenant=TEAM, ctx=ctx) == "fr"
    found = await ctx.directory.chat_for(platform=Platform.SLACK, tenant=TEAM)
    assert found is not None and found.language == "fr"  # what its channels read from now on
    shown = await language_command(chat=chat, caller=member, arg="", ctx=ctx)
    assert (shown.said, shown.values["language"]) == (Said.LANGUAGE_SHOWN, "fr")


async def test_a_told_locale_is_kept_and_an_unknown_one_falls_back(connected) -> None:
    ctx = context(
        redis=connected.redis,
        directory=connected.directory,
        languages=RedisLanguages(redis=connected.redis),
        default_language="fr",
    )
    told = await remember_locale(platform=Platform.TEAMS, tenant="t1", user_id="u1", locale="en-GB", ctx=ctx)
    assert told == "en"
    assert await remember_locale(platform=Platform.TEAMS, tenant="t1", user_id="u2", locale="ja-JP", ctx=ctx) == "fr"
    assert await ctx.languages.person(org_key="teams:t1", user_id="u1") == "en"


async def test_a_slow_slack_costs_the_reader_their_language_once_not_the_answer(connected, slack, workspace) -> None:
    """users.info is asked before a command's acknowledgement: past a second, the organisation's
    language, and the locale is asked again next time."""
    workspace.add_user("U0FR", "camille", locale="fr-FR")
    ctx = context(redis=connected.redis, directory=connected.directory, languages=RedisLanguages(redis=connected.redis))
    chat = await ctx.directory.chat_for(platform=Platform.SLACK, tenant=TEAM)
    assert chat is not None
    slack.latency_after_s["users.info"] = 3.0
    assert await reader_language(chat=chat, user_id="U0FR", ctx=ctx) == "en"  # gave up waiting: not 3 s
    assert await ctx.languages.person(org_key=f"slack:{TEAM}", user_id="U0FR") is None  # nothing kept
    slack.latency_after_s.pop("users.info")
    assert await reader_language(chat=chat, user_id="U0FR", ctx=ctx) == "fr"
