"""The service catalog: one TOML file per service in resources/services/, loaded into plain objects.

A service is a list of steps; the UI has one screen per step *kind*, so adding a service is a
new data file, never new UI code. `check_catalog` reports every problem in every file at once.
"""

from __future__ import annotations

import hashlib
import pickle
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from kiosk.admission import DOCUMENT_KINDS, NEVER_ACCEPTED, AdmissionRule
from kiosk.ports.card import PassiveAuth
from kiosk.text import LANGUAGES, Text, fold, nfc

# The on-screen keyboard a text field gets: letters and digits for codes and plates (upper case,
# no Telex, so "RLHJA3907FY" stays as typed), e-mail with @ . - _, a person's name (Vietnamese,
# each word starting with a capital); default Vietnamese, a capital only at the start.
KEYBOARDS = ("code", "email", "name")
FIELD_TYPES = ("text", "date", "choice", "phone", "id_number", "address", "checklist", "appointment")
DATE_BOUNDS = ("today",)
GROUPS = ("residence", "identity", "other")
# What a field may be filled from: attributes of devices.card.Holder.
PREFILLABLE = (
    "full_name", "date_of_birth", "sex", "id_number", "ethnicity", "religion", "hometown", "residence",
    "old_id_number", "nationality",
)  # fmt: skip


class CatalogError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Option:
    value: str
    label: Text


@dataclass(frozen=True)
class Condition:
    """Ask a step or field only when another field has one of these values."""

    field_id: str
    values: tuple[str, ...]

    def holds(self, values: Mapping[str, Any]) -> bool:
        return str(values.get(self.field_id, "")) in self.values


@dataclass(frozen=True)
class Field:
    id: str
    type: str
    label: Text
    hint: Text = field(default_factory=Text)
    required: bool = True
    max_length: int = 200
    min_length: int = 0
    options: tuple[Option, ...] = ()
    not_before: str = ""  # date fields: "today"
    after_field: str = ""  # date fields: must be later than this field
    max_days_after: int = 0  # date fields: at most this many days after `after_field` (0 = no limit)
    min_days_after: int = 0  # date fields: at least this many days after `after_field`
    pattern: str = ""  # full-match regular expression for text fields
    example: str = ""  # a valid answer (required with a pattern): for demos, the tour and tests
    prefill: str = ""  # Holder attribute the value comes from ("" = asked)
    readonly: bool = False  # prefilled from the chip: shown, not edited
    when: Condition | None = None
    messages: Mapping[str, Text] = field(default_factory=dict)  # rule -> message override
    keyboard: str = ""  # text fields: "" (Vietnamese, Telex or VNI), "code", "email" or "name" (KEYBOARDS)

    def option_label(self, value: str, language: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.label.get(language)
        return value


@dataclass(frozen=True)
class Step:
    kind: str
    id: str
    title: Text
    fields: tuple[str, ...] = ()
    say: Text = field(default_factory=Text)  # what the voice reads; defaults to the title
    when: Condition | None = None
    min_items: int = 1  # people steps
    max_items: int = 20
    admit: AdmissionRule | None = None  # card / people steps: what they accept (None = the kind's rule)


@dataclass(frozen=True)
class FeeCase:
    field_id: str
    value: str
    amount: int
    note: Text = field(default_factory=Text)


@dataclass(frozen=True)
class Fee:
    amount: int  # đồng; 0 = free
    legal_basis: str = ""
    note: Text = field(default_factory=Text)
    cases: tuple[FeeCase, ...] = ()

    def amount_for(self, values: Mapping[str, Any]) -> int:
        """The fee for these answers: the first matching case, else the default amount."""
        for case in self.cases:
            if str(values.get(case.field_id, "")) == case.value:
                return case.amount
        return self.amount


@dataclass(frozen=True)
class Paper:
    text: Text
    picture: str = ""


@dataclass(frozen=True)
class Service:
    code: str  # national procedure code, stable
    slug: str
    version: int
    pictogram: str
    title: Text
    summary: Text
    who: Text
    papers: tuple[Paper, ...]
    processing_time: Text
    next_steps: Text
    legal_basis: tuple[str, ...]
    fee: Fee
    steps: tuple[Step, ...]
    fields: Mapping[str, Field]
    group: str = "other"
    unverified: tuple[str, ...] = ()
    order: int = 50  # menu position within the group: busy services first
    # Working days the law gives to settle it (statistics: finished on time); None: not one number.
    processing_days: int | None = None
    eid_activation: bool = False  # its dossiers are e-ID (VNeID) activations in the reports

    def form_fields(self) -> list[Field]:
        return [self.fields[fid] for step in self.steps for fid in step.fields]

    def fields_of(self, step: Step, values: Mapping[str, Any]) -> list[Field]:
        """The fields of `step` asked for these answers."""
        fields = [self.fields[fid] for fid in step.fields]
        return [f for f in fields if f.when is None or f.when.holds(values)]

    def active_fields(self, values: Mapping[str, Any]) -> list[Field]:
        """The fields asked for these answers: steps and fields whose `when` holds."""
        return [
            self.fields[fid]
            for step in self.steps
            if step.when is None or step.when.holds(values)
            for fid in step.fields
            if self.fields[fid].when is None or self.fields[fid].when.holds(values)  # type: ignore[union-attr]
        ]


@dataclass(frozen=True)
class Catalog:
    services: tuple[Service, ...]
    origins: Mapping[str, str] = field(default_factory=dict)  # service code -> the file it came from
    replaced: Mapping[str, str] = field(default_factory=dict)  # code -> bundled file a station file replaced

    def get(self, code: str) -> Service:
        for service in self.services:
            if service.code == code or service.slug == code:
                return service
        raise KeyError(code)


# -- loading ------------------------------------------------------------------------------------


class _Reader:
    """Reads one catalog file, collecting problems instead of stopping at the first."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.where}: {text}")

    def text(self, raw: Any, what: str, *, required: bool = True) -> Text:
        if raw is None:
            if required:
                self.problem(f"missing text '{what}'")
            return Text()
        if not isinstance(raw, dict):
            self.problem(f"'{what}' must be a table of languages ({', '.join(LANGUAGES)})")
            return Text()
        for lang in LANGUAGES:
            if not isinstance(raw.get(lang), str) or not raw[lang].strip():
                self.problem(f"'{what}' has no '{lang}' text")
        unknown = set(raw) - set(LANGUAGES)
        if unknown:
            self.problem(f"'{what}' has unknown languages {sorted(unknown)}")
        return Text({lang: nfc(str(value)) for lang, value in raw.items()})

    def field(self, raw: dict[str, Any]) -> Field | None:
        fid = raw.get("id")
        if not isinstance(fid, str) or not fid:
            self.problem("a field has no id")
            return None
        ftype = raw.get("type")
        if ftype not in FIELD_TYPES:
            self.problem(f"field '{fid}' has unknown type {ftype!r} (known: {', '.join(FIELD_TYPES)})")
        known = {
            "id",
            "type",
            "label",
            "hint",
            "required",
            "max_length",
            "min_length",
            "options",
            "not_before",
            "after_field",
            "max_days_after",
            "min_days_after",
            "messages",
            "pattern",
            "prefill",
            "readonly",
            "when",
            "example",
            "keyboard",
        }
        for extra in sorted(set(raw) - known):
            self.problem(f"field '{fid}' has unknown key '{extra}'")
        options = tuple(
            Option(str(opt.get("value", "")), self.text(opt.get("label"), f"{fid}.options.label"))
            for opt in raw.get("options", [])
        )
        if ftype == "choice" and not options:
            self.problem(f"choice field '{fid}' has no options")
        not_before = str(raw.get("not_before", ""))
        if not_before and not_before not in DATE_BOUNDS:
            self.problem(f"field '{fid}': not_before must be one of {DATE_BOUNDS}")
        messages = {
            rule: self.text(msg, f"{fid}.messages.{rule}")
            for rule, msg in dict(raw.get("messages", {})).items()
        }
        pattern = str(raw.get("pattern", ""))
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                self.problem(f"field '{fid}': pattern is not a valid regular expression ({exc})")
                pattern = ""  # its example cannot be checked against it
            if "pattern" not in messages:
                self.problem(f"field '{fid}' has a pattern but no messages.pattern saying how to fix")
            example = str(raw.get("example", ""))
            if not example:
                self.problem(f"field '{fid}' has a pattern but no example of a valid answer")
            elif pattern and not re.fullmatch(pattern, example.upper()):
                self.problem(f"field '{fid}': its example {example!r} does not match its pattern")
        keyboard = str(raw.get("keyboard", ""))
        if keyboard and (keyboard not in KEYBOARDS or ftype != "text"):
            self.problem(f"field '{fid}': keyboard must be one of {', '.join(KEYBOARDS)}, on a text field")
        prefill = str(raw.get("prefill", ""))
        if prefill:
            attribute = prefill.removeprefix("holder.")
            if not prefill.startswith("holder.") or attribute not in PREFILLABLE:
                self.problem(f"field '{fid}': prefill must be holder.<one of {', '.join(PREFILLABLE)}>")
            prefill = attribute
        if raw.get("readonly") and not prefill:
            self.problem(f"field '{fid}' is readonly but has no prefill")
        return Field(
            id=fid,
            type=str(ftype),
            label=self.text(raw.get("label"), f"{fid}.label"),
            hint=self.text(raw.get("hint"), f"{fid}.hint", required=False),
            required=bool(raw.get("required", True)),
            max_length=int(raw.get("max_length", 200)),
            min_length=int(raw.get("min_length", 0)),
            options=options,
            not_before=not_before,
            after_field=str(raw.get("after_field", "")),
            max_days_after=int(raw.get("max_days_after", 0)),
            min_days_after=int(raw.get("min_days_after", 0)),
            pattern=pattern,
            example=str(raw.get("example", "")),
            prefill=prefill,
            readonly=bool(raw.get("readonly", False)),
            when=self.condition(raw.get("when"), f"field '{fid}'"),
            messages=messages,
            keyboard=keyboard,
        )

    def condition(self, raw: Any, where: str) -> Condition | None:
        if raw is None:
            return None
        if not isinstance(raw, dict) or "field" not in raw or not ("value" in raw or "values" in raw):
            self.problem(
                f"{where}: when must be {{ field = ..., value = ... }} or {{ field, values = [...] }}"
            )
            return None
        values = raw.get("values", [raw.get("value")])
        return Condition(str(raw["field"]), tuple(str(v) for v in values))

    def admission(self, raw: Any, where: str, rule: AdmissionRule) -> AdmissionRule | None:
        """`admit = { documents = [...], nationalities = [...], passive_auth = [...] }`; a key left
        out keeps the step kind's `rule`."""
        if not isinstance(raw, dict):
            self.problem(f"{where}: admit must be a table {{ documents, nationalities, passive_auth }}")
            return None
        for extra in sorted(set(raw) - {"documents", "nationalities", "passive_auth"}):
            self.problem(f"{where}: admit has unknown key '{extra}'")
        documents = tuple(str(d) for d in raw.get("documents", rule.documents))
        for document in documents:
            if document not in DOCUMENT_KINDS:
                known_documents = ", ".join(DOCUMENT_KINDS)
                self.problem(f"{where}: admit.documents: unknown {document!r} (known: {known_documents})")
        nationalities = tuple(str(n) for n in raw.get("nationalities", rule.nationalities))
        for code in nationalities:
            if not re.fullmatch(r"[A-Z]{3}", code):
                self.problem(f"{where}: admit.nationalities: {code!r} is not a 3-letter ICAO code")
        known = {outcome.value: outcome for outcome in PassiveAuth}
        outcomes: list[PassiveAuth] = []
        for name in raw.get("passive_auth", [o.value for o in rule.passive_auth]):
            outcome = known.get(str(name))
            if outcome is None:
                self.problem(f"{where}: admit.passive_auth: unknown {name!r} (known: {', '.join(known)})")
            elif outcome in NEVER_ACCEPTED:
                self.problem(f"{where}: admit.passive_auth: a chip that is {outcome.value} is never accepted")
            else:
                outcomes.append(outcome)
        if not documents or not outcomes:
            self.problem(f"{where}: admit accepts nothing")
        return AdmissionRule(documents, nationalities, tuple(outcomes))

    def service(self, raw: dict[str, Any]) -> Service:
        fields: dict[str, Field] = {}
        for fraw in raw.get("fields", []):
            parsed = self.field(fraw)
            if parsed is None:
                continue
            if parsed.id in fields:
                self.problem(f"field '{parsed.id}' defined twice")
            fields[parsed.id] = parsed
        from kiosk.flow.steps import KINDS  # the registry imports this module's types

        steps: list[Step] = []
        for index, sraw in enumerate(raw.get("steps", [])):
            kind = sraw.get("kind")
            if kind not in KINDS:
                known = ", ".join(sorted(KINDS))
                self.problem(f"step {index + 1} has unknown kind {kind!r} (known: {known})")
                continue
            admit = None
            reads_documents = KINDS[kind].admission
            if "admit" in sraw:
                where = f"step '{sraw.get('id', kind)}'"
                if reads_documents is None:
                    self.problem(f"{where}: only steps that read documents take 'admit'")
                else:
                    admit = self.admission(sraw["admit"], where, reads_documents)
            step_fields = tuple(sraw.get("fields", []))
            for fid in step_fields:
                if fid not in fields:
                    self.problem(f"step '{sraw.get('id', kind)}' refers to unknown field '{fid}'")
            if kind == "form" and not step_fields:
                self.problem(f"form step '{sraw.get('id', index)}' has no fields")
            steps.append(
                Step(
                    kind=kind,
                    id=str(sraw.get("id", kind)),
                    title=self.text(sraw.get("title"), f"steps[{index}].title"),
                    fields=step_fields,
                    say=self.text(sraw.get("say"), f"steps[{index}].say", required=False),
                    when=self.condition(sraw.get("when"), f"step '{sraw.get('id', kind)}'"),
                    min_items=int(sraw.get("min", 1)),
                    max_items=int(sraw.get("max", 20)),
                    admit=admit,
                )
            )
        kinds = [step.kind for step in steps]
        ids = [step.id for step in steps]
        for sid in sorted({i for i in ids if ids.count(i) > 1}):
            self.problem(f"step id '{sid}' is used twice")
        if "card" in kinds and "identity" not in kinds:
            self.problem("a 'card' step needs an 'identity' step to confirm the data read")
        if "card" in kinds and ("consent" not in kinds or kinds.index("consent") > kinds.index("card")):
            self.problem("a 'consent' step must come before the 'card' step (Law 91/2025/QH15)")
        for step in steps:
            if step.when is not None and step.when.field_id not in fields:
                self.problem(f"step '{step.id}': when refers to unknown field '{step.when.field_id}'")
        for fdef in fields.values():
            if fdef.when is not None and fdef.when.field_id not in fields:
                self.problem(f"field '{fdef.id}': when refers to unknown field '{fdef.when.field_id}'")
        if not kinds or kinds[-1] != "review":
            self.problem("the last step must be 'review'")
        for fdef in fields.values():
            if fdef.after_field and fdef.after_field not in fields:
                self.problem(f"field '{fdef.id}': after_field '{fdef.after_field}' is not a field")
        used = {fid for step in steps for fid in step.fields}
        for fid in sorted(set(fields) - used):
            self.problem(f"field '{fid}' is not used by any step")
        fee_raw = raw.get("fee", {})
        cases = []
        for craw in fee_raw.get("cases", []):
            case = FeeCase(
                field_id=str(craw.get("field", "")),
                value=str(craw.get("value", "")),
                amount=int(craw.get("amount", 0)),
                note=self.text(craw.get("note"), "fee.cases.note", required=False),
            )
            if case.field_id not in fields:
                self.problem(f"fee case refers to unknown field '{case.field_id}'")
            cases.append(case)
        fee = Fee(
            amount=int(fee_raw.get("amount", 0)),
            legal_basis=str(fee_raw.get("legal_basis", "")),
            note=self.text(fee_raw.get("note"), "fee.note", required=False),
            cases=tuple(cases),
        )
        if (fee.amount or fee.cases) and not fee.legal_basis:
            self.problem("a fee needs its legal_basis")
        group = str(raw.get("group", "other"))
        if group not in GROUPS:
            self.problem(f"group must be one of {', '.join(GROUPS)}")
        known_keys = {
            "code",
            "slug",
            "version",
            "pictogram",
            "group",
            "legal_basis",
            "title",
            "summary",
            "who",
            "papers",
            "processing_time",
            "next_steps",
            "fee",
            "steps",
            "fields",
            "unverified",
            "order",
            "processing_days",
            "eid_activation",
        }
        for extra in sorted(set(raw) - known_keys):
            self.problem(f"unknown key '{extra}'")
        days = raw.get("processing_days")
        if days is not None and (type(days) is not int or days < 1):
            self.problem("processing_days must be a whole number of working days, at least 1")
        if not isinstance(raw.get("eid_activation", False), bool):
            self.problem("eid_activation must be true or false")
        for key in ("code", "slug", "pictogram"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                self.problem(f"missing '{key}'")
        if not raw.get("legal_basis"):
            self.problem("missing 'legal_basis'")
        return Service(
            code=str(raw.get("code", "")),
            slug=str(raw.get("slug", "")),
            version=int(raw.get("version", 1)),
            pictogram=str(raw.get("pictogram", "")),
            title=self.text(raw.get("title"), "title"),
            summary=self.text(raw.get("summary"), "summary"),
            who=self.text(raw.get("who"), "who"),
            papers=tuple(
                Paper(
                    self.text({k: v for k, v in p.items() if k != "picture"}, "papers"),
                    str(p.get("picture", "")),
                )
                for p in raw.get("papers", [])
            ),
            processing_time=self.text(raw.get("processing_time"), "processing_time"),
            next_steps=self.text(raw.get("next_steps"), "next_steps"),
            legal_basis=tuple(str(x) for x in raw.get("legal_basis", [])),
            fee=fee,
            steps=tuple(steps),
            fields=fields,
            group=group,
            unverified=tuple(str(x) for x in raw.get("unverified", [])),
            order=int(raw.get("order", 50)),
            processing_days=days if type(days) is int and days >= 1 else None,
            eid_activation=raw.get("eid_activation") is True,
        )


# Where a catalog file comes from and its text; a file that cannot be read is a problem, not a crash.
SourceFile = tuple[str, str]


def _read_folder(folder: Path) -> tuple[list[SourceFile], list[str]]:
    files: list[SourceFile] = []
    problems: list[str] = []
    if not Path(folder).is_dir():
        return [], [f"{folder}: not a folder"]
    try:
        paths = sorted(Path(folder).glob("*.toml"))
    except OSError as exc:
        return [], [f"{folder}: cannot be read ({exc.strerror or exc})"]
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(f"{path}: cannot be read ({exc.strerror or exc})")
            continue
        text = _decode(str(path), data, problems)
        if text is not None:
            files.append((str(path), text))
    return files, problems


def _decode(where: str, data: bytes, problems: list[str]) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            f"{where}: not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8"
        )
        return None


def _bundled_files() -> list[SourceFile]:
    root = resources.files("resources.services")
    return [
        (f"resources/services/{entry.name}", entry.read_text("utf-8"))
        for entry in sorted(root.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    ]


def check_catalog(folder: Path | None = None, overlay: Path | None = None) -> tuple[Catalog, list[str]]:
    """Load every catalog file; return the catalog and the list of problems (empty = valid).

    `folder` replaces the bundled services (tests, a catalog under development); `overlay` is a
    station's own folder (`catalog.dir`) laid over them: see `_merge`.
    """
    base, problems = _sources(folder, overlay)
    catalog, found = _check_files(*base)
    return catalog, problems + found


def _sources(
    folder: Path | None, overlay: Path | None
) -> tuple[tuple[list[SourceFile], list[SourceFile]], list[str]]:
    problems: list[str] = []
    if folder is None:
        base = _bundled_files()
    else:
        base, problems = _read_folder(folder)
    station: list[SourceFile] = []
    if overlay is not None:
        station, more = _read_folder(overlay)
        problems += more
    return (base, station), problems


def _parse(files: list[SourceFile], problems: list[str]) -> list[tuple[str, Service]]:
    import tomllib  # not needed when the catalog comes from the cache

    parsed: list[tuple[str, Service]] = []
    for where, text in files:
        reader = _Reader(where)
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{where}: not valid TOML ({exc})")
            continue
        try:
            service = reader.service(raw)
        except (TypeError, ValueError, AttributeError) as exc:  # e.g. `version = "two"`, `fields = "x"`
            problems.extend(reader.problems)
            problems.append(f"{where}: a value has the wrong shape, see SCHEMA.md ({exc})")
            continue
        parsed.append((where, service))
        problems.extend(reader.problems)
    return parsed


def _merge(
    base: list[tuple[str, Service]], station: list[tuple[str, Service]], problems: list[str]
) -> tuple[list[Service], dict[str, str], dict[str, str]]:
    """The station's files over the bundled ones: the same service code replaces, a new code adds.

    The code, not the file name, is what a dossier stores, so it decides which service a file is.
    """
    chosen: dict[str, tuple[str, Service]] = {}
    replaced: dict[str, str] = {}
    for layer in (base, station):
        seen: dict[str, str] = {}
        for where, service in layer:
            if service.code in seen:
                first = seen[service.code]
                problems.append(
                    f"service code {service.code} is used by more than one file ({first}, {where})"
                )
                continue
            seen[service.code] = where
            if service.code in chosen and layer is station:
                replaced[service.code] = chosen[service.code][0]
            chosen[service.code] = (where, service)
    slugs: dict[str, str] = {}
    for where, service in chosen.values():
        if service.slug in slugs:
            problems.append(f"{where}: slug '{service.slug}' is already used by {slugs[service.slug]}")
        slugs.setdefault(service.slug, where)
    origins = {code: where for code, (where, _service) in chosen.items()}
    return [service for _where, service in chosen.values()], origins, replaced


def _check_files(base: list[SourceFile], station: Sequence[SourceFile] = ()) -> tuple[Catalog, list[str]]:
    problems: list[str] = []
    services, origins, replaced = _merge(_parse(base, problems), _parse(list(station), problems), problems)
    # Menu order: residence, identity, other; busy services first; then by name as Vietnamese sorts it.
    services.sort(
        key=lambda s: (GROUPS.index(s.group) if s.group in GROUPS else 99, s.order, fold(s.title.get("vi")))
    )
    return Catalog(tuple(services), origins, replaced), problems


def code_version() -> str:
    """A fingerprint of the code that parses the catalog and defines its objects.

    Part of the cache key, so a new build never reads what an older build pickled (a changed
    dataclass would load with missing or stale fields).
    """
    classes = (Catalog, Service, Step, Field, Option, Condition, Fee, FeeCase, Paper, Text, AdmissionRule)
    digest = hashlib.sha256()
    for name in sorted({__name__, *(cls.__module__ for cls in classes)}):
        module_file = sys.modules[name].__file__
        digest.update(name.encode() + b"\0" + (Path(module_file).read_bytes() if module_file else b""))
    return digest.hexdigest()[:16]


def load_catalog(
    folder: Path | None = None, *, overlay: Path | None = None, cache_dir: Path | None = None
) -> Catalog:
    """The valid catalog, or `CatalogError` listing every problem (arguments as for check_catalog).

    With `cache_dir`, a catalog that checked clean is kept as a pickle named by the hash of the
    code (`code_version`) and of the files' names and text, so a kiosk start skips parsing and
    validating ~20 TOML files until a file or the program changes. The cache folder is the kiosk's
    own (under its data folder), never shared; older caches in it are removed.
    """
    (base, station), problems = _sources(folder, overlay)
    if problems:
        raise CatalogError(problems)
    cache: Path | None = None
    if cache_dir is not None:
        digest = hashlib.sha256(repr((code_version(), base, station)).encode()).hexdigest()[:16]
        cache = Path(cache_dir) / f"catalog-{digest}.pickle"
        try:
            cached = pickle.loads(cache.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ImportError):
            cached = None
        if isinstance(cached, Catalog):
            return cached
    catalog, problems = _check_files(base, station)
    if problems:
        raise CatalogError(problems)
    if cache is not None:
        _write_cache(cache, catalog)
    return catalog


def _write_cache(cache: Path, catalog: Catalog) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temp = cache.with_suffix(".tmp")
        temp.write_bytes(pickle.dumps(catalog))
        temp.replace(cache)
        for old in cache.parent.glob("catalog-*.pickle"):
            if old != cache:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only data folder only costs the parse next time
