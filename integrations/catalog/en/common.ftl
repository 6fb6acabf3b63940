# Words Slack and Teams say alike. $cmd is the command as the reader types it ("/ask", "@Cercle").
# Markup inside a message is the platform's own; leading and trailing spaces are trimmed by Fluent,
# so the renderers join sentences themselves.

duration-minutes = { $minutes } min
duration-hours = { $hours } h { $minutes } min

## Asking
ask-just-asked = You just asked this here: it is on its way.
ask-already-open = You already asked this here, and it is still open.
ask-already-open-at = You already asked this here, and it is still open: { $link }
ask-published = It is also being published on { $networks ->
    [one] { $networks } public network
   *[other] { $networks } public networks
}; good replies from there come too.
ask-no-meeting = There is no meeting going on in this channel: it starts with the first `{ $cmd }`.
ask-ending = Ending the meeting: closing its topics and writing the summary…

## Partners
partner-state-active = active
partner-state-no-inbox = no inbox yet: your questions wait until they choose one
partner-unknown-code = The code `{ $code }` is unknown, expired (codes last { $hours } hours) or already used.
partner-already = You are already partners with { $name }.
partner-code-just-used = The code `{ $code }` has just been used.
partner-now = You are now partners with { $name }. Their questions will reach your inbox.
partner-no-such = No partner is called “{ $name }”. `{ $cmd } partners` lists them.
partner-inbox-set = This channel is now your inbox: your partners' questions will be posted here, one thread each.
partner-none-yet = No partner yet. `{ $cmd } partners invite` makes a code for another organisation.
partnership-linked = 🤝 { $org } and { $partner } are now partners on Cercle.
partnership-unlinked = { $org } and { $partner } are no longer partners.

## Language
language-name-en = English
language-name-fr = French
language-now = { $org }'s channels now read Cercle in { $language }: topics, answers, digests, summaries and the questions partners send you. What Cercle tells one person alone follows their own { $platform } language when it is English or French.
language-current = { $org }'s channels read Cercle in { $language }. An admin changes it with `{ $cmd } language fr` (French) or `{ $cmd } language en` (English).
language-unknown = Cercle speaks English (`en`) and French (`fr`): `{ $cmd } language fr` or `{ $cmd } language en`.

## Problems with a command
problem-empty = Your question is empty: type it after `{ $cmd }`.
problem-too-long = Your question is { $length } characters long; the limit is { $limit }.
problem-shorten = Shorten it and ask again.
problem-no-code = Give the code: `{ $cmd } partners accept <code>`.
problem-no-partner = Name the partner: `{ $cmd } partners remove <org>`.
problem-mistyped = Did you mean `{ $cmd } { $meant }`? Nothing was sent.

## Help: what to type after the command word, and what it does
help-usage-ask = <question>
help-usage-with-name = --with-name <question>
help-usage-public = --public <question>
help-usage-help = help
help-usage-list = list
help-usage-end = end
help-usage-partners = partners
help-usage-partners-invite = partners invite
help-usage-partners-accept = partners accept <code>
help-usage-partners-remove = partners remove <org>
help-usage-inbox = inbox
help-usage-networks = networks
help-usage-home = home
help-usage-language = language fr|en
help-ask = open a “stuck on a topic” thread here and send the question to your network
help-with-name = the same, with your name shown to partners (by default only your organisation)
help-public = the same, published on the connected public networks too (`--partners-only`: not)
help-help = show this help
help-end = end the meeting: close every topic and post the summary
help-partners = list your partner organisations
help-partners-invite = get a one-time code for another organisation (admins)
help-partners-remove = end a partnership on both sides (admins)
help-inbox = make this channel receive your partners' questions (admins)
help-networks = show which public networks are connected
help-language = the language of Cercle's messages in your channels (admins)
help-pace-minutes = { $minutes } minutes
help-pace-seconds = { $seconds } seconds

## Where a question went, on the live topic
reach-sent = Sent to { $count ->
    [one] { $count } partner
   *[other] { $count } partners
}: { $names }
reach-sending = sending to { $count } more…
reach-not-sent = not sent: { $names }
skip-no-longer-partner = no longer a partner
skip-removed = Cercle removed
skip-no-inbox = no inbox
skip-closed = closed before it was sent
skip-inbox-unavailable = inbox unavailable ({ $detail })
skip-disconnected = not connected any more
skip-network-failed = { $network } failed ({ $detail })

## Answers
answer-also-from = also from { $names }
answer-also-from-more = { $names } and { $more } more
answer-votes = { $votes } { $count ->
    [one] vote
   *[other] votes
}
other-replies-none = No other replies: everything relevant is in the thread.
other-replies-title = { $count ->
    [one] { $count } other reply
   *[other] { $count } other replies
}
other-replies-below = (below the relevance threshold):
other-replies-more = …and { $count } more, the weakest, not shown.
review-on = Review mode is on: each answer waits for your approval before it is posted here.
review-off = Answers are posted directly again.
review-off-one = Answers are posted directly again; the one waiting for your review is on its way.
review-off-many = Answers are posted directly again; the { $count } waiting for your review are on their way.

## Buttons
button-unknown-topic = I do not know this topic any more.
button-topic-closed = This topic is already closed.
button-only-asker-mode = Only the person who asked can change how answers arrive.
button-only-asker-review = Only the person who asked can approve or skip answers.
button-already-handled = This answer was already handled.
button-approved = Answer from { $name } posted in the thread.
button-skipped = Answer from { $name } skipped.
button-vote-gone = This answer can no longer be voted on.
button-vote-counts = Your vote for { $name }'s answer counts ({ $tally } in all).
button-vote-taken-back = Your vote for { $name }'s answer is taken back ({ $tally } in all).
button-press-again = Press again to change it.
button-no-topic = This button carries no topic.
button-unknown = Unknown button { $verb }.
button-meeting-ended = This meeting has already ended.
button-replies-unavailable = These replies are not available here.

## The summary
summary-title = Meeting summary
summary-continued = Meeting summary, continued
summary-heading = Meeting summary · { $day } · { $duration }
summary-totals = { $questions ->
    [one] { $questions } question
   *[other] { $questions } questions
} · { $replies } replies from { $people } people in { $orgs ->
    [one] { $orgs } organisation
   *[other] { $orgs } organisations
} · { $votes } votes on the best answers
summary-asked-by = Asked by { $asker }
summary-open = open
summary-closed = closed
summary-replies = { $count ->
    [one] { $count } reply
   *[other] { $count } replies
} ({ $sources })
summary-first-answer = first answer after { $delay }
summary-vote-count = { $votes } { $count ->
    [one] vote
   *[other] votes
}
summary-late = { $count } came after the topic closed
summary-nobody-answered = Nobody answered:
summary-thanks = Thank you to everyone who helped:

## Thanks, in a partner's thread
thanks-ended = Thank you! { $org }'s meeting has ended.
thanks-best = Best answer ({ $votes } votes), by { $author }: { $text }
thanks-nothing-stood-out = No answer stood out this time; thanks for looking.

## The organisation's page
home-give-and-take-30-90 = (last 30 days · last 90 days)
ledger-asked-them = questions you sent
ledger-asked-us = questions they sent
ledger-answers-from-them = answers they gave
ledger-answers-from-us = answers you gave
home-open-topics = Open topics of { $org }
home-no-open-topic = No open topic: `{ $cmd } <question>` opens one in a channel.
home-your-questions = Your questions
home-no-question = You have not asked anything yet.
home-topic-line = { $question } · { $state } · { $answers ->
    [one] { $answers } answer
   *[other] { $answers } answers
}
home-partners = Partners

## Command words, as a mistyped command is shown back
word-help = help
word-list = list
word-end = end
word-inbox = inbox
word-networks = networks
word-partners = partners
word-invite = invite
word-accept = accept
word-remove = remove

## Public networks
networks-none = No public network is connected: questions stay with your partners. The operator of this Cercle connects one with its variables (Mastodon, Bluesky, X, Matrix; see the README).
networks-title = Public networks
networks-default = by default a question goes to: { $default }. `{ $cmd } --public <question>` or `{ $cmd } --partners-only <question>` chooses for one question.
networks-reach-public = partners and public networks
networks-reach-partners = partners only
network-working = working
network-publish-only = publish-only: questions are published, but this account cannot read the replies
network-failing = failing
network-failing-since = failing since { $since } ({ $error })
network-now = now
network-no-answer = no answer
network-replies-from-here = { $count ->
    [one] { $count } reply came from here.
   *[other] { $count } replies came from here.
}
home-more-in-commands = More than this page can show: `{ $cmd } list` in a channel, `{ $cmd } partners`.
