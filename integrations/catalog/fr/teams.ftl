# Ce que Cercle dit dans Teams, dans le Markdown que Teams affiche (messages et cartes adaptatives).
# $cmd : la façon d'appeler le bot (« @Cercle »).

teams-ask-word = demande
teams-mention-hint = Bonjour ! Pour interroger votre réseau, écrivez `{ $cmd } demande <votre question>` ici : j'ouvre un fil pour elle et j'y rapporte les bonnes réponses. `{ $cmd } aide` liste tout ce que je sais faire.
teams-digest-vote-hint = Ce message regroupe plusieurs réponses : une réaction dessus ne dit pas laquelle vous voulez. Appuyez sur le bouton **👍 Utile** de la réponse pour laquelle vous votez.
teams-not-a-channel-inbox = Une boîte de réception doit être un canal d'équipe : lancez ceci dans le canal qui doit recevoir les questions.
teams-not-installed = Cercle n'est pas encore configuré pour cette équipe : retirez-le puis ajoutez-le de nouveau à l'équipe.
teams-refused-not-in-channel = Je ne peux pas publier ici. Ajoutez Cercle à cette équipe ou à cette conversation, puis posez à nouveau la question.
teams-refused-unreachable = Je ne peux plus publier dans cette conversation (elle est peut-être supprimée ou archivée).
teams-refused-installation-gone = L'installation de Cercle ici n'est plus valide. Demandez au propriétaire de l'équipe de l'ajouter de nouveau.
teams-refused-too-long = Cette question est trop longue pour Teams. Raccourcissez-la et posez-la à nouveau.
teams-refused-rate-limited = Teams est occupé en ce moment. Posez à nouveau la question dans une minute.
teams-refused-other = Teams a refusé d'ouvrir le sujet ({ $detail }). Rien n'a été publié ; réessayez, s'il vous plaît.
teams-opened = Votre question est ouverte dans un nouveau fil, ici.
teams-on-its-way = Elle est en route vers { $count ->
    [one] { $count } partenaire
   *[other] { $count } partenaires
} ; leurs réponses seront publiées dans le fil.
teams-no-partner-yet = Aucune organisation partenaire ne la reçoit encore : seule cette conversation la voit. La personne qui a ajouté Cercle peut en inviter une avec `{ $cmd } partenaires inviter`.
teams-no-meeting = Aucune réunion n'est en cours ici : elle commence avec la première question.

## Partenaires
teams-not-admin = Seule la personne qui a ajouté Cercle à l'équipe (ou les personnes de CERCLE_ADMINS) peut gérer les partenaires et la boîte de réception.
teams-partner-state-removed = Cercle a été retiré de leur organisation : vos questions n'y sont pas envoyées
teams-invitation = Votre code d'invitation est `{ $code }` (usage unique, valable { $hours } heures). Donnez-le à un admin de l'autre organisation : dans Slack, il tape `/ask partenaires accepter { $code }`, dans Teams `{ $cmd } partenaires accepter { $code }`.
teams-own-code = Ce code a été créé dans votre propre organisation : donnez-le plutôt à l'admin de l'autre organisation.
teams-too-many-codes = { $tries } codes erronés en une minute : attendez une minute, et vérifiez le code avec l'admin qui l'a envoyé.
teams-choose-inbox = Choisissez le canal qui reçoit leurs questions : `{ $cmd } boîte` dans ce canal.
teams-partner-removed = { $name } n'est plus partenaire ; aucun des deux ne reçoit plus les questions de l'autre.
teams-cannot-join = Je ne peux pas publier dans ce canal : ajoutez Cercle à son équipe, puis relancez la commande.
teams-partners-heading = **Partenaires de { $org }** · votre boîte de réception : { $inbox }
teams-inbox-set = choisie
teams-inbox-not-set = non choisie (`{ $cmd } boîte` dans un canal)

## Aide
teams-help-title = **Cercle** pose votre question à votre réseau pendant que la réunion continue. Mentionnez-moi, puis :
teams-help-list = lister les sujets ouverts de cette conversation
teams-help-partners-accept = accepter le code d'invitation d'un partenaire, venu de Slack ou de Teams (admins)
teams-help-home = la page de votre organisation : ce que vous donnez et recevez avec chaque partenaire
teams-help-pace = Les réponses arrivent dans le fil du sujet, { $count } au plus toutes les { $pace } ; les autres arrivent ensemble dans un récapitulatif, les meilleures d'abord. Avec *Relire les réponses d'abord*, vous approuvez chacune avant sa publication.
teams-help-voting = Votez pour une réponse avec une réaction (👍 ou ❤️ ; un vote par personne), ou avec son bouton *Utile* dans un récapitulatif. La réunion se termine avec `fin`, à la fin de la réunion Teams, ou après un long silence : le compte rendu est alors publié ici.
teams-topic-list-empty = Aucun sujet ouvert ici. `{ $cmd } demande <question>` en ouvre un.
teams-topic-list-title = **{ $count ->
    [one] { $count } sujet ouvert
   *[other] { $count } sujets ouverts
} :**
teams-asked-by = (posée par { $asker })
teams-problem-example = Pour poser une question à votre réseau, écrivez `{ $cmd } demande` puis la question, par exemple `{ $cmd } demande Comment fixer le prix d'un pilote pour un grand client ?`

## Boutons
teams-closed = Sujet fermé. Les partenaires sont prévenus, et le compte rendu l'inclura.
teams-review-on = La relecture est activée : chaque réponse attend votre accord avant d'être publiée.
teams-review-off = Les réponses sont de nouveau publiées directement ({ $count } libérées de la relecture).
teams-ending = Fin de la réunion : le compte rendu suit.

## Cartes dans le canal en direct
teams-topic-title = 🧩 Bloqué sur un sujet
teams-topic-open = ouvert : les réponses arrivent dans ce fil
teams-topic-asked-by = Posée par { $asker } · { $status }
teams-button-close = Fermer le sujet
teams-button-direct = Publier directement
teams-button-review = Relire les réponses d'abord
teams-button-other-replies = Autres réponses
teams-button-end = Terminer et résumer
teams-see-original = Voir l'original
teams-digest-title = 📥 **{ $count ->
    [one] { $count } réponse de plus
   *[other] { $count } réponses de plus
}**, les meilleures d'abord (votez avec *Utile*, pas avec une réaction) :
teams-helpful = 👍 Utile
teams-approve = Approuver
teams-skip = Écarter
teams-review-title = 👀 **Publier cette réponse dans le fil ?** (seule la personne qui a posé la question décide)

## Cartes dans la boîte d'un partenaire
teams-mirror-asker = { $name } chez { $org }
teams-mirror-title = ❓ Une question de { $who }
teams-mirror-open-foot = Répondez dans ce fil : les meilleures réponses arrivent dans leur réunion, avec votre nom.
teams-mirror-closed-foot = Cette question est fermée. Merci pour vos réponses.
teams-thanks-replies = Votre organisation a envoyé { $count ->
    [one] { $count } réponse
   *[other] { $count } réponses
} à cette question.
teams-thanks-summary = Merci

## Le compte rendu
teams-summary-nobody = personne n'a répondu à celle-ci
teams-summary-other-below = { $count ->
    [one] { $count } autre réponse
   *[other] { $count } autres réponses
} sous le seuil

## La page de l'organisation
teams-home-title = 🏠 { $org } sur Cercle
teams-home-give-and-take = **Ce que vous donnez et recevez avec vos partenaires**
teams-home-nudge = Vous avez reçu bien plus de réponses que vous n'en avez données ces derniers temps : une réponse dans votre boîte de réception fait vivre le cercle.
teams-home-no-partner = Pas encore de partenaire : `{ $cmd } partenaires inviter` crée un code pour une autre organisation.
