"""The Open Badges 3.0 data model as this API sends and receives it, described once.

Why one module of over 400 lines: it is the data model, one table per class, described once and
read as a whole; splitting a schema by class would hide the references between classes.

Each class is a table, one property a line: name, kind, cardinality (``1`` required, ``?``
optional, ``+`` a required array of at least one, ``*`` an optional array). A kind is a
primitive (``PRIMITIVES``), an enumeration (``ENUMERATIONS``; ``ext:`` terms allowed where the
standard makes it extensible), another class, or two alternatives (``uri|Profile``). A class
marked ``closed`` accepts no other property. :func:`schemas` makes the OpenAPI 3.0 component
schemas from them, for the service description document and for checking request bodies.

Written from the standard's data model (Open Badges 3.0, section 8 "Data Model" and appendix
"Service Description"); ``tests/api/test_api_description.py`` holds it equal to the official
OpenAPI document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

COMPACT_JWS = r"^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$"
LANGUAGE = r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"
EXTENSION = r"(ext:)[a-zA-Z0-9\.\-_]+"

PRIMITIVES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "uri": {"type": "string"},  # URI, in the standard's words
    "iri": {"type": "string"},
    "markdown": {"type": "string"},
    "email": {"type": "string"},
    "phone": {"type": "string"},
    "countrycode": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "compactjws": {"type": "string", "pattern": COMPACT_JWS},
    "language": {"type": "string", "pattern": LANGUAGE},
}

IDENTIFIER_TYPES = (
    "name sourcedId systemId productId userName accountId emailAddress nationalIdentityNumber "
    "isbn issn lisSourcedId oneRosterSourcedId sisSourcedId ltiContextId ltiDeploymentId "
    "ltiToolId ltiPlatformId ltiUserId identifier"
)

#: name: (terms, extensible with ``ext:`` terms)
ENUMERATIONS: dict[str, tuple[str, bool]] = {
    "AchievementType": (
        "Achievement ApprenticeshipCertificate Assessment Assignment AssociateDegree Award Badge "
        "BachelorDegree Certificate CertificateOfCompletion Certification CommunityService "
        "Competency Course CoCurricular Degree Diploma DoctoralDegree Fieldwork "
        "GeneralEducationDevelopment JourneymanCertificate LearningProgram License Membership "
        "ProfessionalDoctorate QualityAssuranceCredential MasterCertificate MasterDegree "
        "MicroCredential ResearchDoctorate SecondarySchoolDiploma",
        True,
    ),
    "AlignmentTargetType": (
        "ceasn:Competency ceterms:Credential CFItem CFRubric CFRubricCriterion "
        "CFRubricCriterionLevel CTDL",
        True,
    ),
    "IdentifierTypeEnum": (IDENTIFIER_TYPES, True),
    "ResultType": (
        "GradePointAverage LetterGrade Percent PerformanceLevel PredictedScore RawScore Result "
        "RubricCriterion RubricCriterionLevel RubricScore ScaledScore Status",
        True,
    ),
    "ResultStatusType": ("Completed Enrolled Failed InProgress OnHold Provisional Withdrew", False),
    "Imsx_CodeMajor": ("failure processing success unsupported", False),
    "Imsx_Severity": ("error status warning", False),
    "Imsx_CodeMinorFieldValue": (
        "forbidden fullsuccess internal_server_error invalid_data invalid_query_parameter "
        "misdirected_request not_acceptable not_allowed not_found not_modified server_busy "
        "unauthorizedrequest unknown",
        False,
    ),
}

_CREDENTIAL_COMMON = """
    @context            string|Map          +
    id                  uri                 1
    type                iri                 +
    name                string              ?
    description         string              ?
    issuer              uri|Profile         1
    validFrom           datetime            1
    validUntil          datetime            ?
    awardedDate         datetime            ?
    proof               Proof               *
    credentialSchema    CredentialSchema    *
    credentialStatus    CredentialStatus    ?
    refreshService      RefreshService      ?
    termsOfUse          TermsOfUse          *
"""

#: name: (description, properties, closed)
CLASSES: dict[str, tuple[str, str, bool]] = {
    "AchievementCredential": (
        "An OpenBadgeCredential: the assertion that a person earned an achievement.",
        _CREDENTIAL_COMMON
        + """
    credentialSubject   AchievementSubject      1
    image               Image                   ?
    endorsement         EndorsementCredential   *
    endorsementJwt      compactjws              *
    evidence            Evidence                *
    """,
        False,
    ),
    "EndorsementCredential": (
        "A third party's endorsement of a profile, an achievement or a credential.",
        _CREDENTIAL_COMMON.replace("name                string              ?", "name string 1")
        + """
    credentialSubject   EndorsementSubject      1
    """,
        False,
    ),
    "AchievementSubject": (
        "The person who earned the achievement, and how.",
        """
    id                  uri                 ?
    type                iri                 +
    achievement         Achievement         1
    identifier          IdentityObject      *
    image               Image               ?
    activityStartDate   datetime            ?
    activityEndDate     datetime            ?
    creditsEarned       number              ?
    licenseNumber       string              ?
    narrative           markdown            ?
    result              Result              *
    role                string              ?
    source              Profile             ?
    term                string              ?
    """,
        False,
    ),
    "EndorsementSubject": (
        "What is endorsed, and the endorser's comment.",
        """
    id                  uri                 1
    type                iri                 +
    endorsementComment  markdown            ?
    """,
        False,
    ),
    "Achievement": (
        "What was achieved: a badge, a competency, a course...",
        """
    id                  uri                     1
    type                iri                     +
    name                string                  1
    description         string                  1
    criteria            Criteria                1
    achievementType     AchievementType         ?
    alignment           Alignment               *
    creator             Profile                 ?
    creditsAvailable    number                  ?
    endorsement         EndorsementCredential   *
    endorsementJwt      compactjws              *
    fieldOfStudy        string                  ?
    humanCode           string                  ?
    image               Image                   ?
    inLanguage          language                ?
    otherIdentifier     IdentifierEntry         *
    related             Related                 *
    resultDescription   ResultDescription       *
    specialization      string                  ?
    tag                 string                  *
    version             string                  ?
    """,
        False,
    ),
    "Profile": (
        "A person or an organisation: an issuer, a creator, an earner.",
        """
    id                  uri                     1
    type                iri                     +
    name                string                  ?
    url                 uri                     ?
    phone               phone                   ?
    description         string                  ?
    endorsement         EndorsementCredential   *
    endorsementJwt      compactjws              *
    image               Image                   ?
    email               email                   ?
    address             Address                 ?
    otherIdentifier     IdentifierEntry         *
    official            string                  ?
    parentOrg           Profile                 ?
    familyName          string                  ?
    givenName           string                  ?
    additionalName      string                  ?
    patronymicName      string                  ?
    honorificPrefix     string                  ?
    honorificSuffix     string                  ?
    familyNamePrefix    string                  ?
    dateOfBirth         date                    ?
    """,
        False,
    ),
    "Address": (
        "A postal address.",
        """
    type                iri                 +
    addressCountry      string              ?
    addressCountryCode  countrycode         ?
    addressRegion       string              ?
    addressLocality     string              ?
    streetAddress       string              ?
    postOfficeBoxNumber string              ?
    postalCode          string              ?
    geo                 GeoCoordinates      ?
    """,
        False,
    ),
    "GeoCoordinates": (
        "A place on Earth.",
        """
    type                string              1
    latitude            number              1
    longitude           number              1
    """,
        False,
    ),
    "Image": (
        "An image, by its address, with a caption.",
        """
    id                  uri                 1
    type                iri                 1
    caption             string              ?
    """,
        True,
    ),
    "Criteria": (
        "What it takes to earn the achievement.",
        """
    id                  uri                 ?
    narrative           markdown            ?
    """,
        False,
    ),
    "Alignment": (
        "A competency, skill or framework entry the achievement aligns to.",
        """
    type                iri                 +
    targetName          string              1
    targetUrl           uri                 1
    targetCode          string              ?
    targetDescription   markdown            ?
    targetFramework     string              ?
    targetType          AlignmentTargetType ?
    """,
        False,
    ),
    "IdentifierEntry": (
        "Another identifier of a profile or an achievement.",
        """
    type                iri                 1
    identifier          string              1
    identifierType      IdentifierTypeEnum  1
    """,
        True,
    ),
    "IdentityObject": (
        "The earner's identity, hashed or not.",
        """
    type                iri                 1
    hashed              boolean             1
    identityHash        string              1
    identityType        IdentifierTypeEnum  1
    salt                string              ?
    """,
        True,
    ),
    "Evidence": (
        "What shows the achievement was earned.",
        """
    id                  uri                 ?
    type                iri                 +
    narrative           markdown            ?
    name                string              ?
    description         string              ?
    genre               string              ?
    audience            string              ?
    """,
        False,
    ),
    "Result": (
        "A result the earner obtained.",
        """
    type                iri                 +
    achievedLevel       uri                 ?
    alignment           Alignment           *
    resultDescription   uri                 ?
    status              ResultStatusType    ?
    value               string              ?
    """,
        False,
    ),
    "ResultDescription": (
        "A kind of result the achievement gives.",
        """
    id                      uri                     1
    type                    iri                     +
    name                    string                  1
    resultType              ResultType              1
    alignment               Alignment               *
    allowedValue            string                  *
    requiredLevel           uri                     ?
    requiredValue           string                  ?
    rubricCriterionLevel    RubricCriterionLevel    *
    valueMax                string                  ?
    valueMin                string                  ?
    """,
        False,
    ),
    "RubricCriterionLevel": (
        "A level of a rubric criterion.",
        """
    id                  uri                 1
    type                iri                 +
    name                string              1
    alignment           Alignment           *
    description         string              ?
    level               string              ?
    points              string              ?
    """,
        False,
    ),
    "Related": (
        "Another version of the achievement (another language...).",
        """
    id                  uri                 1
    type                iri                 +
    inLanguage          language            ?
    version             string              ?
    """,
        False,
    ),
    "Proof": (
        "A proof of the credential (Data Integrity).",
        """
    type                iri                 1
    created             datetime            ?
    cryptosuite         string              ?
    challenge           string              ?
    domain              string              ?
    nonce               string              ?
    proofPurpose        string              ?
    proofValue          string              ?
    verificationMethod  uri                 ?
    """,
        False,
    ),
    "CredentialSchema": (
        "A schema the credential follows.",
        """
    id                  uri                 1
    type                iri                 1
    """,
        False,
    ),
    "CredentialStatus": (
        "Where the credential's status (revoked or not) is published.",
        """
    id                  uri                 1
    type                iri                 1
    """,
        False,
    ),
    "RefreshService": (
        "Where a fresh copy of the credential can be had.",
        """
    id                  uri                 1
    type                iri                 1
    """,
        False,
    ),
    "TermsOfUse": (
        "Terms of use of the credential.",
        """
    id                  uri                 ?
    type                iri                 1
    """,
        False,
    ),
    "Map": ("A JSON-LD context given as an object.", "", False),
    "GetOpenBadgeCredentialsResponse": (
        "A page of the earner's credentials: JSON ones and VC-JWTs.",
        """
    credential          AchievementCredential   *
    compactJwsString    compactjws              *
    """,
        True,
    ),
    "Imsx_StatusInfo": (
        "What went wrong (or right) with a request.",
        """
    imsx_codeMajor      Imsx_CodeMajor      1
    imsx_severity       Imsx_Severity       1
    imsx_description    string              ?
    imsx_codeMinor      Imsx_CodeMinor      ?
    """,
        True,
    ),
    "Imsx_CodeMinor": (
        "The detailed status codes.",
        """
    imsx_codeMinorField Imsx_CodeMinorField +
    """,
        True,
    ),
    "Imsx_CodeMinorField": (
        "One detailed status code.",
        """
    imsx_codeMinorFieldName     string                      1
    imsx_codeMinorFieldValue    Imsx_CodeMinorFieldValue    1
    """,
        True,
    ),
    "ServiceDescriptionDocument": (
        "This document: what the service offers and where to authorize.",
        """
    openapi             string              1
    info                OpenApiInfo         1
    components          OpenApiComponents   1
    """,
        False,
    ),
    "OpenApiInfo": (
        "Who runs the service, on which terms.",
        """
    termsOfService              uri     1
    title                       string  1
    version                     string  1
    x-imssf-image               uri     ?
    x-imssf-privacyPolicyUrl    uri     1
    """,
        False,
    ),
    "OpenApiComponents": (
        "The security schemes of the service.",
        """
    securitySchemes     OpenApiSecuritySchemes  1
    """,
        False,
    ),
    "OpenApiSecuritySchemes": (
        "The OAuth 2.0 authorization code grant.",
        """
    OAuth2ACG           OpenApiOAuth2SecurityScheme ?
    """,
        True,
    ),
    "OpenApiOAuth2SecurityScheme": (
        "An OAuth 2.0 security scheme, with where to register a client.",
        """
    type                        string  1
    description                 string  ?
    x-imssf-registrationUrl     uri     1
    """,
        False,
    ),
}


@dataclass(frozen=True)
class Property:
    name: str
    kind: str
    cardinality: str

    @property
    def required(self) -> bool:
        return self.cardinality in ("1", "+")


def properties(name: str) -> list[Property]:
    """The properties of class ``name``, in the order of its table."""
    found = []
    for line in CLASSES[name][1].splitlines():
        if not line.strip():
            continue
        property_name, kind, cardinality = line.split()
        found.append(Property(property_name, kind, cardinality))
    return found


def _kind_schema(kind: str) -> dict[str, Any]:
    if "|" in kind:
        return {"oneOf": [_kind_schema(part) for part in kind.split("|")]}
    if kind in PRIMITIVES:
        return dict(PRIMITIVES[kind])
    if kind in ENUMERATIONS:
        terms, extensible = ENUMERATIONS[kind]
        closed = {"type": "string", "enum": terms.split()}
        if not extensible:
            return closed
        return {"anyOf": [closed, {"type": "string", "pattern": EXTENSION}]}
    if kind in CLASSES:
        return {"$ref": f"#/components/schemas/{kind}"}
    raise KeyError(f"unknown kind {kind!r}")


def _property_schema(item: Property) -> dict[str, Any]:
    schema = _kind_schema(item.kind)
    if item.cardinality in ("*", "+"):
        return {"type": "array", "minItems": 1 if item.cardinality == "+" else 0, "items": schema}
    return schema


def class_schema(name: str) -> dict[str, Any]:
    description, _table, closed = CLASSES[name]
    items = properties(name)
    schema: dict[str, Any] = {
        "type": "object",
        "description": description,
        "properties": {item.name: _property_schema(item) for item in items},
        "additionalProperties": not closed,
    }
    required = [item.name for item in items if item.required]
    if required:
        schema["required"] = required
    return schema


def schemas() -> dict[str, dict[str, Any]]:
    """The OpenAPI 3.0 component schemas of every class."""
    return {name: class_schema(name) for name in CLASSES}
