"""Endorsements beyond peers: an issuer, a network or a person (through their own profile)
vouches for an issuer, a badge design or an award (services: keyword-only, atomic, audited).

An endorsement is an OB 3.0 ``EndorsementCredential`` signed with the endorser's own Ed25519
key when it is given (as peer validators sign theirs, ``blason.peers.endorsements``): its
``credentialSubject`` is an ``EndorsementSubject`` whose ``id`` is the endorsed issuer's
profile, the badge's Achievement id or the award's id, with the endorser's comment. It is kept
exactly as signed. The endorsed side can ask for one ("ask the network to recognise this
badge"); the endorser gives it with a comment or declines; either side withdraws it. Given
endorsements of a badge or an issuer go into the ``endorsement`` of the Achievement or the
Profile in new awards (``issuing.hooks``) and on the public pages. Their OB 2.0 form is a
hosted ``Endorsement`` assertion at a stable address on this site, linked from the
``endorsement`` of the OB 2.0 BadgeClass and Issuer; a withdrawn one answers 410 Gone there.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from blason.core import audit
from blason.core.exceptions import ActionRefused
from blason.core.models import Issuer
from blason.core.site import absolute_url
from blason.issuing.awarding import credentials as awards
from blason.issuing.models import Award, BadgeClass, BadgeStatus
from blason.issuing.signing import issuer_documents as documents
from blason.issuing.signing import keys
from blason.networks import emails
from blason.networks.models import Endorsement, EndorsementState
from obcore import ob2, ob3
from obcore.proofs.data_integrity import sign

Subject = Issuer | BadgeClass | Award
OPEN = (EndorsementState.REQUESTED, EndorsementState.ACCEPTED)


def subject_url(endorsement: Endorsement) -> str:
    if endorsement.subject_badge is not None:
        return awards.badge_url(endorsement.subject_badge)
    if endorsement.subject_award is not None:
        return awards.award_url(endorsement.subject_award)
    assert endorsement.subject_issuer is not None
    return documents.issuer_url(endorsement.subject_issuer)


def subject_name(endorsement: Endorsement) -> str:
    return endorsement.subject_label


def owner_of(endorsement: Endorsement) -> Issuer:
    """The endorsed side: the issuer itself, or the issuer of the badge or award."""
    if endorsement.subject_badge is not None:
        return endorsement.subject_badge.issuer
    if endorsement.subject_award is not None:
        return endorsement.subject_award.issuer
    assert endorsement.subject_issuer is not None
    return endorsement.subject_issuer


def _fields(subject: Subject) -> dict[str, Any]:
    if isinstance(subject, BadgeClass):
        if subject.status != BadgeStatus.PUBLISHED:
            raise ActionRefused(_("Only a published badge can be endorsed."))
        return {"subject_badge": subject}
    if isinstance(subject, Award):
        if subject.revoked_at is not None:
            raise ActionRefused(_("A revoked badge cannot be endorsed."))
        return {"subject_award": subject}
    return {"subject_issuer": subject}


def _sign(endorsement: Endorsement) -> str:
    """The EndorsementCredential, signed now with the endorser's key, as the JSON to keep."""
    endorser = endorsement.endorser
    key = keys.active_key(endorser)
    now = timezone.now().replace(microsecond=0)
    language = getattr(endorsement.subject_badge, "language", None)
    with translation.override(language or None):
        credential = ob3.EndorsementCredential(
            id=f"urn:uuid:{endorsement.uuid}",
            name=_("%(endorser)s endorses %(subject)s")
            % {"endorser": endorser.name, "subject": subject_name(endorsement)},
            issuer=ob3.Profile(
                id=documents.issuer_url(endorser),
                name=endorser.name,
                url=endorser.url or None,
            ),
            valid_from=now,
            credential_subject=ob3.EndorsementSubject(
                id=subject_url(endorsement),
                endorsement_comment=endorsement.comment or None,
            ),
        )
    signed = sign(
        credential.to_json(),
        keys.private_key(key),
        verification_method=documents.verification_method_id(endorser, key),
        created=now,
        proof_list=True,
    )
    return json.dumps(signed, ensure_ascii=False, separators=(",", ":"))


def _check_new(endorser: Issuer, subject: Subject) -> dict[str, Any]:
    fields = _fields(subject)
    owner = subject if isinstance(subject, Issuer) else subject.issuer
    if owner.pk == endorser.pk:
        raise ActionRefused(_("An issuer cannot endorse itself or its own badges."))
    if Endorsement.objects.filter(endorser=endorser, state__in=OPEN, **fields).exists():
        raise ActionRefused(_("This endorsement is already asked for or given."))
    return fields


def _record(action: str, endorsement: Endorsement, actor: Any) -> None:
    data = {"endorser": str(endorsement.endorser.uuid), "subject": subject_url(endorsement)}
    for where in {endorsement.endorser, owner_of(endorsement)}:
        audit.record(action=action, actor=actor, issuer=where, target=endorsement, data=data)


@transaction.atomic
def endorsement_request(
    *, endorser: Issuer, subject: Subject, actor: Any, comment: str = "", notify: bool = True
) -> Endorsement:
    """The endorsed side asks ``endorser`` to endorse ``subject``; the endorser's editors and
    owners are told by e-mail (``notify``: False for the demo's made-up people)."""
    fields = _check_new(endorser, subject)
    endorsement = Endorsement.objects.create(
        endorser=endorser,
        state=EndorsementState.REQUESTED,
        request_comment=comment.strip(),
        requested_by=actor,
        **fields,
    )
    _record("networks.endorsement.requested", endorsement, actor)
    if notify:
        emails.tell_request(endorsement, owner=owner_of(endorsement))
    return endorsement


@transaction.atomic
def endorsement_give(
    *, endorser: Issuer, subject: Subject, actor: Any, comment: str = ""
) -> Endorsement:
    """``endorser`` endorses ``subject`` without being asked: signed at once."""
    fields = _check_new(endorser, subject)
    endorsement = Endorsement.objects.create(
        endorser=endorser,
        state=EndorsementState.ACCEPTED,
        comment=comment.strip(),
        answered_by=actor,
        answered_at=timezone.now(),
        **fields,
    )
    endorsement.credential = _sign(endorsement)
    endorsement.save(update_fields=["credential"])
    _record("networks.endorsement.given", endorsement, actor)
    return endorsement


def _locked(endorsement: Endorsement, *states: str) -> Endorsement:
    locked = Endorsement.objects.select_for_update().get(pk=endorsement.pk)
    if locked.state not in states:
        raise ActionRefused(_("This has already been done or is no longer possible."))
    return locked


@transaction.atomic
def endorsement_accept(
    *, endorsement: Endorsement, actor: Any, comment: str = "", notify: bool = True
) -> Endorsement:
    """The endorser gives the endorsement asked for, with its comment: signed now; the person
    who asked is told by e-mail (``notify``: False for the demo)."""
    endorsement = _locked(endorsement, EndorsementState.REQUESTED)
    endorsement.state = EndorsementState.ACCEPTED
    endorsement.comment = comment.strip()
    endorsement.answered_by = actor
    endorsement.answered_at = timezone.now()
    endorsement.credential = _sign(endorsement)
    endorsement.save()
    _record("networks.endorsement.accepted", endorsement, actor)
    if notify:
        emails.tell_answer(endorsement, owner=owner_of(endorsement))
    return endorsement


@transaction.atomic
def endorsement_decline(
    *, endorsement: Endorsement, actor: Any, comment: str = "", notify: bool = True
) -> Endorsement:
    """The endorser declines, with a comment; the person who asked is told by e-mail."""
    endorsement = _locked(endorsement, EndorsementState.REQUESTED)
    endorsement.state = EndorsementState.DECLINED
    endorsement.comment = comment.strip()
    endorsement.answered_by = actor
    endorsement.answered_at = timezone.now()
    endorsement.save()
    _record("networks.endorsement.declined", endorsement, actor)
    if notify:
        emails.tell_answer(endorsement, owner=owner_of(endorsement))
    return endorsement


@transaction.atomic
def endorsement_withdraw(*, endorsement: Endorsement, actor: Any) -> Endorsement:
    """Either side withdraws a request or a given endorsement: it goes into no new award and
    off the public pages (awards made before keep it, signed as it was)."""
    endorsement = _locked(endorsement, *OPEN)
    endorsement.state = EndorsementState.WITHDRAWN
    endorsement.withdrawn_at = timezone.now()
    endorsement.save(update_fields=["state", "withdrawn_at"])
    _record("networks.endorsement.withdrawn", endorsement, actor)
    return endorsement


# What goes into credentials and documents (registered in ``issuing.hooks``) -------------------


def _given(**fields: Any) -> list[dict[str, Any]]:
    rows = Endorsement.objects.filter(state=EndorsementState.ACCEPTED, **fields).order_by(
        "answered_at", "pk"
    )
    return [json.loads(text) for text in rows.values_list("credential", flat=True) if text]


def badge_endorsements(badge: BadgeClass) -> list[dict[str, Any]]:
    return _given(subject_badge=badge)


def issuer_endorsements(issuer: Issuer) -> list[dict[str, Any]]:
    return _given(subject_issuer=issuer)


# The OB 2.0 form: hosted ``Endorsement`` assertions, linked from the OB 2.0 BadgeClass and
# Issuer documents (``issuing.hooks``) --------------------------------------------------------


def ob2_url(endorsement: Endorsement) -> str:
    """The stable address of the endorsement's OB 2.0 form (served while it is given)."""
    return absolute_url("networks:endorsement_ob2", endorsement.uuid)


def _ob2_subject_url(endorsement: Endorsement) -> str:
    """What the OB 2.0 claim is about: the OB 2.0 BadgeClass, Issuer or hosted Assertion."""
    if endorsement.subject_badge is not None:
        return absolute_url("badge_ob2", endorsement.subject_badge.uuid)
    if endorsement.subject_award is not None:
        return absolute_url("award_ob2", endorsement.subject_award.uuid)
    assert endorsement.subject_issuer is not None
    return absolute_url("issuer_ob2", endorsement.subject_issuer.uuid)


def ob2_document(endorsement: Endorsement) -> dict[str, Any]:
    """The given endorsement as an OB 2.0 hosted ``Endorsement``: the same claim and comment
    as the signed EndorsementCredential, by the endorser's OB 2.0 issuer profile, hosted on
    this site (the endorser's origin), dated when it was given."""
    assert endorsement.answered_at is not None
    return ob2.Endorsement(
        id=ob2_url(endorsement),
        claim_id=_ob2_subject_url(endorsement),
        issuer=absolute_url("issuer_ob2", endorsement.endorser.uuid),
        issued_on=endorsement.answered_at.replace(microsecond=0),
        endorsement_comment=endorsement.comment or None,
    ).to_json()


def _given_urls(**fields: Any) -> list[str]:
    rows = Endorsement.objects.filter(state=EndorsementState.ACCEPTED, **fields).order_by(
        "answered_at", "pk"
    )
    return [
        absolute_url("networks:endorsement_ob2", uuid)
        for uuid in rows.values_list("uuid", flat=True)
    ]


def ob2_badge_endorsements(badge: BadgeClass) -> list[str]:
    return _given_urls(subject_badge=badge)


def ob2_issuer_endorsements(issuer: Issuer) -> list[str]:
    return _given_urls(subject_issuer=issuer)


def ob2_published(endorsement_uuid: Any) -> tuple[int, dict[str, Any]] | None:
    """What ``SITE/endorsements/<uuid>/ob2`` serves: (200, the hosted Endorsement) while it is
    given; (410, ``revoked``) once withdrawn; None (404) when it was never given."""
    endorsement = (
        Endorsement.objects.select_related(
            "endorser", "subject_issuer", "subject_badge", "subject_award"
        )
        .filter(
            uuid=endorsement_uuid,
            state__in=(EndorsementState.ACCEPTED, EndorsementState.WITHDRAWN),
            answered_at__isnull=False,
        )
        .first()
    )
    if endorsement is None:
        return None
    if endorsement.state == EndorsementState.WITHDRAWN:
        gone = {"@context": ob2.OB2_CONTEXT, "id": ob2_url(endorsement), "type": "Endorsement"}
        return 410, {**gone, "revoked": True}
    return 200, ob2_document(endorsement)
