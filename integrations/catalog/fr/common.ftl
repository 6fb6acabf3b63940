# Ce que Slack et Teams disent de la même façon. $cmd : la commande telle que la personne la tape
# (« /ask », « @Cercle »). Les espaces de début et de fin sont retirés par Fluent.

duration-minutes = { $minutes } min
duration-hours = { $hours } h { $minutes } min

## Poser une question
ask-just-asked = Vous venez de poser cette question ici : elle est en route.
ask-already-open = Vous avez déjà posé cette question ici, et elle est toujours ouverte.
ask-already-open-at = Vous avez déjà posé cette question ici, et elle est toujours ouverte : { $link }
ask-published = Elle est aussi publiée sur { $networks ->
    [one] { $networks } réseau public
   *[other] { $networks } réseaux publics
} ; les bonnes réponses venues de là arrivent aussi.
ask-no-meeting = Aucune réunion n'est en cours dans ce canal : elle commence avec le premier `{ $cmd }`.
ask-ending = Fin de la réunion : je ferme ses sujets et j'écris le compte rendu…

## Partenaires
partner-state-active = actif
partner-state-no-inbox = pas encore de boîte de réception : vos questions attendent qu'il en choisisse une
partner-unknown-code = Le code `{ $code }` est inconnu, expiré (un code dure { $hours } heures) ou déjà utilisé.
partner-already = Vous êtes déjà partenaires de { $name }.
partner-code-just-used = Le code `{ $code }` vient d'être utilisé.
partner-now = Vous êtes maintenant partenaires de { $name }. Leurs questions arriveront dans votre boîte de réception.
partner-no-such = Aucun partenaire ne s'appelle « { $name } ». `{ $cmd } partenaires` les liste.
partner-inbox-set = Ce canal est maintenant votre boîte de réception : les questions de vos partenaires y seront publiées, un fil chacune.
partner-none-yet = Pas encore de partenaire. `{ $cmd } partenaires inviter` crée un code pour une autre organisation.
partnership-linked = 🤝 { $org } et { $partner } sont maintenant partenaires sur Cercle.
partnership-unlinked = { $org } et { $partner } ne sont plus partenaires.

## Langue
language-name-en = anglais
language-name-fr = français
language-now = Les canaux de { $org } lisent maintenant Cercle en { $language } : sujets, réponses, récapitulatifs, comptes rendus et questions que vos partenaires vous envoient. Ce que Cercle dit à une seule personne suit la langue de son { $platform } quand c'est le français ou l'anglais.
language-current = Les canaux de { $org } lisent Cercle en { $language }. Un admin la change avec `{ $cmd } langue fr` (français) ou `{ $cmd } langue en` (anglais).
language-unknown = Cercle parle anglais (`en`) et français (`fr`) : `{ $cmd } langue fr` ou `{ $cmd } langue en`.

## Commandes refusées
problem-empty = Votre question est vide : écrivez-la après `{ $cmd }`.
problem-too-long = Votre question fait { $length } caractères ; la limite est de { $limit }.
problem-shorten = Raccourcissez-la et posez-la à nouveau.
problem-no-code = Donnez le code : `{ $cmd } partenaires accepter <code>`.
problem-no-partner = Nommez le partenaire : `{ $cmd } partenaires retirer <organisation>`.
problem-mistyped = Vouliez-vous dire `{ $cmd } { $meant }` ? Rien n'a été envoyé.

## Aide : ce qu'on tape après la commande, et ce que ça fait
help-usage-ask = <question>
help-usage-with-name = --avec-nom <question>
help-usage-public = --public <question>
help-usage-help = aide
help-usage-list = liste
help-usage-end = fin
help-usage-partners = partenaires
help-usage-partners-invite = partenaires inviter
help-usage-partners-accept = partenaires accepter <code>
help-usage-partners-remove = partenaires retirer <organisation>
help-usage-inbox = boîte
help-usage-networks = réseaux
help-usage-home = accueil
help-usage-language = langue fr|en
help-ask = ouvrir ici un fil « bloqué sur un sujet » et envoyer la question à votre réseau
help-with-name = pareil, avec votre nom montré aux partenaires (par défaut, seulement votre organisation)
help-public = pareil, publié aussi sur les réseaux publics connectés (`--partenaires` : non)
help-help = afficher cette aide
help-end = terminer la réunion : fermer tous les sujets et publier le compte rendu
help-partners = lister vos organisations partenaires
help-partners-invite = obtenir un code à usage unique pour une autre organisation (admins)
help-partners-remove = mettre fin à un partenariat des deux côtés (admins)
help-inbox = faire de ce canal la boîte de réception des questions de vos partenaires (admins)
help-networks = voir quels réseaux publics sont connectés
help-language = la langue des messages de Cercle dans vos canaux (admins)
help-pace-minutes = { $minutes } minutes
help-pace-seconds = { $seconds } secondes

## Où la question est partie, sur le sujet en direct
reach-sent = Envoyée à { $count ->
    [one] { $count } partenaire
   *[other] { $count } partenaires
} : { $names }
reach-sending = envoi à { $count } de plus…
reach-not-sent = non envoyée : { $names }
skip-no-longer-partner = n'est plus partenaire
skip-removed = Cercle retiré
skip-no-inbox = pas de boîte de réception
skip-closed = fermée avant l'envoi
skip-inbox-unavailable = boîte de réception indisponible ({ $detail })
skip-disconnected = plus connecté
skip-network-failed = { $network } a échoué ({ $detail })

## Réponses
answer-also-from = aussi de { $names }
answer-also-from-more = { $names } et { $more } de plus
answer-votes = { $votes } { $count ->
    [one] vote
   *[other] votes
}
other-replies-none = Pas d'autres réponses : tout ce qui est pertinent est dans le fil.
other-replies-title = { $count ->
    [one] { $count } autre réponse
   *[other] { $count } autres réponses
}
other-replies-below = (sous le seuil de pertinence) :
other-replies-more = …et { $count } de plus, les plus faibles, non affichées.
review-on = La relecture est activée : chaque réponse attend votre accord avant d'être publiée ici.
review-off = Les réponses sont de nouveau publiées directement.
review-off-one = Les réponses sont de nouveau publiées directement ; celle qui attendait votre relecture est en route.
review-off-many = Les réponses sont de nouveau publiées directement ; les { $count } qui attendaient votre relecture sont en route.

## Boutons
button-unknown-topic = Je ne connais plus ce sujet.
button-topic-closed = Ce sujet est déjà fermé.
button-only-asker-mode = Seule la personne qui a posé la question peut changer la façon dont les réponses arrivent.
button-only-asker-review = Seule la personne qui a posé la question peut approuver ou écarter les réponses.
button-already-handled = Cette réponse a déjà été traitée.
button-approved = Réponse de { $name } publiée dans le fil.
button-skipped = Réponse de { $name } écartée.
button-vote-gone = On ne peut plus voter pour cette réponse.
button-vote-counts = Votre vote pour la réponse de { $name } compte ({ $tally } au total).
button-vote-taken-back = Votre vote pour la réponse de { $name } est retiré ({ $tally } au total).
button-press-again = Appuyez à nouveau pour changer d'avis.
button-no-topic = Ce bouton ne porte aucun sujet.
button-unknown = Bouton inconnu { $verb }.
button-meeting-ended = Cette réunion est déjà terminée.
button-replies-unavailable = Ces réponses ne sont pas disponibles ici.

## Le compte rendu
summary-title = Compte rendu de la réunion
summary-continued = Compte rendu de la réunion, suite
summary-heading = Compte rendu de la réunion · { $day } · { $duration }
summary-totals = { $questions ->
    [one] { $questions } question
   *[other] { $questions } questions
} · { $replies ->
    [one] { $replies } réponse
   *[other] { $replies } réponses
} de { $people ->
    [one] { $people } personne
   *[other] { $people } personnes
} dans { $orgs ->
    [one] { $orgs } organisation
   *[other] { $orgs } organisations
} · { $votes ->
    [one] { $votes } vote
   *[other] { $votes } votes
} sur les meilleures réponses
summary-asked-by = Posée par { $asker }
summary-open = ouverte
summary-closed = fermée
summary-replies = { $count ->
    [one] { $count } réponse
   *[other] { $count } réponses
} ({ $sources })
summary-first-answer = première réponse après { $delay }
summary-vote-count = { $votes } { $count ->
    [one] vote
   *[other] votes
}
summary-late = { $count ->
    [one] { $count } est arrivée après la fermeture du sujet
   *[other] { $count } sont arrivées après la fermeture du sujet
}
summary-nobody-answered = Personne n'a répondu :
summary-thanks = Merci à toutes celles et ceux qui ont aidé :

## Remerciements, dans le fil d'un partenaire
thanks-ended = Merci ! La réunion de { $org } est terminée.
thanks-best = Meilleure réponse ({ $votes } votes), de { $author } : { $text }
thanks-nothing-stood-out = Aucune réponse ne s'est détachée cette fois ; merci d'avoir regardé.

## La page de l'organisation
home-give-and-take-30-90 = (30 derniers jours · 90 derniers jours)
ledger-asked-them = questions envoyées
ledger-asked-us = questions reçues
ledger-answers-from-them = réponses reçues
ledger-answers-from-us = réponses données
home-open-topics = Sujets ouverts de { $org }
home-no-open-topic = Aucun sujet ouvert : `{ $cmd } <question>` en ouvre un dans un canal.
home-your-questions = Vos questions
home-no-question = Vous n'avez encore rien demandé.
home-topic-line = { $question } · { $state } · { $answers ->
    [one] { $answers } réponse
   *[other] { $answers } réponses
}
home-partners = Partenaires

## Mots des commandes, quand une commande mal tapée est montrée
word-help = aide
word-list = liste
word-end = fin
word-inbox = boîte
word-networks = réseaux
word-partners = partenaires
word-invite = inviter
word-accept = accepter
word-remove = retirer

## Réseaux publics
networks-none = Aucun réseau public n'est connecté : les questions restent entre vous et vos partenaires. L'opérateur de ce Cercle en connecte un avec ses variables (Mastodon, Bluesky, X, Matrix ; voir le README).
networks-title = Réseaux publics
networks-default = par défaut, une question va à : { $default }. `{ $cmd } --public <question>` ou `{ $cmd } --partenaires <question>` choisit pour une question.
networks-reach-public = partenaires et réseaux publics
networks-reach-partners = partenaires seulement
network-working = fonctionne
network-publish-only = publication seule : les questions sont publiées, mais ce compte ne peut pas lire les réponses
network-failing = en échec
network-failing-since = en échec depuis { $since } ({ $error })
network-now = maintenant
network-no-answer = pas de réponse
network-replies-from-here = { $count ->
    [one] { $count } réponse est venue d'ici.
   *[other] { $count } réponses sont venues d'ici.
}
home-more-in-commands = Plus que cette page ne peut en montrer : `{ $cmd } liste` dans un canal, `{ $cmd } partenaires`.
