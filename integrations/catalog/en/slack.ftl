# What Cercle says in Slack, in Slack's mrkdwn. $cmd is the slash command ("/ask").

slack-mention-hint = Hi! To ask your network, type `/ask <your question>` in this channel: I open a thread for it and bring the good answers back there. `/ask help` lists everything I can do.
slack-digest-vote-hint = This message carries several answers, so a reaction on it cannot say which one you mean: press the *:+1: Helpful* button of the answer you want to vote for.
slack-refused-not-in-channel = I am not in this private channel. Invite me with `/invite @Cercle`, then ask again.
slack-refused-unreachable = I cannot post in this channel (it may be archived, or closed to apps).
slack-refused-installation-gone = Cercle's installation here is no longer valid. Ask an admin to reinstall it.
slack-refused-too-long = That question is too long for Slack. Shorten it and ask again.
slack-refused-rate-limited = Slack is busy right now. Please ask again in a minute.
slack-refused-channel-not-found = I cannot see this channel. If it is private, invite me first: `/invite @Cercle`.
slack-refused-archived = This channel is archived, so I cannot open a topic here.
slack-refused-restricted = This workspace does not let me post in this channel.
slack-refused-other = Slack refused to open the topic ({ $detail }). Nothing was posted; please try again.
slack-not-admin = Only workspace admins and owners (or the people in CERCLE_ADMINS) can manage partners and the inbox.
slack-single-workspace = Partnerships link workspaces that each installed Cercle through its install page (OAuth). This Cercle runs for one workspace only (SLACK_BOT_TOKEN).
slack-home-pointer = Your organisation's page is Cercle's *Home* tab: open Cercle in the sidebar, then *Home*.
slack-internal-error = Cercle could not do that just now (an internal error, logged). Nothing was posted; please try again in a minute.

## Partners
slack-partner-state-removed = Cercle was removed from their workspace: your questions are not sent there
slack-invitation = Your invitation code is `{ $code }` (single use, valid { $hours } hours). Give it to an admin of the other organisation: they type `/ask partners accept { $code }` in their workspace.
slack-own-code = This code was made in your own workspace: give it to the other organisation's admin instead.
slack-too-many-codes = { $tries } wrong codes in a minute: wait a minute before you try again, and check the code with the admin who sent it.
slack-choose-inbox = Choose the channel that receives their questions with `/ask inbox`.
slack-partner-removed = { $name } is no longer a partner; neither side receives the other's questions, or replies to earlier ones, any more.
slack-cannot-join = I cannot join this private channel by myself: invite me with `/invite @Cercle`, then run `/ask inbox` again.
slack-partners-heading = *Partners of { $org }* · your inbox: { $inbox }
slack-inbox-not-set = not set (`/ask inbox` in the channel that should receive them)

## Help
slack-help-title = *Cercle* puts your question to your network while the meeting goes on.
slack-help-list = list the open topics of this channel
slack-help-partners-accept = accept a partner's invitation code (admins)
slack-help-home = your organisation's page: the give and take with each partner (also Cercle's Home tab)
slack-help-pace = Answers arrive in the topic's thread, at most { $count } every { $pace }; the others wait and come together in one digest, best first. Replies judged off-topic are never posted: *Other replies* lists them. With *Review answers first*, you approve each answer before it is posted.
slack-help-voting = Vote on an answer with a reaction (:+1: for it, :-1: against; one vote per person), or with its *Helpful* button when it came in a digest; in a partner's thread, a reaction or a "+1" below a reply counts too. The best answers lead the summary at the end of the meeting.
slack-problem-example = To put a question to your network, write it out, e.g. `{ $cmd } How do we price a pilot for a large customer?` (end it with a question mark to send a short one as it is).

## Topics in the live channel
slack-topic-fallback = Stuck on a topic: { $question }
slack-topic-title = :thinking_face: *Stuck on a topic*
slack-topic-open-status = Asked by { $asker } · *Open* · reply in this thread; answers from your network land here
slack-topic-closed-status = Asked by { $asker } · *Closed* by { $closer }
slack-someone = someone
slack-button-close = Close topic
slack-confirm-close-title = Close this topic?
slack-confirm-close-text = Answers that arrive later are kept for the summary but not posted here.
slack-confirm-close-yes = Close it
slack-confirm-close-no = Keep open
slack-button-direct = Post answers directly
slack-button-review = Review answers first
slack-button-other-replies = Other replies
slack-button-end = End meeting & summarise
slack-confirm-end-title = End the meeting?
slack-confirm-end-text = Every open topic closes and the summary is posted in this channel.
slack-confirm-end-yes = End and summarise
slack-confirm-end-no = Not yet
slack-topic-list-empty = No open topic in this channel. Start one with `{ $cmd } <question>`.
slack-topic-list-title = *Open topics here ({ $count }):*
slack-topic-list-asked-by = (asked by { $asker })
slack-open-thread = open thread
slack-the-topic-thread = the topic thread
slack-opened = Your question is open in { $thread }.
slack-on-its-way = It is on its way to { $count ->
    [one] { $count } partner
   *[other] { $count } partners
}; their replies will be posted there.
slack-no-partner-yet = No partner organisation receives it yet, so only this channel sees it: an admin can invite one with `/ask partners invite`.
slack-single-channel = Only this channel sees it: this Cercle runs for one workspace, without partners.

## Mirrors in a partner's inbox
slack-mirror-fallback-open = { $org } is stuck on: { $question }
slack-mirror-fallback-closed = { $org } was stuck on: { $question }
slack-mirror-asker = { $name } ({ $org })
slack-mirror-open-head = :raising_hand: *{ $who } is stuck on:*
slack-mirror-closed-head = *{ $who } was stuck on:*
slack-mirror-open-foot = Reply in this thread to help: your answer goes to their meeting, with your name. Agree with a reply here? React :+1: or write "+1" below it: it counts as a vote.
slack-mirror-closed-foot = :white_check_mark: This topic is closed, thank you. Later replies still reach them in the summary.

## Answers in the live thread
slack-see-original = see the original
slack-original = original
slack-digest-fallback = { $count } more answers arrived:
slack-digest-title = :inbox_tray: *{ $count ->
    [one] { $count } more answer
   *[other] { $count } more answers
}*, best first (vote with *Helpful*, not a reaction):
slack-helpful = :+1: Helpful
slack-review-title = :eyes: *Post this answer in the thread?*
slack-review-fallback = Approve this answer? { $answer }
slack-approve = Approve
slack-skip = Skip

## The summary
slack-summary-other-below = { $count ->
    [one] { $count } other reply
   *[other] { $count } other replies
} below the relevance threshold
slack-summary-nobody = Nobody answered this one.
slack-show-them = Show them
slack-thanks-replies = Your workspace sent { $count ->
    [one] { $count } reply
   *[other] { $count } replies
} to this question.

## The organisation's page
slack-home-give-and-take = *Give and take of { $org } with its partners*
slack-home-nudge = _You have received far more answers than you gave lately: a reply in your inbox's threads keeps the circle going._
