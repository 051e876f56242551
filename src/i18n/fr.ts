import type { Catalogue } from './en.js';

// French (vouvoiement). Apostrophes are typographic (’): an ASCII one before { would quote it.

export const fr: Catalogue = {
  'when.range': '{date}, {start}–{end} {zoneName} ({zone})',
  'when.times': '{start}–{end} {zoneName} ({zone})',
  'when.withBusiness': '{when} ; sur place : {businessWhen}',
  'when.instant': '{date}, {time} {zoneName} ({zone})',

  'booking.created.customer.subject': 'Réservation confirmée : {service}, {when}',
  'booking.created.customer.heading': 'Votre réservation est confirmée',
  'booking.created.customer.intro':
    'Bonjour {customer}, votre réservation chez {business} est confirmée.',
  'booking.requested.customer.subject': 'Demande de réservation reçue : {service}, {when}',
  'booking.requested.customer.heading': 'Nous avons bien reçu votre demande',
  'booking.requested.customer.intro':
    'Bonjour {customer}, {business} a bien reçu votre demande de réservation et la confirmera sous peu. Le créneau vous est réservé.',
  'booking.manage_link.customer.subject': 'Votre réservation : {service}, {when}',
  'booking.manage_link.customer.heading': 'Votre réservation',
  'booking.manage_link.customer.intro':
    'Bonjour {customer}, voici le lien pour consulter, modifier ou annuler votre réservation chez {business}.',
  'booking.created.business.subject': 'Nouvelle réservation : {service}, {when} ({customer})',
  'booking.created.business.heading': 'Nouvelle réservation',
  'booking.created.business.intro': '{customer} a réservé {service}.',
  'booking.confirmed.customer.subject': 'Réservation confirmée : {service}, {when}',
  'booking.confirmed.customer.heading': 'Votre réservation est confirmée',
  'booking.confirmed.customer.intro':
    'Bonjour {customer}, {business} a confirmé votre réservation.',
  'booking.cancelled.customer.subject': 'Réservation annulée : {service}, {when}',
  'booking.cancelled.customer.heading': 'Votre réservation est annulée',
  'booking.cancelled.customer.intro':
    'Bonjour {customer}, votre réservation chez {business} a été annulée.',
  'booking.cancelled.business.subject': 'Réservation annulée par le client : {service}, {when}',
  'booking.cancelled.business.heading': 'Réservation annulée',
  'booking.cancelled.business.intro': '{customer} a annulé sa réservation.',
  'booking.rescheduled.customer.subject': 'Réservation déplacée : {service}, {when}',
  'booking.rescheduled.customer.heading': 'Votre réservation a été déplacée',
  'booking.rescheduled.customer.intro':
    'Bonjour {customer}, votre réservation chez {business} a désormais lieu au nouvel horaire ci-dessous.',
  'booking.rescheduled.business.subject': 'Réservation déplacée par le client : {service}, {when}',
  'booking.rescheduled.business.heading': 'Réservation déplacée',
  'booking.rescheduled.business.intro':
    '{customer} a déplacé sa réservation à l’horaire ci-dessous.',
  'reminder.customer.subject': 'Rappel : {service}, {when}',
  'reminder.customer.heading': 'À bientôt',
  'reminder.customer.intro':
    'Bonjour {customer}, nous vous rappelons votre réservation chez {business}.',
  'reminder.business.subject': 'Rappel : {service}, {when} ({customer})',
  'reminder.business.heading': 'Prochainement',
  'reminder.business.intro': '{customer} a réservé {service}.',
  'reminder.staff.subject': 'Rappel : {service}, {when} ({customer})',
  'reminder.staff.heading': 'Prochainement',
  'reminder.staff.intro': '{customer} a réservé {service} avec vous.',

  'label.service': 'Prestation',
  'label.when': 'Quand',
  'label.reference': 'Référence',
  'label.seats': 'Places',
  'label.price': 'Prix',
  'label.customer': 'Client',
  'label.email': 'E-mail',
  'label.phone': 'Téléphone',
  'label.notes': 'Remarques',
  'label.address': 'Adresse',
  'label.status': 'Statut',
  'label.reason': 'Motif',
  /** Between a label and its value in the text part. */
  'text.colon': ' : ',
  'price.seats': '{total} ({seats} × {each})',
  'note.previous': 'Elle était prévue le {when}.',
  'note.reason': 'Motif : {reason}',
  'action.manage': 'Consulter, modifier ou annuler votre réservation',
  'footer.customer':
    'Vous recevez cet e-mail en raison d’une réservation faite auprès de cet établissement.',
  'footer.business': 'Envoyé par votre système de réservation.',
  'footer.account': 'Vous recevez cet e-mail en raison d’un compte auprès de cet établissement.',
  'footer.admin': 'Vous recevez cet e-mail en tant qu’administrateur de cet établissement.',

  'account.invitation.subject': 'Invitation à rejoindre {business}',
  'account.invitation.heading': 'Rejoignez {business}',
  'account.invitation.intro':
    '{business} vous invite à vous connecter à ses réservations en tant que {role}. Choisissez votre nom et votre mot de passe avec le lien ci-dessous ; il fonctionne une fois, jusqu’au {expires}.',
  'account.invitation.action': 'Accepter l’invitation',
  'account.password_reset.subject': 'Réinitialiser votre mot de passe pour {business}',
  'account.password_reset.heading': 'Réinitialiser votre mot de passe',
  'account.password_reset.intro':
    'Quelqu’un a demandé la réinitialisation du mot de passe de ce compte chez {business}. Le lien ci-dessous fonctionne une fois, jusqu’au {expires}, et ferme toutes les autres sessions. Si ce n’était pas vous, ignorez cet e-mail : le mot de passe reste inchangé.',
  'account.password_reset.action': 'Choisir un nouveau mot de passe',
  'role.admin': 'administrateur',
  'role.staff': 'membre du personnel',

  'notice.webhook_paused.subject': 'Webhook suspendu : {url}',
  'notice.webhook_paused.heading': 'Un point de terminaison webhook a été suspendu',
  'notice.webhook_paused.intro':
    'Les envois vers {url} échouaient sans cesse : les réservations de {business} n’y sont plus envoyées. Rien n’est perdu : les envois attendent et partent dans l’ordre dès que le point de terminaison est réactivé (updateWebhookEndpoint avec active: true).',
  'notice.webhook_paused.action': 'Ouvrir la console',

  'page.title': 'Votre réservation chez {business}',
  'page.status.CONFIRMED': 'Confirmée',
  'page.status.PENDING': 'En attente de confirmation par l’établissement',
  'page.status.CANCELLED': 'Annulée',
  'page.status.COMPLETED': 'Terminée',
  'page.status.NO_SHOW': 'Absence',
  'page.cancel.heading': 'Annuler la réservation',
  'page.cancel.reason': 'Motif (facultatif)',
  'page.cancel.button': 'Annuler la réservation',
  'page.move.heading': 'Choisir un autre horaire',
  'page.move.date': 'Jour',
  'page.move.show': 'Voir les horaires libres',
  'page.move.none': 'Aucun horaire libre ce jour-là. Essayez un autre jour.',
  'page.move.button': 'Déplacer à cet horaire',
  'page.move.times': 'Horaires libres le {date}',
  'page.done.cancelled': 'Votre réservation est annulée. Nous vous avons envoyé un e-mail.',
  'page.done.rescheduled': 'Votre réservation a été déplacée. Nous vous avons envoyé un e-mail.',
  'page.closed': 'Cette réservation ne peut plus être modifiée ici.',
  'page.tooLate':
    'Les modifications sont possibles jusqu’à {hours, plural, one {# heure} other {# heures}} avant le début. Veuillez contacter {business}.',
  'page.contact': 'Des questions ? Contactez {business} :',
  'page.error.taken': 'Cet horaire vient d’être pris. Veuillez en choisir un autre.',
  'page.error.date': 'Veuillez choisir un jour dans les {days} prochains jours.',
  'page.error.other': 'Cette modification n’a pas pu être faite : {message}',
  'page.failed.title': 'Une erreur s’est produite',
  'page.error.busy': 'Trop de demandes : veuillez réessayer dans quelques minutes.',
  'page.error.unavailable':
    'Le service de réservation est momentanément indisponible. Veuillez réessayer dans un instant.',
  'page.notFound.title': 'Réservation introuvable',
  'page.notFound':
    'Ce lien ne mène à aucune réservation. Il est peut-être incomplet : ouvrez-le à nouveau depuis votre e-mail, ou demandez à {business} de vous le renvoyer.',
};
