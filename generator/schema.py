"""The typed schema of the policy data (stage 2 of the pipeline: validate).

One class per kind of YAML object. Every field is typed and documented; the JSON Schema
published under ``schema/`` is generated from these classes (``inkoopwijzer schema``),
so the schema, the validator and the documentation cannot drift apart.

Conventions:
* identifiers are lowercase kebab-case (``fysiotherapie-intensief``), fact ids snake_case;
* every fact carries a ``cite`` (source document id, section heading, optional URL);
  criteria inside a contract inherit their owner's citation unless they give one;
* kinds are always explicit (``kind: any``), never guessed from which keys are present;
* dates are ISO text (``2023-06-15``) and validated here, so impossible dates are located.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

from . import values as v

# --------------------------------------------------------------------------- basic types

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_iso_date(value: Any) -> Any:
    """Accept ``YYYY-MM-DD`` text only; the loader keeps dates as text on purpose."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"impossible date {value!r}: {exc}") from None


IsoDate = Annotated[
    date,
    BeforeValidator(_parse_iso_date),
    AfterValidator(v.date_in_range),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
]
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=80), AfterValidator(v.not_reserved)]
FactId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=80)]
Text = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(v.multi_line_text)]
ShortText = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(v.one_line_text)]
Url = Annotated[str, Field(pattern=r"^(https://|mailto:)[^\s<>\"']+$", max_length=500), AfterValidator(v.no_control)]
Year = Annotated[int, Field(ge=2000, le=2100)]


def _number(value: Any) -> Any:
    """One clear message for non-numbers (a plain int|float union reports each branch)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got boolean {str(value).lower()}")
    if not isinstance(value, (int, float)):
        raise ValueError(f"expected a number, got {type(value).__name__} {value!r}")
    return value


Number = Annotated[Union[int, float], BeforeValidator(_number), AfterValidator(v.finite_number)]
Time = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Local time HH:MM")]
YearMonth = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM"),
                      AfterValidator(v.month_in_range)]


class Strict(BaseModel):
    """Base: unknown keys are errors, no silent type coercion, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --------------------------------------------------------------------------- citations


class Cite(Strict):
    """Where a fact is stated: a source document and the section heading it sits under."""

    source: Id | None = Field(
        None, description="Id of a source in the sources registry; default: the policy's first source."
    )
    section: ShortText = Field(
        description="Heading path in the source, outermost first, joined by ' > '."
    )
    url: Url | None = Field(None, description="A more specific public URL; default: the source's URL.")
    page: int | None = Field(
        None, ge=1, le=2000,
        description="Page of the source document the fact stands on (the PDF's page number); with the "
                    "source's 'document_url', the 'Bron' link opens the document at that page.",
    )


# --------------------------------------------------------------------------- registries


class Insurer(Strict):
    """An insurer: ``policies/<insurer-id>/index.yaml``."""

    name: ShortText = Field(description="Full name, e.g. 'Coöperatie VGZ'.")
    short_name: ShortText = Field(description="Name used in tables and calendar titles, e.g. 'VGZ'.")
    website: Url = Field(description="The insurer's public page for care providers.")
    description: Text | None = None
    labels: list[ShortText] = Field(default_factory=list, description="Brands/labels insured under it.")


class SourceDocument(Strict):
    """A document facts are taken from (registry ``sources``)."""

    id: Id
    file: ShortText = Field(description="File name of the extracted text under shared/sources/.")
    title: ShortText
    publisher: ShortText = Field(description="Who wrote it: the insurer, or e.g. KNGF for an analysis.")
    insurer: Id = Field(description="Insurer whose policy the document describes.")
    kind: Literal["insurer", "secondary"] = Field(
        description="'insurer': the insurer's own policy; 'secondary': an analysis by a third party."
    )
    url: Url = Field(description="Public page where the insurer publishes this policy.")
    document_url: Url | None = Field(
        None, description="The document's own public address (e.g. its PDF), where it has one; 'Bron' links "
                          "go there (at the cited 'page') instead of to the landing page 'url'. Never guessed.",
    )
    published: IsoDate | None = None
    note: Text | None = None


class CareType(Strict):
    """A care type (zorgsoort), e.g. fysiotherapie."""

    id: Id
    name: ShortText = Field(description="Dutch name, e.g. 'Fysiotherapie'.")
    profession: ShortText | None = Field(None, description="Practitioner, e.g. 'fysiotherapeut'.")
    family: Id = Field(description="Family used to group policies, e.g. 'paramedische-zorg'.")
    description: Text | None = None


class Theme(Strict):
    """A theme used to group criteria in comparisons (registry ``themes``)."""

    id: Id
    label: ShortText
    order: int
    description: Text | None = None


class Region(Strict):
    """A region an insurer names in its criteria."""

    id: Id
    name: ShortText
    kind: Literal["core-region", "region", "sub-region", "working-area"] = "region"
    description: Text | None = None
    parts: list[Id] = Field(default_factory=list, description="Sub-regions it consists of.")


class Register(Strict):
    """A register, network, certificate, label or association that criteria refer to."""

    id: Id
    name: ShortText
    kind: Literal[
        "register", "sub-register", "practice-register", "network", "certificate", "label",
        "association", "quality-system", "portal", "database", "collaboration",
    ]
    organisation: ShortText | None = Field(None, description="Who keeps it, e.g. 'SKF' or 'KNGF'.")
    part_of: Id | None = Field(None, description="Parent register (e.g. a label of a register).")
    term: Id | None = Field(None, description="Glossary term that explains it.")
    url: Url | None = None
    description: Text | None = None


class GlossaryTerm(Strict):
    """A glossary entry; pages link every use of the term here."""

    id: Id
    term: ShortText
    definition: Text = Field(description="Own-words definition in Dutch.")
    aliases: list[ShortText] = Field(default_factory=list, description="Other spellings found in texts.")
    see_also: list[Id] = Field(default_factory=list)
    url: Url | None = None


class EnumOption(Strict):
    value: Id
    label: ShortText


class Derived(Strict):
    """How a fact follows from others, so the checker never asks it twice.

    ``ratio``: numerator / denominator x scale (a percentage of two counts); ``sum`` and
    ``difference``: of the facts in ``of``. Yearly facts derive year by year.
    """

    kind: Literal["ratio", "sum", "difference"]
    numerator: FactId | None = None
    denominator: FactId | None = None
    of: list[FactId] = Field(default_factory=list)
    scale: Number = 1

    @model_validator(mode="after")
    def _operands(self) -> "Derived":
        if self.kind == "ratio" and (self.numerator is None or self.denominator is None or self.of):
            raise ValueError("a ratio needs 'numerator' and 'denominator' (and no 'of')")
        if self.kind != "ratio" and (len(self.of) < 2 or self.numerator or self.denominator):
            raise ValueError(f"a {self.kind} needs at least two facts in 'of'")
        return self


FactSubject = Literal["practice", "every-practitioner", "some-practitioner", "collaboration", "organisation",
                      "location"]


class Fact(Strict):
    """Something a practice can state about itself; criteria test facts.

    Whose fact it is (``subject``), whether it is measured per year (``yearly``: the
    behandelindex over 2022 is another value than the one over 2024), whether it can not
    exist at all (``absent``: no behandelindex with 30 or fewer patients) and whether it
    follows from other facts (``derived``, ``absent_when``) are part of the fact, so the
    checker asks each value once, by name and year, and never asks for what cannot exist.
    """

    id: FactId
    type: Literal["boolean", "integer", "number", "money", "percentage", "enum", "date", "held"] = Field(
        description="'held': a registration or certificate over time, {since, until} or 'absent'.")
    label: ShortText = Field(description="Dutch question or label shown in the checker; names the subject.")
    help: Text | None = Field(None, description="Dutch help text: where to find the answer.")
    unit: ShortText | None = None
    min: Number | None = None
    max: Number | None = None
    options: list[EnumOption] = Field(default_factory=list, description="Allowed values of an enum fact.")
    term: Id | None = Field(None, description="Glossary term explaining the fact.")
    group: ShortText = Field("Algemeen", description="Section of the checker form.")
    care_types: list[Id] = Field(default_factory=list, description="Empty: relevant to all care types.")
    subject: FactSubject = Field("practice", description="Whose fact: the practice, every or some "
                                 "practitioner, the collaboration, the organisation, a location.")
    yearly: bool = Field(False, description="Measured per year: profiles give {year: value}; criteria name the year.")
    absent: ShortText | None = Field(None, description="Dutch wording of 'this does not exist' for the "
                                     "practice; then a profile may answer 'absent'.")
    absent_when: "Criterion | None" = Field(None, description="Absence that follows from other facts "
                                            "(same year for yearly facts).")
    derived: Derived | None = None
    at_most: FactId | None = Field(None, description="Consistency: this value never exceeds that fact's.")

    @model_validator(mode="after")
    def _options_match_type(self) -> "Fact":
        if self.type == "enum" and not self.options:
            raise ValueError("an enum fact needs 'options'")
        if self.type != "enum" and self.options:
            raise ValueError("only enum facts take 'options'")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        if self.absent_when is not None and self.absent is None:
            raise ValueError("'absent_when' needs 'absent' (the wording of the absent state)")
        return self


# --------------------------------------------------------------------------- criteria


class _CriterionBase(Strict):
    id: Id | None = Field(None, description="Anchor for links and 'what would it take' answers.")
    label: Text | None = Field(None, description="Dutch wording in own words; generated if absent.")
    theme: Id | None = Field(None, description="Theme for comparisons; inherited from the parent.")
    note: Id | None = Field(None, description="Id of a source note about this criterion.")
    binding: Literal["hard", "guideline"] = Field(
        "hard", description="'guideline': weighed by the insurer, not a hard threshold; at best unknown.")
    cite: Cite | None = None


class AllOf(_CriterionBase):
    """Met when every part is met (Kleene AND)."""

    kind: Literal["all"]
    of: list["Criterion"] = Field(min_length=1)
    incomplete: bool = Field(False, description="The source breaks the list off or says 'onder andere': "
                             "at best unknown.")


class AnyOf(_CriterionBase):
    """Met when at least one part is met (Kleene OR)."""

    kind: Literal["any"]
    of: list["Criterion"] = Field(min_length=1)
    incomplete: bool = Field(False, description="More options may exist than the source lists: never not-met.")


class NotOf(_CriterionBase):
    """Met when the part is not met."""

    kind: Literal["not"]
    of: "Criterion"


Op = Literal["lt", "le", "gt", "ge", "eq", "ne"]


class Compare(_CriterionBase):
    """A numeric fact compared with a published value."""

    kind: Literal["compare"]
    fact: FactId
    year: Year | None = Field(None, description="Measurement year, for a yearly fact.")
    year_offset: int | None = Field(None, ge=-10, le=10, description="Only inside a fact's 'absent_when': "
                                    "the measurement year relative to that fact's own (-1: the year before).")
    op: Op
    value: Number | None = Field(description="The threshold; null = the insurer has not published it yet.")
    published_by: IsoDate | None = Field(None, description="Date by which the insurer promises the value.")


class Range(_CriterionBase):
    """A numeric fact inside a range (either bound may be open)."""

    kind: Literal["range"]
    fact: FactId
    year: Year | None = Field(None, description="Measurement year, for a yearly fact.")
    year_offset: int | None = Field(None, ge=-10, le=10, description="Only inside a fact's 'absent_when': "
                                    "the measurement year relative to that fact's own (-1: the year before).")
    min: Number | None = None
    max: Number | None = None
    min_inclusive: bool = True
    max_inclusive: bool = True

    @model_validator(mode="after")
    def _bounds(self) -> "Range":
        if self.min is None and self.max is None:
            raise ValueError("a range needs 'min', 'max' or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"range ends before it starts (min {self.min} > max {self.max})")
        return self


class Quantile(_CriterionBase):
    """A fact compared with a percentile/decile of a national distribution.

    The threshold value may be unpublished (``value: null``): the practice can then still
    be judged by its own position (``position_fact``, as a percentile 0-100) if known.
    """

    kind: Literal["quantile"]
    fact: FactId = Field(description="The raw value, e.g. behandelindex.")
    position_fact: FactId = Field(description="The practice's position as a percentile (0-100).")
    year: Year | None = Field(None, description="Measurement year of both facts, when they are yearly.")
    op: Literal["lt", "le", "gt", "ge"]
    unit: Literal["percentile", "decile"]
    rank: int = Field(ge=1, le=99)
    value: Number | None = Field(None, description="Threshold value once published; null = not known yet.")
    reference: ShortText = Field(description="Which distribution, e.g. 'landelijke behandelindex 2024 (Vektis)'.")
    published_by: IsoDate | None = Field(None, description="Date by which the insurer promises the value.")

    @model_validator(mode="after")
    def _rank_in_unit(self) -> "Quantile":
        if self.unit == "decile" and self.rank > 9:
            raise ValueError(f"decile rank must be 1-9, not {self.rank}")
        return self


class IsTrue(_CriterionBase):
    """A yes/no fact has the required answer."""

    kind: Literal["is"]
    fact: FactId
    year: Year | None = Field(None, description="Measurement year, for a yearly fact.")
    year_offset: int | None = Field(None, ge=-10, le=10, description="Only inside a fact's 'absent_when': "
                                    "the measurement year relative to that fact's own (-1: the year before).")
    value: bool = True


class InSet(_CriterionBase):
    """An enum fact has one of the listed values."""

    kind: Literal["in"]
    fact: FactId
    year: Year | None = Field(None, description="Measurement year, for a yearly fact.")
    year_offset: int | None = Field(None, ge=-10, le=10, description="Only inside a fact's 'absent_when': "
                                    "the measurement year relative to that fact's own (-1: the year before).")
    values: list[Id] = Field(min_length=1)


class Registered(_CriterionBase):
    """Registration in / membership of a register, network, certificate or label."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_alias=True, validate_by_name=False)

    kind: Literal["registered"]
    # YAML key ``register``; the attribute is renamed because ``register`` is a method of
    # every pydantic model's metaclass.
    register_id: Id = Field(alias="register", description="Id of a register, network, certificate or label.")
    fact: FactId = Field(description="Boolean fact that states the registration.")
    scope: Literal["practice", "all-practitioners", "some-practitioner", "organisation"] = "practice"


class InRegion(_CriterionBase):
    """The practice is located in one of the regions."""

    kind: Literal["region"]
    fact: FactId = Field(description="Enum fact holding the practice's region.")
    regions: list[Id] = Field(min_length=1)


class DateCompare(_CriterionBase):
    """A date fact compared with a fixed date."""

    kind: Literal["date"]
    fact: FactId
    op: Op
    value: IsoDate


class HasContract(_CriterionBase):
    """Depends on another contract of the same policy (any of the listed ones).

    A reference is ``contract-id`` or ``contract-id/tier-id``. The engine evaluates the
    referenced contract rather than assuming it.
    """

    kind: Literal["contract"]
    contracts: list[Annotated[str, Field(pattern=r"^[a-z0-9-]+(/[a-z0-9-]+)?$")]] = Field(min_length=1)


class Absent(_CriterionBase):
    """Met when the fact does not exist for the practice (no behandelindex: 30 or fewer patients)."""

    kind: Literal["absent"]
    fact: FactId
    year: Year | None = Field(None, description="Measurement year, for a yearly fact.")
    year_offset: int | None = Field(None, ge=-10, le=10, description="Only inside a fact's 'absent_when': "
                                    "the measurement year relative to that fact's own (-1: the year before).")


class Held(_CriterionBase):
    """A registration or certificate (a 'held' fact) is held on a date (a peilmoment)."""

    kind: Literal["held"]
    fact: FactId
    on: IsoDate


class ContractYear(_CriterionBase):
    """Met when the verdict is for one of these contract years (multi-year policies)."""

    kind: Literal["contract-year"]
    years: list[Year] = Field(min_length=1)


class ForCareType(_CriterionBase):
    """A condition that applies only to practices of these care types; others: met."""

    kind: Literal["care-type"]
    care_types: list[Id] = Field(min_length=1)
    of: "Criterion"


Criterion = Annotated[
    Union[AllOf, AnyOf, NotOf, Compare, Range, Quantile, IsTrue, InSet, Registered, InRegion,
          DateCompare, HasContract, Absent, Held, ContractYear, ForCareType],
    Field(discriminator="kind"),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()
ForCareType.model_rebuild()
Fact.model_rebuild()

# --------------------------------------------------------------------------- policy parts


class Term(Strict):
    """Running period (looptijd) of a contract, in contract years."""

    start: Year
    end: Year | Literal["unknown"] | None = Field(
        None, description="Last contract year; null = open-ended (doorlopend); 'unknown' = not stated.")
    end_date: IsoDate | None = Field(None, description="Exact end date where the source gives one.")
    note: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "Term":
        if isinstance(self.end, int) and self.end < self.start:
            raise ValueError(f"term ends before it starts ({self.end} < {self.start})")
        return self

    def covers(self, year: int) -> bool:
        """Whether the contract runs in ``year`` (an unknown end is taken as still running)."""
        return self.start <= year and (not isinstance(self.end, int) or year <= self.end)


class Tier(Strict):
    """A tariff group / contract variant, listed best first inside its contract."""

    id: Id
    name: ShortText
    criterion: Criterion | None = Field(None, description="Extra conditions on top of the contract's; null = none.")
    tariff: Text | None = Field(None, description="What the tier pays, in words.")
    description: Text | None = None
    cite: Cite


class Cap(Strict):
    """A rule that constrains several tiers at once: "with X at most tier C", "above 150 no
    contract at all". Encoded once; the engine adds ``not criterion`` to every better tier."""

    id: Id
    criterion: Criterion
    at_most: Id = Field(description="Best tier still possible when the criterion holds; 'none': no contract.")
    label: Text | None = None
    note: Id | None = None
    cite: Cite


class Contract(Strict):
    """A contract (overeenkomst), module, addendum or extra arrangement."""

    id: Id
    name: ShortText
    kind: Literal["contract", "module", "addendum", "arrangement"]
    care_types: list[Id] = Field(min_length=1)
    description: Text | None = None
    term: Term | None = None
    negotiable: bool | None = Field(None, description="Whether the offer can be negotiated.")
    procurement: Text | None = Field(None, description="How it is procured this year, in words.")
    criterion: Criterion | None = Field(
        None, description="Entry conditions beyond the policy's requirements, incl. dependencies."
    )
    tiers: list[Tier] = Field(default_factory=list, description="Tariff groups, best first.")
    exhaustive: bool = Field(False, description="Every practice meeting the contract's conditions gets one "
                             "of its tiers: the contract is eligible even while the tier is unknown.")
    caps: list[Cap] = Field(default_factory=list, description="Rules that limit the best reachable tier.")
    incomplete: bool = Field(False, description="The source cuts the condition list off: at best unknown.")
    introduced_by: Id | None = Field(None, description="Amendment that added this contract.")
    tariff: Text | None = None
    theme: Id | None = None
    cite: Cite


class Requirement(Strict):
    """A minimum requirement (minimumeis / basisvoorwaarde) for one or more contracts."""

    id: Id
    title: ShortText
    text: Text | None = None
    applies_to: list[Id] = Field(min_length=1, description="Contract ids, or the single word 'all'.")
    theme: Id
    criterion: Criterion
    consequence: Literal["contract", "care", "tariff", "none"] = Field(
        "contract", description="Not met: no contract; a part of the care is not approved or declarable; "
        "another tariff; or nothing (an expectation or request).")
    consequence_text: Text | None = Field(None, description="What exactly happens when it is not met, in Dutch.")
    introduced_by: Id | None = Field(None, description="Amendment that added this requirement.")
    cite: Cite

    @model_validator(mode="after")
    def _consequence_explained(self) -> "Requirement":
        if self.consequence in ("care", "tariff") and not self.consequence_text:
            raise ValueError(f"consequence '{self.consequence}' needs a 'consequence_text' saying what happens")
        return self


class SelectiveRule(Strict):
    """Selective procurement: a condition treated only by providers meeting a requirement."""

    id: Id
    condition: ShortText = Field(description="Condition or treatment, e.g. 'Ziekte van Parkinson'.")
    care_types: list[Id] = Field(min_length=1)
    requirement: Criterion
    via: Id | list[Id] | None = Field(
        None, description="Contract(s)/module/addendum through which it is bought; a list: any of them "
        "(the one for the practice's care type).")
    text: Text | None = None
    cite: Cite


class WhenDate(Strict):
    kind: Literal["date"]
    date: IsoDate
    time: Time | None = None
    bound: Literal["on", "by", "before"] = Field(
        "on", description="'by': uiterlijk (on or before); 'before': vóór (strictly before); 'on': that day.")


class WhenRange(Strict):
    kind: Literal["range"]
    start: IsoDate
    end: IsoDate | None = Field(None, description="Null: open-ended ('vanaf ...').")
    start_time: Time | None = None
    end_time: Time | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "WhenRange":
        if self.end is not None and self.end < self.start:
            raise ValueError(f"range ends before it starts ({self.end} < {self.start})")
        return self


class WhenMonth(Strict):
    kind: Literal["month"]
    month: YearMonth
    by: bool = False


class WhenYear(Strict):
    kind: Literal["year"]
    year: Year
    span: Literal["whole-year", "some-time"] = Field(
        "whole-year", description="'whole-year': gedurende heel het jaar; 'some-time': ergens in het jaar.")


class Offset(Strict):
    months: int = Field(0, ge=-36, le=36)
    days: int = Field(0, ge=-366, le=366)


class WhenRelative(Strict):
    """A moment relative to a date the practice chooses ("één maand vóór de gewenste startdatum")."""

    kind: Literal["relative"]
    anchor: Id = Field(description="The practice's own date it counts from, e.g. 'start-date', 'end-date', "
                       "'acceptance'; the checker asks it by its label.")
    anchor_label: ShortText = Field(description="Dutch name of the anchor, e.g. 'gewenste ingangsdatum'.")
    offset: Offset
    bound: Literal["on", "by", "before"] = "by"


class WhenRecurring(Strict):
    """A recurring moment ("elk kwartaal"), from ``start`` until ``end`` (or open-ended)."""

    kind: Literal["recurring"]
    every: Literal["month", "quarter", "year"]
    start: IsoDate
    end: IsoDate | None = None
    bound: Literal["on", "by", "before"] = "by"

    @model_validator(mode="after")
    def _ordered(self) -> "WhenRecurring":
        if self.end is not None and self.end < self.start:
            raise ValueError(f"recurrence ends before it starts ({self.end} < {self.start})")
        return self


When = Annotated[Union[WhenDate, WhenRange, WhenMonth, WhenYear, WhenRelative, WhenRecurring],
                 Field(discriminator="kind")]

Channel = Literal["vecozo", "email", "website-form", "website", "letter", "zorgzoeker", "news"]
Audience = Literal["contracted", "new", "collaborations", "all", "insured"]


class Deadline(Strict):
    """A dated step in the procurement planning, incl. dates stated in running text."""

    id: Id
    action: ShortText = Field(description="What happens, in Dutch, own words.")
    actor: Literal["insurer", "provider", "both"]
    channel: list[Channel] = Field(default_factory=list)
    audience: list[Audience] = Field(min_length=1)
    contract_year: Year
    when: When
    timezone: Literal["Europe/Amsterdam"] = "Europe/Amsterdam"
    applies_to: list[Id] = Field(default_factory=list, description="Contract ids; empty = the policy.")
    introduced_by: Id | None = Field(None, description="Amendment that added this deadline.")
    amended_by: Id | None = Field(None, description="Amendment that moved this deadline.")
    previous: list[When] = Field(default_factory=list, description="Earlier values, oldest first.")
    note: Id | None = None
    cite: Cite


class Change(Strict):
    """A change against the previous policy year, as the source lists it."""

    id: Id
    subject: ShortText
    before: Text | None = None
    after: Text | None = None
    from_year: Year
    to_year: Year
    refs: list[Id] = Field(default_factory=list, description="Ids of items it concerns.")
    cite: Cite


class AmendedValue(Strict):
    subject: ShortText
    before: Text | None = None
    after: Text


class Amendment(Strict):
    """A dated amendment (wijziging/aanvulling) that supersedes earlier values."""

    id: Id
    date: IsoDate
    title: ShortText
    summary: Text
    changes: list[AmendedValue] = Field(default_factory=list)
    cite: Cite


class TariffFact(Strict):
    """A tariff or indexation fact."""

    id: Id
    subject: ShortText
    value: Number | None = None
    unit: Literal["percent", "eur", "text"] = "text"
    text: Text | None = None
    contract_year: Year | None = None
    applies_to: list[Id] = Field(default_factory=list)
    amended_by: Id | None = None
    previous_value: Number | None = None
    cite: Cite


class OpenQuestion(Strict):
    """Something the source itself says is not known yet."""

    id: Id
    question: ShortText
    text: Text | None = None
    expected_by: IsoDate | None = None
    refs: list[Id] = Field(default_factory=list)
    answered_by: Id | None = Field(None, description="Amendment that answered the question.")
    answer: Text | None = Field(None, description="The answer, in Dutch, when answered.")
    cite: Cite

    @model_validator(mode="after")
    def _answered(self) -> "OpenQuestion":
        if (self.answered_by is None) != (self.answer is None):
            raise ValueError("'answered_by' and 'answer' go together")
        return self


class SourceNote(Strict):
    """A place where the source contradicts itself or is ambiguous, or two sources disagree;
    the source's value is kept, and the note reaches every verdict that rests on it."""

    id: Id
    kind: Literal["inconsistency", "ambiguity", "typo", "omission", "conflict"]
    text: Text = Field(description="What is wrong, in own words.")
    kept: Text = Field(description="Which value the data keeps, and why.")
    refs: list[Id] = Field(default_factory=list)
    sources: list[Id] = Field(default_factory=list, description="For a conflict: the sources that disagree.")
    when: Criterion | None = Field(None, description="The note matters for a verdict only when this holds "
                                   "(e.g. a value exactly on a boundary named on both sides).")
    cite: Cite

    @model_validator(mode="after")
    def _conflict_sources(self) -> "SourceNote":
        if self.kind == "conflict" and len(set(self.sources)) < 2:
            raise ValueError("a conflict names the two sources that disagree in 'sources'")
        return self


class Clause(Strict):
    """A general provision that is no condition a practice can meet: general purchasing terms,
    a right the insurer reserves (to refuse, to amend, to contract more providers), the
    control plan, "no tendering". Shown on the policy page and beside every verdict."""

    id: Id
    kind: Literal["general-terms", "reserved-right", "no-tendering", "control-plan", "discretion", "other"]
    title: ShortText
    text: Text
    applies_to: list[Id] = Field(default_factory=lambda: ["all"], description="Contract ids, or 'all'.")
    url: Url | None = None
    cite: Cite


class NotEncoded(Strict):
    """A deliberate omission for the source-coverage check: a date or number in the source that
    no item encodes on purpose (a page footer, an example figure, another insurer's date)."""

    text: ShortText = Field(description="A fragment of the source line, as written there.")
    reason: ShortText = Field(description="Why it is not encoded, in Dutch.")
    source: Id | None = Field(None, description="Source id; default: the policy's first source.")


class Continuation(Strict):
    """Contracts of an earlier policy that keep running into this policy's years."""

    policy: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")] = Field(
        description="'<insurer>/<file stem>' of the earlier policy (same insurer).")
    contracts: list[Id] = Field(min_length=1)


class Definition(Strict):
    """The insurer's own definition of a registry term, shown on this policy's pages."""

    term: Id = Field(description="Glossary term id.")
    definition: Text
    cite: Cite


class Period(Strict):
    start: Year
    end: Year

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.end < self.start:
            raise ValueError(f"period ends before it starts ({self.end} < {self.start})")
        return self


class Policy(Strict):
    """One policy: insurer x care-type family x period, ``policies/<insurer>/<name>.yaml``.

    The insurer and the policy id come from the file's path, never from its content.
    """

    title: ShortText
    family: Id = Field(description="Care-type family, e.g. 'paramedische-zorg'.")
    care_types: list[Id] = Field(min_length=1)
    contract_years: list[Year] = Field(min_length=1)
    period: Period
    published: IsoDate | None = None
    provenance: Literal["insurer", "secondary"]
    completeness: Literal["full", "partial"]
    completeness_note: Text | None = Field(None, description="Required when partial: what is missing.")
    sources: list[Id] = Field(min_length=1, description="Source ids; the first is the default for cites.")
    summary: Text | None = None
    cite: Cite
    requirements: list[Requirement] = Field(default_factory=list)
    contracts: list[Contract] = Field(default_factory=list)
    selective_procurement: list[SelectiveRule] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    amendments: list[Amendment] = Field(default_factory=list)
    tariffs: list[TariffFact] = Field(default_factory=list)
    open_questions: list[OpenQuestion] = Field(default_factory=list)
    source_notes: list[SourceNote] = Field(default_factory=list)
    continues: list[Continuation] = Field(default_factory=list)
    definitions: list[Definition] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    not_encoded: list[NotEncoded] = Field(default_factory=list, description="Deliberate omissions, for "
                                          "'inkoopwijzer coverage'.")

    @model_validator(mode="after")
    def _partial_needs_note(self) -> "Policy":
        if self.completeness == "partial" and not self.completeness_note:
            raise ValueError("a partial policy needs a 'completeness_note'")
        return self


REGISTRIES: dict[str, type[Strict]] = {
    "sources": SourceDocument,
    "care-types": CareType,
    "themes": Theme,
    "regions": Region,
    "registers": Register,
    "glossary": GlossaryTerm,
    "facts": Fact,
}
