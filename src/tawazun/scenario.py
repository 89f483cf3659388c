"""The scenario: issues, actors and their stances, with the evidence behind every number.

A scenario is the one input every model takes. It is a pydantic model, so a scenario built
in Python is checked exactly like one read from a file; :mod:`tawazun.io` adds file names
and line or row numbers to the problems it finds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from tawazun.i18n import _

if TYPE_CHECKING:
    import pandas as pd

    from tawazun.arrays import ScenarioArrays
    from tawazun.result import Result

#: Fields of an actor or a stance that are numbers an analyst must be able to justify.
SOURCED_ACTOR_FIELDS = ("capability",)
SOURCED_STANCE_FIELDS = ("position", "salience", "risk")

Location = tuple[str | int, ...]

#: The largest magnitude a number of a scenario may have. Sums of products of such numbers
#: over many actors stay far from overflow, so every forecast is a finite number.
MAX_MAGNITUDE = 1e15

# Arabic-Indic (U+0660..) and Persian (U+06F0..) digits, the Arabic decimal separator and
# the minus sign read as their ASCII counterparts.
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
        "\u066b": ".",
        "\u2212": "-",
    }
)
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", re.ASCII)


def parse_number(text: str) -> float:
    """A number written as an analyst writes it, in ASCII, Arabic-Indic or Persian digits.

    ``٥٠``, ``۵۰`` and ``50`` are 50; ``٠٫٥`` is 0.5. Digit group separators (``5_0``,
    ``5,000``), words, percentages and non-finite values are refused, so no text is read as
    a number its author did not write.

    Raises
    ------
    ValueError
        With a message saying why the text is not a number.
    """
    stripped = text.strip()
    ascii_text = stripped.translate(_DIGITS)
    if not _NUMBER.fullmatch(ascii_text):
        if stripped.lower().lstrip("+-") in ("inf", "infinity", "nan", ".inf", ".nan"):
            raise ValueError(_("not a finite number"))
        if "," in stripped or "\u060c" in stripped:
            raise ValueError(
                _(
                    "not a number: a comma is neither a decimal point nor a digit separator here; "
                    "write 0.5 or 5000"
                )
            )
        if "_" in stripped or "\u066c" in stripped or " " in stripped:
            raise ValueError(_("not a number: write it without digit separators"))
        raise ValueError(_("not a number"))
    value = float(ascii_text)
    if not math.isfinite(value):
        raise ValueError(_("a number too large to compute with"))
    return value


def shorten(text: str, width: int = 40) -> str:
    """Text cut to about ``width`` characters for a message, saying how long it was."""
    if len(text) <= width:
        return text
    return f"{text[: width // 2]}...{text[-8:]} ({len(text)} characters)"


def _to_number(value: Any) -> Any:
    """Text to a number (see :func:`parse_number`); booleans refused; huge integers named."""
    if isinstance(value, bool):
        raise ValueError(_("{value} is true/false, not a number").format(value=value))
    if isinstance(value, str):
        return parse_number(value)
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            raise ValueError(_("a number too large to compute with")) from None
    return value


def _bounded(value: float) -> float:
    if abs(value) > MAX_MAGNITUDE:
        raise ValueError(
            _("{value:g} is beyond the largest magnitude tawazun reads ({top:g})").format(
                value=value, top=MAX_MAGNITUDE
            )
        )
    return value + 0.0  # -0.0 reads as 0.0


#: A finite number of moderate magnitude, from a number or from text in any digits.
Number = Annotated[float, BeforeValidator(_to_number), AfterValidator(_bounded)]


def _to_whole(value: Any) -> Any:
    number = _to_number(value)
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


#: A whole number, from a number or text in any digits.
WholeNumber = Annotated[int, BeforeValidator(_to_whole)]

# Characters no id may hold: controls, format characters (zero-width, bidi controls),
# surrogates, private use, unassigned, line and paragraph separators, spaces other than
# U+0020 (a no-break space looks like a space).
_REFUSED_IN_IDS = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})
# Characters no text may hold: controls (category Cc, which Unicode keeps to these 65 code
# points) other than tab and line feed (terminal escapes); a search, not a loop over every
# character of every rationale.
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _character_name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, '')}".strip()


def _clean_id(value: Any) -> Any:
    """An id in Unicode NFC, refused when it holds an invisible or control character."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value.strip())
    for char in text:
        if char != " " and unicodedata.category(char) in _REFUSED_IN_IDS:
            raise ValueError(
                _("the id holds the invisible or control character {char}; retype it").format(
                    char=_character_name(char)
                )
            )
    return text


def _clean_text(value: Any) -> Any:
    """Text in Unicode NFC without surrounding blanks, its line breaks ``\\n``, refused when
    it holds a control character (other than tab and line breaks)."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value.strip()).replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL_IN_TEXT.search(text)
    if control is not None:
        raise ValueError(
            _("the text holds the control character {char}; remove it").format(
                char=_character_name(control.group())
            )
        )
    return text


#: The id of an issue, actor, band, event or space.
Id = Annotated[str, BeforeValidator(_clean_id), Field(min_length=1)]
#: Text written by the analyst: a name, a rationale, a note.
Words = Annotated[str, BeforeValidator(_clean_text)]


def lookalike_key(identifier: str) -> str:
    """What an id looks like: ids with the same key read the same (NFKC folds Arabic
    presentation forms, full-width letters and ligatures into their plain letters)."""
    return unicodedata.normalize("NFKC", identifier)


class UnknownName(KeyError):
    """A name (of an issue, an actor, a model, a band...) that is not there.

    Its message lists the names there are; the command line prints it as a usage error.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class SemanticError(Exception):
    """Problems found across fields (unknown ids, values off the scale...).

    Each problem is ``(location, message)`` where ``location`` is the path of the offending
    value in the scenario's native structure, as pydantic reports paths.
    """

    def __init__(self, problems: list[tuple[Location, str]]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Text(_Strict):
    """A name or label in English and Arabic."""

    en: Words = Field(min_length=1)
    ar: Words = ""

    def __str__(self) -> str:
        return self.en


class Quote(_Strict):
    """A passage of an article, located so that ``text[start:end]`` gives it back.

    ``start`` and ``end`` are character offsets into the article's text as
    :func:`tawazun.draft.read_article` reads it (the file itself for plain text);
    ``paragraph`` counts from 1.
    """

    article: Words = Field(min_length=1)
    paragraph: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    #: the article's characters as they are (not normalised, so that the offsets hold)
    text: str = Field(min_length=1)

    @model_validator(mode="after")
    def _span_fits(self) -> Quote:
        if self.end - self.start != len(self.text):
            raise ValueError(
                _(
                    "offsets {start}..{end} span {span} characters but the quote has {length}"
                ).format(
                    start=self.start,
                    end=self.end,
                    span=self.end - self.start,
                    length=len(self.text),
                )
            )
        return self


class Evidence(_Strict):
    """Why a number has the value it has: a short rationale and the sources it rests on.

    ``draft`` marks a value suggested by ``tawazun draft`` and not yet confirmed by an
    analyst (``validate`` warns about each); ``quotes`` locates the passages behind it.
    """

    rationale: Words = ""
    sources: list[Words] = Field(default_factory=list)
    draft: bool = False
    quotes: list[Quote] = Field(default_factory=list)


def _split_sourced(data: Any, fields: tuple[str, ...]) -> Any:
    """Accept ``field: {value, rationale, sources}`` and move the evidence aside.

    Analysts write the reason next to the number; the model keeps numbers as plain floats
    and their evidence in ``evidence[field]``.
    """
    if not isinstance(data, dict):
        return data
    data = dict(data)
    evidence = dict(data.get("evidence") or {})
    for name in fields:
        value = data.get(name)
        if isinstance(value, dict) and "value" in value:
            rest = {k: v for k, v in value.items() if k != "value"}
            data[name] = value["value"]
            if rest:
                evidence[name] = rest
    if evidence:
        data["evidence"] = evidence
    return data


def _distinct_keys(mapping: dict[Any, Any], what: str) -> None:
    """Refuse keys that become the same id once normalised (NFC vs NFD, lookalikes)."""
    seen: dict[str, Any] = {}
    for key in mapping:
        if not isinstance(key, str):
            continue
        folded = lookalike_key(_clean_id(key) if _is_clean_id(key) else key)
        if folded in seen:
            raise ValueError(
                _(
                    "{what}: the keys {first!r} and {second!r} are the same once Unicode-"
                    "normalised; give one"
                ).format(what=what, first=seen[folded], second=key)
            )
        seen[folded] = key


def _is_clean_id(key: str) -> bool:
    try:
        _clean_id(key)
    except ValueError:
        return False
    return True


class Scale(_Strict):
    """The numeric range of an issue."""

    min: Number = 0.0
    max: Number = 100.0

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not self.min < self.max:
            raise ValueError(f"scale min ({self.min:g}) must be below max ({self.max:g})")
        return self

    @property
    def width(self) -> float:
        return self.max - self.min


class Band(_Strict):
    """A part of an issue's scale and the outcome it stands for (``lower <= x <= upper``)."""

    id: Id
    lower: Number
    upper: Number
    label: Text

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.lower > self.upper:
            raise ValueError(f"band lower ({self.lower:g}) is above upper ({self.upper:g})")
        return self


class Point(_Strict):
    """A labelled point of an issue's scale."""

    value: Number
    label: Text


class Issue(_Strict):
    """One question under negotiation, measured on a scale whose parts are labelled."""

    id: Id
    name: Text
    scale: Scale = Field(default_factory=Scale)
    bands: list[Band] = Field(default_factory=list)
    band_gaps: bool = Field(
        default=False,
        description="Whether the bands may leave parts of the scale uncovered (gaps).",
    )
    points: list[Point] = Field(default_factory=list)
    status_quo: Number | None = None
    space: Id | None = Field(
        default=None,
        description="Issues sharing a space form one multi-dimensional policy space.",
    )
    evidence: dict[str, Evidence] = Field(default_factory=dict)

    def band(self, band_id: str) -> Band:
        """The band called ``band_id``; an ``UnknownName`` lists the bands there are."""
        for band in self.bands:
            if band.id == band_id:
                return band
        raise UnknownName(
            _("issue {issue} has no band {band}; bands are {bands}").format(
                issue=repr(self.id), band=repr(band_id), bands=[b.id for b in self.bands]
            )
        )

    def band_of(self, value: float) -> Band | None:
        """The band a value falls in; on a shared edge the band that starts there wins."""
        found = None
        for band in self.bands:
            if band.lower <= value <= band.upper:
                found = band
                if value < band.upper:
                    return band
        return found


#: The attributes whose uncertainty a scenario can state, and which events can change.
UncertainField = Literal["position", "salience", "capability"]
Distribution = Literal["uniform", "triangular", "normal", "fixed"]


class Spread(_Strict):
    """How uncertain one number is: the values it may take, and how likely each is.

    ``uniform`` and ``triangular`` need ``low`` and ``high`` (the stated value is the
    triangle's peak); ``normal`` needs ``sd`` and is centred on the stated value; ``fixed``
    says the value is known. Draws are always truncated to what the field allows (the
    issue's scale, 0 to the salience scale, a capability of at least 0), see
    ``docs/analysis.md``.
    """

    distribution: Distribution = "triangular"
    low: Number | None = None
    high: Number | None = None
    sd: Number | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _complete(self) -> Spread:
        if self.distribution in ("uniform", "triangular") and (
            self.low is None or self.high is None
        ):
            raise ValueError(f"a {self.distribution} spread needs low and high")
        if self.distribution == "normal" and self.sd is None:
            raise ValueError("a normal spread needs sd")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low:g}) is above high ({self.high:g})")
        return self

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies within the stated ``low``..``high`` (when stated)."""
        return (self.low is None or self.low <= value) and (self.high is None or value <= self.high)


class DefaultSpread(_Strict):
    """The uncertainty of every value of one field that states none.

    ``spread`` is a half-width (uniform, triangular) or a standard deviation (normal): a
    share of the issue's scale for positions, of the salience scale for saliences, and of
    the actor's own capability for capabilities.
    """

    distribution: Distribution = "triangular"
    spread: Number = Field(ge=0)


class UncertaintyDefaults(_Strict):
    """Scenario-wide uncertainty for values without their own (see ``docs/analysis.md``)."""

    position: DefaultSpread = Field(default_factory=lambda: DefaultSpread(spread=0.10))
    salience: DefaultSpread = Field(default_factory=lambda: DefaultSpread(spread=0.10))
    capability: DefaultSpread = Field(default_factory=lambda: DefaultSpread(spread=0.20))


def _spreads_contain(owner: Any, spreads: dict[str, Spread]) -> None:
    for name, spread in spreads.items():
        value = getattr(owner, name)
        if value is not None and not spread.contains(value):
            raise ValueError(
                f"uncertainty.{name}: the range {spread.low}..{spread.high} does not contain "
                f"the {name} {value:g}"
            )


class Stance(_Strict):
    """An actor's position on an issue, how much it cares, and its risk attitude."""

    position: Number
    salience: Number = Field(ge=0)
    risk: Number | None = None
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    uncertainty: dict[Literal["position", "salience"], Spread] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _sourced(cls, data: Any) -> Any:
        return _split_sourced(data, SOURCED_STANCE_FIELDS)

    @model_validator(mode="after")
    def _uncertainty_contains_value(self) -> Stance:
        _spreads_contain(self, self.uncertainty)
        return self


class Actor(_Strict):
    """A stakeholder at the table."""

    id: Id
    name: Text
    group: Words | None = None
    capability: Number | None = Field(
        ge=0,
        description="null only in a draft (draft: true): left to the analyst; models refuse it.",
    )
    stances: dict[Id, Stance] = Field(default_factory=dict)
    notes: Words = ""
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    uncertainty: dict[Literal["capability"], Spread] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _sourced(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("stances"), dict):
            _distinct_keys(data["stances"], "stances")
        return _split_sourced(data, SOURCED_ACTOR_FIELDS)

    @model_validator(mode="after")
    def _uncertainty_contains_value(self) -> Actor:
        if self.capability is None:
            evidence = self.evidence.get("capability")
            if evidence is None or not evidence.draft:
                raise ValueError(
                    _("capability: a number is required (null only in a draft, with draft: true)")
                )
        _spreads_contain(self, self.uncertainty)
        return self


class Change(_Strict):
    """What an event does to one attribute of one actor: ``set``, ``multiply`` or ``add``.

    ``issue`` names the issue of a position or salience change; without it the change
    applies to every issue the actor has a stance on. Capability changes take no issue.
    Results that leave the field's allowed range are clipped to it.
    """

    actor: Id
    issue: Id | None = None
    field: UncertainField
    set: Number | None = None
    multiply: Number | None = Field(default=None, ge=0)
    add: Number | None = None

    @model_validator(mode="after")
    def _one_operation(self) -> Change:
        given = [name for name in ("set", "multiply", "add") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"a change needs exactly one of set, multiply, add (got {given})")
        if self.field == "capability" and self.issue is not None:
            raise ValueError("a capability change applies to the actor, not to an issue")
        return self

    def apply(self, value: float) -> float:
        """The new value, before clipping to the field's range."""
        if self.set is not None:
            return self.set
        if self.multiply is not None:
            return value * self.multiply
        return value + (self.add or 0.0)


class Event(_Strict):
    """A dated shock that changes actors' attributes from a round (or a date) on."""

    id: Id
    name: Text
    date: dt.date | None = None
    round: WholeNumber = Field(default=0, ge=0)
    changes: list[Change] = Field(min_length=1)
    evidence: Evidence = Field(default_factory=Evidence)


class Metadata(_Strict):
    """What the scenario is about, when its data hold, and who made it."""

    title: Text
    as_of: dt.date | None = None
    authors: list[Words] = Field(default_factory=list)
    notes: Words = ""
    sources: list[Words] = Field(default_factory=list)
    headline: Literal["calibrated", "robustness"] = Field(
        default="calibrated",
        description="Which band probabilities reports lead with: 'calibrated' (the model's "
        "error on real outcomes included, docs/validation.md) or 'robustness' (the share of "
        "random codings of the inputs landing in each band).",
    )


class Scenario(_Strict):
    """A negotiation: its issues, its actors and where each stands.

    Examples
    --------
    >>> import tawazun
    >>> scenario = tawazun.load("iraq-2024")
    >>> scenario.forecast("compromise").to_frame()  # doctest: +SKIP
    """

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    metadata: Metadata
    salience_scale: Literal[1, 100] = Field(
        default=1, description="Saliences are declared on 0-1 (1) or on 0-100 (100)."
    )
    issues: list[Issue] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=1)
    uncertainty: UncertaintyDefaults | None = Field(
        default=None,
        description="Uncertainty of values that state none; None means the documented defaults.",
    )
    events: list[Event] = Field(default_factory=list)

    @field_validator("salience_scale", mode="before")
    @classmethod
    def _integral_scale(cls, value: Any) -> Any:
        """Accept ``100.0`` or ``"100"`` from spreadsheets and CSV cells."""
        try:
            return _to_whole(value)
        except ValueError:
            return value

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problems = list(semantic_problems(self))
        if problems:
            raise SemanticError(problems)
        return self

    # -- lookup -------------------------------------------------------------------------
    def issue(self, issue_id: str) -> Issue:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise UnknownName(
            _("no issue {issue}; issues are {issues}").format(
                issue=repr(issue_id), issues=[i.id for i in self.issues]
            )
        )

    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise UnknownName(
            _("no actor {actor}; actors are {actors}").format(
                actor=repr(actor_id), actors=[a.id for a in self.actors]
            )
        )

    def stances(self) -> Iterator[tuple[Actor, Issue, Stance]]:
        """Every (actor, issue, stance) in actor order, then issue order."""
        for actor in self.actors:
            for issue in self.issues:
                stance = actor.stances.get(issue.id)
                if stance is not None:
                    yield actor, issue, stance

    def drafts(self) -> Iterator[tuple[Location, str]]:
        """Values ``tawazun draft`` suggested that no analyst has confirmed yet.

        Each is ``(location, message)``, the location a path in the native structure as in
        :class:`SemanticError`. Confirming a value is removing its ``draft: true``.
        """
        for i, actor in enumerate(self.actors):
            capability = actor.evidence.get("capability")
            if actor.capability is None:
                yield ("actors", i, "capability"), _("left to the analyst: set a capability")
            elif capability is not None and capability.draft:
                yield ("actors", i, "capability"), _("draft value: confirm or change it")
            for issue_id, stance in actor.stances.items():
                for name, evidence in stance.evidence.items():
                    if evidence.draft:
                        yield (
                            ("actors", i, "stances", issue_id, name),
                            _("draft value: confirm or change it"),
                        )

    # -- views --------------------------------------------------------------------------
    def arrays(self) -> ScenarioArrays:
        """The scenario's numbers as arrays (see :func:`tawazun.arrays.to_arrays`)."""
        from tawazun.arrays import to_arrays

        return to_arrays(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per actor and issue: the long table analysts sort and filter."""
        import pandas as pd

        rows = [
            {
                "actor": actor.id,
                "actor_en": actor.name.en,
                "actor_ar": actor.name.ar,
                "group": actor.group,
                "capability": actor.capability,
                "issue": issue.id,
                "position": stance.position,
                "salience": stance.salience,
                "risk": stance.risk,
            }
            for actor, issue, stance in self.stances()
        ]
        return pd.DataFrame(rows)

    # -- models -------------------------------------------------------------------------
    def forecast(self, model: str = "compromise", **parameters: Any) -> Result:
        """Run a model by name (see ``tawazun.models.available()``) on this scenario."""
        from tawazun.models import get_model

        return get_model(model).run(self.arrays(), **parameters)


def semantic_problems(scenario: Scenario) -> Iterator[tuple[Location, str]]:
    """Problems that no single field shows: identity, ranges, and issues nobody cares about."""
    seen_issues: dict[str, int] = {}
    for j, issue in enumerate(scenario.issues):
        if issue.id in seen_issues:
            yield (
                ("issues", j, "id"),
                (f"duplicate issue id {issue.id!r} (first at issue {seen_issues[issue.id] + 1})"),
            )
        seen_issues.setdefault(issue.id, j)
    yield from _lookalikes("issues", "issue", [i.id for i in scenario.issues])
    yield from _lookalikes("actors", "actor", [a.id for a in scenario.actors])
    yield from _lookalikes("events", "event", [e.id for e in scenario.events])
    for j, issue in enumerate(scenario.issues):
        lo, hi = issue.scale.min, issue.scale.max
        if issue.status_quo is not None and not lo <= issue.status_quo <= hi:
            yield (
                ("issues", j, "status_quo"),
                (f"status quo {issue.status_quo:g} is outside the scale {lo:g}..{hi:g}"),
            )
        yield from _band_problems(issue, j)
    seen_actors: dict[str, int] = {}
    for i, actor in enumerate(scenario.actors):
        if actor.id in seen_actors:
            yield (
                ("actors", i, "id"),
                (f"duplicate actor id {actor.id!r} (first at actor {seen_actors[actor.id] + 1})"),
            )
        seen_actors.setdefault(actor.id, i)
        for issue_id, stance in actor.stances.items():
            where = ("actors", i, "stances", issue_id)
            if issue_id not in seen_issues:
                yield where, f"unknown issue {issue_id!r}; issues are {sorted(seen_issues)}"
                continue
            scale = scenario.issues[seen_issues[issue_id]].scale
            if not scale.min <= stance.position <= scale.max:
                yield (
                    (*where, "position"),
                    (
                        f"position {stance.position:g} is outside the scale "
                        f"{scale.min:g}..{scale.max:g}"
                    ),
                )
            if stance.salience > scenario.salience_scale:
                yield (
                    (*where, "salience"),
                    (
                        f"salience {stance.salience:g} is above the declared maximum "
                        f"{scenario.salience_scale} (salience_scale allows 0..1 or 0..100)"
                    ),
                )
    yield from _event_problems(scenario, seen_issues, seen_actors)
    for j, issue in enumerate(scenario.issues):
        # a draft's unset capability (None) may yet be positive
        stakes = [
            (actor.capability if actor.capability is not None else 1.0)
            * actor.stances[issue.id].salience
            for actor in scenario.actors
            if issue.id in actor.stances
        ]
        if not stakes:
            yield ("issues", j), f"no actor takes a position on issue {issue.id!r}"
        elif not any(s > 0 for s in stakes):
            yield (
                ("issues", j),
                (f"every actor ignores issue {issue.id!r} (all saliences or capabilities are 0)"),
            )


def _lookalikes(where: str, what: str, ids: list[str]) -> Iterator[tuple[Location, str]]:
    """Distinct ids that read the same (see :func:`lookalike_key`); duplicates are reported
    on their own."""
    seen: dict[str, int] = {}
    for k, identifier in enumerate(ids):
        key = lookalike_key(identifier)
        first = seen.setdefault(key, k)
        if first != k and ids[first] != identifier:
            yield (
                (where, k, "id"),
                _(
                    "{what} id {id!r} reads the same as {other!r} ({what} {number}) once "
                    "Unicode-normalised; give them distinct ids"
                ).format(what=what, id=identifier, other=ids[first], number=first + 1),
            )


def _band_problems(issue: Issue, j: int) -> Iterator[tuple[Location, str]]:
    """Bands inside the scale, with distinct ids, neither overlapping nor (unless the issue
    says ``band_gaps: true``) leaving gaps; points on the scale."""
    lo, hi = issue.scale.min, issue.scale.max
    seen: dict[str, int] = {}
    for k, band in enumerate(issue.bands):
        where: Location = ("issues", j, "bands", k)
        if band.id in seen:
            yield (
                (*where, "id"),
                _("duplicate band id {id!r} (first at band {first})").format(
                    id=band.id, first=seen[band.id] + 1
                ),
            )
        seen.setdefault(band.id, k)
        if band.lower < lo or band.upper > hi:
            yield where, f"band {band.lower:g}..{band.upper:g} leaves the scale {lo:g}..{hi:g}"
    for k, point in enumerate(issue.points):
        if not lo <= point.value <= hi:
            yield (
                ("issues", j, "points", k, "value"),
                _("point {value:g} is outside the scale {lo:g}..{hi:g}").format(
                    value=point.value, lo=lo, hi=hi
                ),
            )
    if not issue.bands:
        return
    order = sorted(range(len(issue.bands)), key=lambda k: issue.bands[k].lower)
    reached = lo
    for before, k in zip([None, *order], order, strict=False):
        band = issue.bands[k]
        where = ("issues", j, "bands", k)
        if before is not None and band.lower < issue.bands[before].upper:
            other = issue.bands[before]
            yield (
                where,
                _(
                    "band {id!r} ({lower:g}..{upper:g}) overlaps band {other!r} "
                    "({olower:g}..{oupper:g}); bands may share an edge only"
                ).format(
                    id=band.id,
                    lower=band.lower,
                    upper=band.upper,
                    other=other.id,
                    olower=other.lower,
                    oupper=other.upper,
                ),
            )
        elif band.lower > reached and not issue.band_gaps:
            yield (
                where,
                _(
                    "no band covers {start:g}..{end:g} of the scale; extend a band, or say "
                    "band_gaps: true on the issue if outcomes there have no label"
                ).format(start=reached, end=band.lower),
            )
        reached = max(reached, band.upper)
    if reached < hi and not issue.band_gaps:
        yield (
            ("issues", j, "bands", order[-1]),
            _(
                "no band covers {start:g}..{end:g} of the scale; extend a band, or say "
                "band_gaps: true on the issue if outcomes there have no label"
            ).format(start=reached, end=hi),
        )


def _event_problems(
    scenario: Scenario, issues: dict[str, int], actors: dict[str, int]
) -> Iterator[tuple[Location, str]]:
    """Events must name known actors and issues, and ``set`` values the field allows."""
    seen: dict[str, int] = {}
    for e, event in enumerate(scenario.events):
        if event.id in seen:
            yield (
                ("events", e, "id"),
                f"duplicate event id {event.id!r} (first at event {seen[event.id] + 1})",
            )
        seen.setdefault(event.id, e)
        for c, change in enumerate(event.changes):
            where: Location = ("events", e, "changes", c)
            if change.actor not in actors:
                yield (
                    (*where, "actor"),
                    f"unknown actor {change.actor!r}; actors are {sorted(actors)}",
                )
                continue
            actor = scenario.actors[actors[change.actor]]
            if change.issue is not None:
                if change.issue not in issues:
                    yield (
                        (*where, "issue"),
                        f"unknown issue {change.issue!r}; issues are {sorted(issues)}",
                    )
                    continue
                if change.issue not in actor.stances:
                    yield (
                        (*where, "issue"),
                        f"actor {actor.id!r} has no stance on issue {change.issue!r}",
                    )
                    continue
            elif change.field != "capability" and not actor.stances:
                yield (*where, "actor"), f"actor {actor.id!r} has no stance to change"
            if change.set is None:
                continue
            if change.field == "capability":
                low, high = 0.0, float("inf")
            elif change.field == "salience":
                low, high = 0.0, float(scenario.salience_scale)
            else:
                # stances on unknown issues are reported on their own
                scales = [
                    scenario.issues[issues[issue_id]].scale
                    for issue_id in ([change.issue] if change.issue else actor.stances)
                    if issue_id in issues
                ]
                if not scales:
                    continue
                low, high = max(s.min for s in scales), min(s.max for s in scales)
            if not low <= change.set <= high:
                yield (
                    (*where, "set"),
                    f"{change.field} {change.set:g} is outside the allowed {low:g}..{high:g}",
                )
