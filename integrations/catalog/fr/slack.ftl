# Ce que Cercle dit dans Slack, en mrkdwn de Slack. $cmd : la commande slash (« /ask »).

slack-mention-hint = Bonjour ! Pour interroger votre réseau, tapez `/ask <votre question>` dans ce canal : j'ouvre un fil pour elle et j'y rapporte les bonnes réponses. `/ask aide` liste tout ce que je sais faire.
slack-digest-vote-hint = Ce message regroupe plusieurs réponses : une réaction dessus ne dit pas laquelle vous voulez. Appuyez sur le bouton *:+1: Utile* de la réponse pour laquelle vous votez.
slack-refused-not-in-channel = Je ne suis pas dans ce canal privé. Invitez-moi avec `/invite @Cercle`, puis posez à nouveau la question.
slack-refused-unreachable = Je ne peux pas publier dans ce canal (il est peut-être archivé, ou fermé aux applications).
slack-refused-installation-gone = L'installation de Cercle ici n'est plus valide. Demandez à un admin de la refaire.
slack-refused-too-long = Cette question est trop longue pour Slack. Raccourcissez-la et posez-la à nouveau.
slack-refused-rate-limited = Slack est occupé en ce moment. Posez à nouveau la question dans une minute.
slack-refused-channel-not-found = Je ne vois pas ce canal. S'il est privé, invitez-moi d'abord : `/invite @Cercle`.
slack-refused-archived = Ce canal est archivé : je ne peux pas y ouvrir de sujet.
slack-refused-restricted = Cet espace de travail ne me laisse pas publier dans ce canal.
slack-refused-other = Slack a refusé d'ouvrir le sujet ({ $detail }). Rien n'a été publié ; réessayez, s'il vous plaît.
slack-not-admin = Seuls les admins et propriétaires de l'espace de travail (ou les personnes de CERCLE_ADMINS) peuvent gérer les partenaires et la boîte de réception.
slack-single-workspace = Les partenariats relient des espaces de travail qui ont chacun installé Cercle par sa page d'installation (OAuth). Ce Cercle ne sert qu'un espace de travail (SLACK_BOT_TOKEN).
slack-home-pointer = La page de votre organisation est l'onglet *Accueil* de Cercle : ouvrez Cercle dans la barre latérale, puis *Accueil*.
slack-internal-error = Cercle n'a pas pu le faire pour l'instant (erreur interne, journalisée). Rien n'a été publié ; réessayez dans une minute.

## Partenaires
slack-partner-state-removed = Cercle a été retiré de leur espace de travail : vos questions n'y sont pas envoyées
slack-invitation = Votre code d'invitation est `{ $code }` (usage unique, valable { $hours } heures). Donnez-le à un admin de l'autre organisation : il tape `/ask partenaires accepter { $code }` dans son espace de travail.
slack-own-code = Ce code a été créé dans votre propre espace de travail : donnez-le plutôt à l'admin de l'autre organisation.
slack-too-many-codes = { $tries } codes erronés en une minute : attendez une minute avant de réessayer, et vérifiez le code avec l'admin qui l'a envoyé.
slack-choose-inbox = Choisissez le canal qui reçoit leurs questions avec `/ask boîte`.
slack-partner-removed = { $name } n'est plus partenaire ; aucun des deux ne reçoit plus les questions de l'autre, ni les réponses aux précédentes.
slack-cannot-join = Je ne peux pas rejoindre ce canal privé seul : invitez-moi avec `/invite @Cercle`, puis relancez `/ask boîte`.
slack-partners-heading = *Partenaires de { $org }* · votre boîte de réception : { $inbox }
slack-inbox-not-set = non choisie (`/ask boîte` dans le canal qui doit les recevoir)

## Aide
slack-help-title = *Cercle* pose votre question à votre réseau pendant que la réunion continue.
slack-help-list = lister les sujets ouverts de ce canal
slack-help-partners-accept = accepter le code d'invitation d'un partenaire (admins)
slack-help-home = la page de votre organisation : ce que vous donnez et recevez avec chaque partenaire (aussi l'onglet Accueil de Cercle)
slack-help-pace = Les réponses arrivent dans le fil du sujet, { $count } au plus toutes les { $pace } ; les autres attendent et arrivent ensemble dans un récapitulatif, les meilleures d'abord. Les réponses jugées hors sujet ne sont jamais publiées : *Autres réponses* les liste. Avec *Relire les réponses d'abord*, vous approuvez chaque réponse avant sa publication.
slack-help-voting = Votez pour une réponse avec une réaction (:+1: pour, :-1: contre ; un vote par personne), ou avec son bouton *Utile* quand elle est arrivée dans un récapitulatif ; dans le fil d'un partenaire, une réaction ou un « +1 » sous une réponse compte aussi. Les meilleures réponses ouvrent le compte rendu à la fin de la réunion.
slack-problem-example = Pour poser une question à votre réseau, écrivez-la en entier, par exemple `{ $cmd } Comment fixer le prix d'un pilote pour un grand client ?` (terminez par un point d'interrogation pour envoyer telle quelle une question courte).

## Sujets dans le canal en direct
slack-topic-fallback = Bloqué sur un sujet : { $question }
slack-topic-title = :thinking_face: *Bloqué sur un sujet*
slack-topic-open-status = Posée par { $asker } · *Ouvert* · répondez dans ce fil ; les réponses de votre réseau arrivent ici
slack-topic-closed-status = Posée par { $asker } · *Fermé* par { $closer }
slack-someone = quelqu'un
slack-button-close = Fermer le sujet
slack-confirm-close-title = Fermer ce sujet ?
slack-confirm-close-text = Les réponses qui arriveront plus tard seront gardées pour le compte rendu, mais pas publiées ici.
slack-confirm-close-yes = Le fermer
slack-confirm-close-no = Le garder ouvert
slack-button-direct = Publier directement
slack-button-review = Relire les réponses d'abord
slack-button-other-replies = Autres réponses
slack-button-end = Terminer et résumer
slack-confirm-end-title = Terminer la réunion ?
slack-confirm-end-text = Tous les sujets ouverts sont fermés et le compte rendu est publié dans ce canal.
slack-confirm-end-yes = Terminer et résumer
slack-confirm-end-no = Pas encore
slack-topic-list-empty = Aucun sujet ouvert dans ce canal. Ouvrez-en un avec `{ $cmd } <question>`.
slack-topic-list-title = *Sujets ouverts ici ({ $count }) :*
slack-topic-list-asked-by = (posée par { $asker })
slack-open-thread = ouvrir le fil
slack-the-topic-thread = le fil du sujet
slack-opened = Votre question est ouverte dans { $thread }.
slack-on-its-way = Elle est en route vers { $count ->
    [one] { $count } partenaire
   *[other] { $count } partenaires
} ; leurs réponses y seront publiées.
slack-no-partner-yet = Aucune organisation partenaire ne la reçoit encore : seul ce canal la voit. Un admin peut en inviter une avec `/ask partenaires inviter`.
slack-single-channel = Seul ce canal la voit : ce Cercle sert un seul espace de travail, sans partenaires.

## Questions reçues dans la boîte d'un partenaire
slack-mirror-fallback-open = { $org } bloque sur : { $question }
slack-mirror-fallback-closed = { $org } bloquait sur : { $question }
slack-mirror-asker = { $name } ({ $org })
slack-mirror-open-head = :raising_hand: *{ $who } bloque sur :*
slack-mirror-closed-head = *{ $who } bloquait sur :*
slack-mirror-open-foot = Répondez dans ce fil pour aider : votre réponse part dans leur réunion, avec votre nom. D'accord avec une réponse ici ? Réagissez :+1: ou écrivez « +1 » en dessous : cela compte comme un vote.
slack-mirror-closed-foot = :white_check_mark: Ce sujet est fermé, merci. Les réponses plus tardives leur parviennent dans le compte rendu.

## Réponses dans le fil en direct
slack-see-original = voir l'original
slack-original = original
slack-digest-fallback = { $count ->
    [one] { $count } réponse de plus est arrivée :
   *[other] { $count } réponses de plus sont arrivées :
}
slack-digest-title = :inbox_tray: *{ $count ->
    [one] { $count } réponse de plus
   *[other] { $count } réponses de plus
}*, les meilleures d'abord (votez avec *Utile*, pas avec une réaction) :
slack-helpful = :+1: Utile
slack-review-title = :eyes: *Publier cette réponse dans le fil ?*
slack-review-fallback = Approuver cette réponse ? { $answer }
slack-approve = Approuver
slack-skip = Écarter

## Le compte rendu
slack-summary-other-below = { $count ->
    [one] { $count } autre réponse
   *[other] { $count } autres réponses
} sous le seuil de pertinence
slack-summary-nobody = Personne n'a répondu à celle-ci.
slack-show-them = Les afficher
slack-thanks-replies = Votre espace de travail a envoyé { $count ->
    [one] { $count } réponse
   *[other] { $count } réponses
} à cette question.

## La page de l'organisation
slack-home-give-and-take = *Ce que { $org } donne et reçoit avec ses partenaires*
slack-home-nudge = _Vous avez reçu bien plus de réponses que vous n'en avez données ces derniers temps : une réponse dans les fils de votre boîte de réception fait vivre le cercle._
