"""Slack: the Bolt AsyncApp and its listeners. Thin: ack, translate, call a use case, render."""

from handlers.slack.app import BOT_SCOPES, SlackServices, build_slack_app

__all__ = ["BOT_SCOPES", "SlackServices", "build_slack_app"]
