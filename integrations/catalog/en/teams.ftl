# What Cercle says in Teams, in the Markdown Teams renders in messages and Adaptive Cards.
# $cmd is how the bot is addressed ("@Cercle").

teams-ask-word = ask
teams-mention-hint = Hi! To ask your network, write `{ $cmd } ask <your question>` here: I open a thread for it and bring the good answers back there. `{ $cmd } help` lists everything I can do.
teams-digest-vote-hint = This message carries several answers, so a reaction on it cannot say which one you mean: press the **👍 Helpful** button of the answer you want to vote for.
teams-not-a-channel-inbox = An inbox must be a channel of a team: run this in the channel that should receive the questions.
teams-not-installed = Cercle is not set up for this team yet: remove it and add it to the team again.
teams-refused-not-in-channel = I cannot post here. Add Cercle to this team or chat, then ask again.
teams-refused-unreachable = I cannot post in this conversation any more (it may be deleted or archived).
teams-refused-installation-gone = Cercle's installation here is no longer valid. Ask the team's owner to add it again.
teams-refused-too-long = That question is too long for Teams. Shorten it and ask again.
teams-refused-rate-limited = Teams is busy right now. Please ask again in a minute.
teams-refused-other = Teams refused to open the topic ({ $detail }). Nothing was posted; please try again.
teams-opened = Your question is open in a new thread here.
teams-on-its-way = It is on its way to { $count ->
    [one] { $count } partner
   *[other] { $count } partners
}; their replies will be posted in the thread.
teams-no-partner-yet = No partner organisation receives it yet, so only this conversation sees it: the person who added Cercle can invite one with `{ $cmd } partners invite`.
teams-no-meeting = There is no meeting going on here: it starts with the first question.

## Partners
teams-not-admin = Only the person who added Cercle to the team (or the people in CERCLE_ADMINS) can manage partners and the inbox.
teams-partner-state-removed = Cercle was removed from their organisation: your questions are not sent there
teams-invitation = Your invitation code is `{ $code }` (single use, valid { $hours } hours). Give it to an admin of the other organisation: in Slack they type `/ask partners accept { $code }`, in Teams `{ $cmd } partners accept { $code }`.
teams-own-code = This code was made in your own organisation: give it to the other organisation's admin instead.
teams-too-many-codes = { $tries } wrong codes in a minute: wait a minute, and check the code with the admin who sent it.
teams-choose-inbox = Choose the channel that receives their questions: `{ $cmd } inbox` there.
teams-partner-removed = { $name } is no longer a partner; neither side receives the other's questions any more.
teams-cannot-join = I cannot post in this channel: add Cercle to its team, then run the command again.
teams-partners-heading = **Partners of { $org }** · your inbox: { $inbox }
teams-inbox-set = set
teams-inbox-not-set = not set (`{ $cmd } inbox` in a channel)

## Help
teams-help-title = **Cercle** puts your question to your network while the meeting goes on. Mention me, then:
teams-help-list = list the open topics of this conversation
teams-help-partners-accept = accept a partner's invitation code, from Slack or Teams (admins)
teams-help-home = your organisation's page: the give and take with each partner
teams-help-pace = Answers arrive in the topic's thread, at most { $count } every { $pace }; the others come together in one digest, best first. With *Review answers first*, you approve each one before it is posted.
teams-help-voting = Vote on an answer with a reaction (👍 or ❤️; one vote per person), or with its *Helpful* button in a digest. The meeting ends with `end`, when the Teams meeting ends, or after a long quiet spell: then the summary is posted here.
teams-topic-list-empty = No open topic here. `{ $cmd } ask <question>` opens one.
teams-topic-list-title = **{ $count ->
    [one] { $count } open topic
   *[other] { $count } open topics
}:**
teams-asked-by = (asked by { $asker })
teams-problem-example = To put a question to your network, write `{ $cmd } ask` and the question, e.g. `{ $cmd } ask How do we price a pilot for a large customer?`

## Buttons
teams-closed = Topic closed. The partners are told, and the summary will include it.
teams-review-on = Review mode is on: each answer waits for your approval before it is posted.
teams-review-off = Answers are posted directly again ({ $count } released from review).
teams-ending = Ending the meeting: the summary follows.

## Cards in the live channel
teams-topic-title = 🧩 Stuck on a topic
teams-topic-open = open: replies arrive in this thread
teams-topic-asked-by = Asked by { $asker } · { $status }
teams-button-close = Close topic
teams-button-direct = Post answers directly
teams-button-review = Review answers first
teams-button-other-replies = Other replies
teams-button-end = End meeting & summarise
teams-see-original = See the original
teams-digest-title = 📥 **{ $count ->
    [one] { $count } more answer
   *[other] { $count } more answers
}**, best first (vote with *Helpful*, not a reaction):
teams-helpful = 👍 Helpful
teams-approve = Approve
teams-skip = Skip
teams-review-title = 👀 **Post this answer in the thread?** (only the asker can decide)

## Cards in a partner's inbox
teams-mirror-asker = { $name } at { $org }
teams-mirror-title = ❓ A question from { $who }
teams-mirror-open-foot = Reply in this thread: the best replies reach their meeting, with your name.
teams-mirror-closed-foot = This question is closed. Thank you for your replies.
teams-thanks-replies = Your organisation sent { $count ->
    [one] { $count } reply
   *[other] { $count } replies
} to this question.
teams-thanks-summary = Thank you

## The summary
teams-summary-nobody = nobody answered this one
teams-summary-other-below = { $count ->
    [one] { $count } other reply
   *[other] { $count } other replies
} below the threshold

## The organisation's page
teams-home-title = 🏠 { $org } on Cercle
teams-home-give-and-take = **Give and take with your partners**
teams-home-nudge = You have received far more answers than you gave lately: a reply in your inbox keeps the circle going.
teams-home-no-partner = No partner yet: `{ $cmd } partners invite` makes a code for another organisation.
