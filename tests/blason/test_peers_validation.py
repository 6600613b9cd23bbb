"""Badge requests and peer validation (services): the rule cannot be bypassed, the award is
issued by the community with the observations as evidence and one endorsement per validator
signed with that validator's own key, and the requester is told in their language."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone, translation

from blason.core.exceptions import ActionRefused
from blason.core.models import AuditEntry, IssuerKind
from blason.core.services import personal_issuer_for
from blason.issuing.awarding import credentials
from blason.issuing.awarding import services as awards
from blason.issuing.badges.services import badge_create, badge_set_status
from blason.issuing.documents.local_fetch import LocalFetcher
from blason.issuing.models import Award, BadgeStatus
from blason.issuing.signing import issuer_documents
from blason.peers import selectors, validation
from blason.peers.access import NotAllowed, may_validate
from blason.peers.models import BadgeRequest, RequestStatus, Validation, Validators
from obcore.verify import verify_credential
from tests.blason.peers_fixtures import Community, community_fixture  # noqa: F401
from tests.conftest import BADGE_SVG
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 3)


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


def publish(community: Community) -> Any:
    if community.badge.status == BadgeStatus.DRAFT:
        badge_set_status(badge=community.badge, actor=community.owner, status=BadgeStatus.PUBLISHED)
        community.badge.refresh_from_db()
    return community.badge


def with_rule(community: Community, **options: Any) -> Any:
    badge = publish(community)
    options.setdefault("validators", Validators.MEMBERS)
    options.setdefault("approvals_needed", 3)
    validation.rule_set(badge=badge, actor=community.facilitator, **options)
    return badge


def ask(community: Community, requester: Any = None, **options: Any) -> BadgeRequest:
    options.setdefault("description", "J'ai brossé Caramel et vérifié ses sabots mardi.")
    requester = requester or community.members[4]
    if not requester.display_name:  # Philippe's account has no name: he gives it when asking
        options.setdefault("name", "Philippe")
    return validation.request_create(badge=community.badge, requester=requester, **options)


def observe(
    request: BadgeRequest, validator: Any, decision: str = "approve", **options: Any
) -> Validation:
    options.setdefault("observed_on", TODAY)
    options.setdefault("place", "Pré de Pernes")
    options.setdefault("observation", "Elle a brossé l'âne avec douceur et curé les sabots.")
    return validation.validation_record(
        request=request, validator=validator, decision=decision, **options
    )


def test_three_approvals_award_the_badge_with_signed_endorsements(
    community: Community, django_capture_on_commit_callbacks: Any
) -> None:
    with_rule(community)
    requester = community.members[4]
    requester.language = "fr"
    requester.save()
    request = ask(community, evidence_url="https://example.org/photo")
    validators = community.members[:3]
    for validator in validators[:2]:
        observe(request, validator)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert not Award.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        observe(request, validators[2], comment="Bravo !")
    request.refresh_from_db()
    assert request.status == RequestStatus.AWARDED
    award = request.award
    assert award is not None
    assert award.uuid == request.award_uuid
    assert award.issuer == community.issuer
    assert award.recipient_email == requester.email
    assert award.recipient_name == request.requester_name == "Philippe"
    credential = json.loads(award.credential)
    assert credential["issuer"]["id"] == issuer_documents.issuer_url(community.issuer)
    endorsements = credential["endorsement"]
    assert len(endorsements) == 3
    for endorsement, validator in zip(endorsements, validators, strict=True):
        assert endorsement["type"] == ["VerifiableCredential", "EndorsementCredential"]
        subject = endorsement["credentialSubject"]
        assert subject["type"] == ["EndorsementSubject"]
        assert subject["id"] == credential["id"] == credentials.award_url(award)
        assert "Pré de Pernes" in subject["endorsementComment"]
        personal = personal_issuer_for(validator)
        assert personal.kind == IssuerKind.INDIVIDUAL
        assert endorsement["issuer"]["id"] == issuer_documents.issuer_url(personal)
        method = endorsement["proof"][0]["verificationMethod"]
        assert method.startswith(issuer_documents.issuer_url(personal))
    # Stored as signed: the endorsement in the award is the one kept with the validation.
    kept = [json.loads(v.endorsement) for v in request.validations.order_by("id")]
    assert kept == endorsements
    evidence = credential["evidence"]
    assert evidence[0]["narrative"].startswith("J'ai brossé Caramel")
    assert evidence[0]["id"] == "https://example.org/photo"
    assert sum(1 for item in evidence if "Pré de Pernes" in item.get("narrative", "")) == 3
    # In the badge's language (French), like the rest of the credential.
    assert "Soigner les ânes" in endorsements[0]["name"]
    report = verify_credential(award.credential, fetcher=LocalFetcher())
    assert report.valid, report.checks
    assert len(report.endorsements) == 3
    assert all(item.valid for item in report.endorsements)
    assert next(c for c in report.checks if c.name == "endorsements").outcome.value == "passed"
    # The requester is told, in French.
    (message,) = mail.outbox
    assert message.to == [requester.email]
    assert "Soigner les ânes" in message.subject
    assert credentials.award_url(award) in message.body
    codes = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "peers.rule.created",
        "peers.request.created",
        "peers.validation.approved",
        "peers.request.awarded",
        "issuing.award.issued",
    } <= codes


def test_a_tampered_endorsement_fails_verification(community: Community) -> None:
    with_rule(community, approvals_needed=1)
    request = ask(community)
    observe(request, community.members[0])
    request.refresh_from_db()
    credential = json.loads(request.award.credential)
    credential["endorsement"][0]["credentialSubject"]["endorsementComment"] = "Autre chose."
    report = verify_credential(credential, fetcher=LocalFetcher())
    assert not report.valid  # the community's signature covers the endorsements
    endorsement = json.loads(request.award.credential)["endorsement"][0]
    endorsement["credentialSubject"]["endorsementComment"] = "Autre chose."
    assert not verify_credential(endorsement, fetcher=LocalFetcher()).valid


def test_the_requester_cannot_validate_their_own_request(community: Community) -> None:
    with_rule(community)
    request = ask(community, requester=community.members[0])
    with pytest.raises(NotAllowed, match="your own request"):
        observe(request, community.members[0])
    assert not Validation.objects.exists()


def test_a_validator_cannot_answer_twice(community: Community) -> None:
    with_rule(community)
    request = ask(community)
    observe(request, community.members[0])
    with pytest.raises(NotAllowed, match="already given"):
        observe(request, community.members[0], decision="refuse", comment="Non.")
    assert Validation.objects.count() == 1


def test_a_non_validator_cannot_approve(community: Community) -> None:
    with_rule(community)
    request = ask(community)
    with pytest.raises(NotAllowed):
        observe(request, community.outsider)
    with_rule(community, validators=Validators.HOLDERS)
    with pytest.raises(NotAllowed, match="does not make you a validator"):
        observe(request, community.members[0])
    assert not Validation.objects.exists()


def test_holders_can_give_it(community: Community) -> None:
    """ "Those who have it can give it": a holder of the badge validates, others cannot."""
    badge = with_rule(community, validators=Validators.HOLDERS, approvals_needed=1)
    first = ask(community, requester=community.members[1])
    # Nobody has it yet: a facilitator awards it by hand to Nancy, who collects it.
    award = awards.award_issue(badge=badge, actor=community.owner, email="nancy@example.org")
    Award.objects.filter(pk=award.pk).update(claimed_by=community.members[0])
    assert may_validate(
        selectors.rule_of(badge), badge.issuer_id, selectors.validator_facts(community.members[0])
    )
    assert list(selectors.validators_of(selectors.rule_of(badge))) == [community.members[0]]
    with pytest.raises(NotAllowed):
        observe(first, community.members[2])
    observe(first, community.members[0])
    first.refresh_from_db()
    assert first.status == RequestStatus.AWARDED
    # Manu now has it (through his request): he can give it in turn.
    second = ask(community, requester=community.members[3])
    holders = set(selectors.validators_of(selectors.rule_of(badge)))
    assert holders == {community.members[0], community.members[1]}
    observe(second, community.members[1])
    second.refresh_from_db()
    assert second.status == RequestStatus.AWARDED
    # A revoked badge no longer counts.
    awards.award_revoke(award=award, actor=community.owner, reason="Erreur")
    assert community.members[0] not in set(selectors.validators_of(selectors.rule_of(badge)))


def test_ambassadors_validate_other_badges(community: Community) -> None:
    ambassador_badge = badge_create(
        issuer=community.issuer,
        actor=community.owner,
        name="Ambassadeur du badge",
        description="Fait connaître les badges.",
        criteria="Explique les badges",
        image_svg=BADGE_SVG,
        language="fr",
    )
    badge_set_status(badge=ambassador_badge, actor=community.owner, status=BadgeStatus.PUBLISHED)
    badge = with_rule(
        community,
        validators=Validators.AMBASSADORS,
        ambassador_badge=ambassador_badge,
        approvals_needed=1,
    )
    award = awards.award_issue(
        badge=ambassador_badge, actor=community.owner, email="severine@example.org"
    )
    Award.objects.filter(pk=award.pk).update(claimed_by=community.members[2])
    request = ask(community)
    with pytest.raises(NotAllowed):
        observe(request, community.facilitator)
    observe(request, community.members[2])
    request.refresh_from_db()
    assert request.status == RequestStatus.AWARDED
    assert badge.pk != ambassador_badge.pk


def test_named_validators_and_reviewer_role(community: Community) -> None:
    badge = with_rule(
        community, validators=Validators.NAMED, reviewers=[community.members[1]], approvals_needed=1
    )
    request = ask(community)
    with pytest.raises(NotAllowed):
        observe(request, community.members[0])
    assert list(selectors.validators_of(selectors.rule_of(badge))) == [community.members[1]]
    with_rule(community, validators=Validators.REVIEWERS, approvals_needed=1)
    reviewer = UserFactory(display_name="Isabelle")
    MembershipFactory(issuer=community.issuer, user=reviewer, role="reviewer")
    with pytest.raises(NotAllowed):
        observe(request, community.members[0])
    observe(request, reviewer)
    request.refresh_from_db()
    assert request.status == RequestStatus.AWARDED


def test_rule_checks(community: Community) -> None:
    badge = publish(community)
    with pytest.raises(NotAllowed):
        validation.rule_set(
            badge=badge, actor=community.members[0], validators="members", approvals_needed=2
        )
    with pytest.raises(ActionRefused, match="between 1 and"):
        validation.rule_set(
            badge=badge, actor=community.facilitator, validators="members", approvals_needed=0
        )
    with pytest.raises(ActionRefused, match="ambassadors"):
        validation.rule_set(
            badge=badge, actor=community.facilitator, validators="ambassadors", approvals_needed=2
        )
    with pytest.raises(ActionRefused, match="members of this space"):
        validation.rule_set(
            badge=badge,
            actor=community.facilitator,
            validators="named",
            approvals_needed=1,
            reviewers=[community.outsider],
        )


def test_a_refusal_says_what_is_missing_and_enough_refusals_close_the_request(
    community: Community, django_capture_on_commit_callbacks: Any
) -> None:
    with_rule(community, approvals_needed=2)
    request = ask(community)
    with pytest.raises(ActionRefused, match="what is missing"):
        observe(request, community.members[0], decision="refuse")
    observe(
        request, community.members[0], decision="refuse", comment="Les sabots n'étaient pas curés."
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        observe(request, community.members[1], decision="refuse", comment="Revenir mardi prochain.")
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert not Award.objects.exists()
    (message,) = mail.outbox
    assert "Les sabots n'étaient pas curés." in message.body
    assert "Revenir mardi prochain." in message.body
    # Asking again is possible once the request is closed.
    again = ask(community)
    assert again.status == RequestStatus.PENDING


def test_observations_are_checked(community: Community) -> None:
    with_rule(community)
    request = ask(community)
    future = timezone.localdate() + datetime.timedelta(days=2)
    with pytest.raises(ActionRefused, match="today or before"):
        observe(request, community.members[0], observed_on=future)
    with pytest.raises(ActionRefused, match="where"):
        observe(request, community.members[0], place="  ")
    with pytest.raises(ActionRefused, match="what you saw"):
        observe(request, community.members[0], observation="")
    with pytest.raises(ActionRefused, match="approve or not"):
        observe(request, community.members[0], decision="maybe")
    assert not Validation.objects.exists()


def test_requests_are_checked(community: Community) -> None:
    publish(community)
    with pytest.raises(ActionRefused, match="cannot be asked for"):
        ask(community)
    with_rule(community, accepts_requests=False)
    with pytest.raises(ActionRefused, match="cannot be asked for"):
        ask(community)
    with_rule(community)
    with pytest.raises(ActionRefused, match="few words"):
        ask(community, description="   ")
    with pytest.raises(ActionRefused, match="your name"):
        ask(community, name="  ")
    with pytest.raises(ActionRefused, match="PDF, PNG or JPEG"):
        ask(community, evidence_file=b"<html>", evidence_file_name="x.html")
    with pytest.raises(ActionRefused, match="https://"):
        ask(community, evidence_url="javascript:alert(1)")
    made = ask(community, evidence_file=b"%PDF-1.4 test", evidence_file_name="attestation.pdf")
    assert str(made.uuid) not in made.evidence_file.name  # private: not guessable from the page
    with pytest.raises(ActionRefused, match="already asked"):
        ask(community)
    assert BadgeRequest.objects.count() == 1


def test_withdraw(community: Community) -> None:
    with_rule(community)
    request = ask(community)
    with pytest.raises(NotAllowed):
        validation.request_withdraw(request=request, actor=community.members[0])
    validation.request_withdraw(request=request, actor=community.members[4])
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    with pytest.raises(ActionRefused, match="already decided"):
        observe(request, community.members[0])


def test_an_evidence_file_goes_into_the_award(community: Community) -> None:
    with_rule(community, approvals_needed=1)
    request = ask(community, evidence_file=b"%PDF-1.4 test", evidence_file_name="attestation.pdf")
    observe(request, community.members[0])
    request.refresh_from_db()
    files = list(request.award.evidence.exclude(file=""))
    assert [item.file_name for item in files] == ["attestation.pdf"]


def test_reminders(community: Community, django_capture_on_commit_callbacks: Any) -> None:
    with_rule(community, validators=Validators.NAMED, reviewers=community.members[:2])
    request = ask(community)
    observe(request, community.members[0])
    now = timezone.now()
    mail.outbox.clear()
    assert validation.remind_validators(days=3, now=now) == (0, 0)  # not waiting long enough
    later = now + datetime.timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert validation.remind_validators(days=3, now=later) == (1, 1)
    (message,) = mail.outbox
    assert message.to == [community.members[1].email]  # not the one who answered
    assert "Soigner les ânes" in message.body
    assert validation.remind_validators(days=3, now=later + datetime.timedelta(days=1)) == (0, 0)
    assert validation.remind_validators(days=3, now=later + datetime.timedelta(days=4)) == (1, 1)


def test_to_validate_lists_what_the_rule_allows(community: Community) -> None:
    with_rule(community, validators=Validators.NAMED, reviewers=[community.members[1]])
    request = ask(community)
    assert [r.pk for r in selectors.requests_to_validate(community.members[1])] == [request.pk]
    assert selectors.requests_to_validate(community.members[0]) == []
    assert selectors.requests_to_validate(community.outsider) == []
    assert selectors.requests_to_validate(community.members[4]) == []  # their own


def test_the_reminder_command(community: Community) -> None:
    from io import StringIO

    from django.core.management import call_command

    with_rule(community)
    ask(community)
    BadgeRequest.objects.update(created_at=timezone.now() - datetime.timedelta(days=5))
    out = StringIO()
    call_command("remind_validators", "--days", "3", stdout=out)
    assert "1 request(s) waiting; 6 validator(s) reminded." in out.getvalue()
    out = StringIO()
    call_command("remind_validators", "--days", "3", stdout=out)
    assert "0 request(s) waiting" in out.getvalue()


def test_a_smaller_number_decides_waiting_requests_at_once(community: Community) -> None:
    with_rule(community, approvals_needed=3)
    request = ask(community)
    observe(request, community.members[0])
    observe(request, community.members[1])
    other = ask(community, requester=community.members[3])
    observe(other, community.members[0])
    with_rule(community, approvals_needed=2)
    request.refresh_from_db()
    other.refresh_from_db()
    assert request.status == RequestStatus.AWARDED
    assert len(json.loads(request.award.credential)["endorsement"]) == 2
    assert other.status == RequestStatus.PENDING
