"""`kiosk voice`: the spoken clips.

    kiosk voice build [--language vi] [--prune]   render every sentence known ahead not yet in the
                                        clip folder (--prune: and remove the clips none needs)
    kiosk voice list [--missing]        the sentences known ahead, each with its clip and whether made;
                                        for a language pack, each text: recorded, or the Vietnamese clip
    kiosk voice say "Xin chào" [--language en] [--volume 60]   speak through the kiosk's own voice
    kiosk voice add hmn IDLE_TOUCH touch.wav   a station's recording of a pack's text (by its id:
                                        a phrase name or "<service slug>.<place>", `kiosk.languages`)
    kiosk voice import hmn DIR          every DIR/<text id>.wav at once

Sentences known ahead: the catalog's service titles, summaries and step texts, and the kiosk's
phrases without a {placeholder} (`kiosk.voice.known_texts`). Exit codes: 0 done, 1 some clips could
not be made or the text could not be played, 2 the engine cannot run here (the reason is printed).

No engine speaks a pack's language: its clips are recordings, converted to the clip format (WAV,
mono, the engine's rate: `devices/audio/recording.py`) and kept in the clip folder's
recorded/<language>/, which `--prune` leaves alone. A text not recorded plays the Vietnamese clip.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import Config, load_config
from kiosk.text import LANGUAGES, Text

if TYPE_CHECKING:
    from devices.audio.clips import ClipFolder, Engine
    from kiosk.languages import LanguagePack

EXIT_FAILED = 1
EXIT_NO_ENGINE = 2


def add_voice_commands(subparsers: Any) -> None:
    voice = subparsers.add_parser("voice", help="the spoken clips: build, list, say").add_subparsers(
        dest="voice_command", required=True
    )
    build = voice.add_parser("build", help="render the sentences known ahead into the clip folder")
    build.add_argument("--language", choices=LANGUAGES, action="append", help="only this language")
    build.add_argument("--prune", action="store_true", help="remove clips no sentence known ahead needs")
    build.set_defaults(func=cmd_voice_build)
    listing = voice.add_parser("list", help="the sentences known ahead and their clips")
    listing.add_argument("--language", action="append", help="vi, en or a language pack's code")
    listing.add_argument("--missing", action="store_true", help="only those without a clip or recording yet")
    listing.set_defaults(func=cmd_voice_list)
    add = voice.add_parser("add", help="store a recording of a language pack's text")
    add.add_argument("language", help="the pack's code, e.g. hmn")
    add.add_argument("text_id", metavar="PHRASE", help="a phrase name (IDLE_TOUCH) or catalog text id")
    add.add_argument("file", type=Path, help="a WAV file (any rate, mono or stereo)")
    add.set_defaults(func=cmd_voice_add)
    folder_import = voice.add_parser("import", help="store every <text id>.wav of a folder")
    folder_import.add_argument("language")
    folder_import.add_argument("folder", type=Path)
    folder_import.set_defaults(func=cmd_voice_import)
    say = voice.add_parser("say", help="speak a text as the kiosk would")
    say.add_argument("text")
    say.add_argument("--language", default="vi", help="vi, en or a language pack's code")
    say.add_argument("--volume", type=int, help="0 to 100 (default: voice.volume)")
    say.set_defaults(func=cmd_voice_say)


def _texts(args: argparse.Namespace, config: Any) -> dict[str, list[str]]:
    from kiosk.app.root import make_catalog
    from kiosk.voice import known_texts

    return known_texts(make_catalog(config), args.language or LANGUAGES)


def _engine(config: Config) -> Engine | None:
    """The station's clip renderer, or None after saying why it cannot run here."""
    from kiosk.app.root import VoiceUnavailable, make_voice_engine

    try:
        return make_voice_engine(config)
    except VoiceUnavailable as exc:
        print(f"kiosk: voice: {exc}", file=sys.stderr)
        return None


@dataclass(frozen=True)
class _Pack:
    """A language pack as the voice commands see it: its texts by id, as shown on screen."""

    pack: LanguagePack
    texts: dict[str, Text]

    def shown(self, text_id: str) -> str | None:
        from kiosk.languages import NAME_ID

        if text_id == NAME_ID:
            return self.pack.name
        text = self.texts.get(text_id)
        return text.get(self.pack.code) if text else None

    def recordable(self) -> list[str]:
        """Ids of the texts said as they are (those with a {placeholder} are filled at run time)."""
        from kiosk.languages import NAME_ID

        return [NAME_ID, *(tid for tid, t in self.texts.items() if "{" not in t.by_language.get("vi", "{"))]


def _packs(config: Config) -> dict[str, _Pack]:
    from kiosk import languages
    from kiosk.app.root import make_catalog

    catalog = make_catalog(config)
    for problem in languages.install_bundled(catalog):
        print(f"kiosk: voice: {problem}", file=sys.stderr)
    ids = languages.text_ids(catalog)
    return {
        choice.code: _Pack(pack, ids)
        for choice in languages.choices()
        if (pack := languages.installed(choice.code)) is not None
    }


def _pack_of(config: Config, code: str) -> _Pack | None:
    packs = _packs(config)
    if code not in packs:
        known = ", ".join(packs) or "none installed"
        print(
            f"kiosk: voice: {code!r} is not a language pack ({known}); vi and en are rendered by "
            "`kiosk voice build`",
            file=sys.stderr,
        )
        return None
    return packs[code]


def _clip_rate(engine: Engine) -> int:
    """The rate of the engine's clips: a recording joins them in one utterance only at that rate."""
    from devices.audio.wav import parse_wav

    return parse_wav(engine.render("Xin chào", "vi")).rate


def _record(pack: _Pack, text_id: str, path: Path, folder: ClipFolder, rate: int) -> str:
    """Store one recording; the line to print, or raises ValueError with why not."""
    from devices.audio.recording import to_clip
    from kiosk.voice import recorded_key

    shown = pack.shown(text_id)
    if shown is None:
        raise ValueError(
            f"{text_id} is not a phrase or catalog text (kiosk voice list --language {pack.pack.code})"
        )
    if text_id not in pack.recordable():
        raise ValueError(f"{text_id} is filled in at run time ({{…}}): it cannot be recorded whole")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    clip = to_clip(data, rate)
    folder.recordings(pack.pack.code).put(recorded_key(pack.pack.code, shown), clip)
    return f"{pack.pack.code} {text_id}: recorded, {clip.seconds:.1f} s ({shown})"


def _recording_setup(args: argparse.Namespace) -> tuple[_Pack, ClipFolder, int] | int:
    from devices.audio.clips import ClipFolder

    config = load_config(getattr(args, "config", None))
    engine = _engine(config)
    if engine is None:
        return EXIT_NO_ENGINE
    pack = _pack_of(config, args.language)
    if pack is None:
        return EXIT_FAILED
    try:
        rate = _clip_rate(engine)
    except (RuntimeError, ValueError, OSError) as exc:
        print(f"kiosk: voice: {engine.name} gives no clip to match: {exc}", file=sys.stderr)
        return EXIT_NO_ENGINE
    return pack, ClipFolder(config.clip_dir), rate


def cmd_voice_add(args: argparse.Namespace) -> int:
    setup = _recording_setup(args)
    if isinstance(setup, int):
        return setup
    pack, folder, rate = setup
    try:
        print(_record(pack, args.text_id, args.file, folder, rate))
    except ValueError as exc:  # RecordingError too: the file is not usable, nothing was stored
        print(f"kiosk: voice: not recorded: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return 0


def cmd_voice_import(args: argparse.Namespace) -> int:
    setup = _recording_setup(args)
    if isinstance(setup, int):
        return setup
    pack, folder, rate = setup
    if not args.folder.is_dir():
        print(f"kiosk: voice: {args.folder} is not a folder", file=sys.stderr)
        return EXIT_FAILED
    stored = failed = 0
    for path in sorted(args.folder.iterdir()):
        if not path.is_file():
            continue
        try:
            if path.suffix.lower() != ".wav":
                raise ValueError("not a .wav file: convert it, then name it <text id>.wav")
            print(_record(pack, path.stem, path, folder, rate))
            stored += 1
        except ValueError as exc:
            print(f"kiosk: voice: {path.name}: not recorded: {exc}", file=sys.stderr)
            failed += 1
    print(f"{pack.pack.code}: {stored} recorded, {failed} not ({args.folder})")
    return EXIT_FAILED if failed or not stored else 0


def cmd_voice_build(args: argparse.Namespace) -> int:
    from devices.audio.clips import ClipFolder, build_clips, known_keys

    config = load_config(getattr(args, "config", None))
    engine = _engine(config)
    if engine is None:
        return EXIT_NO_ENGINE
    texts = _texts(args, config)
    started = time.monotonic()
    folder = ClipFolder(config.clip_dir)
    report = build_clips(engine, folder, texts)
    pruned = 0
    if args.prune:  # clips of an old catalog, phrase text or engine
        keep = known_keys(engine, _texts(argparse.Namespace(language=None), config))
        for key in folder.made() - keep:
            folder.path(key).unlink(missing_ok=True)
            pruned += 1
    for failure in report.failed:
        print(f"kiosk: voice: not made: {failure}", file=sys.stderr)
    total = sum(len(s) for s in texts.values())
    print(
        f"{engine.name}: {total} sentences, {report.rendered} rendered, {report.present} already there, "
        f"{len(report.failed)} failed{f', {pruned} pruned' if args.prune else ''} "
        f"({time.monotonic() - started:.1f} s) in {config.clip_dir}"
    )
    return EXIT_FAILED if report.failed else 0


def cmd_voice_list(args: argparse.Namespace) -> int:
    from devices.audio.clips import ClipFolder
    from kiosk.voice import clip_key

    config = load_config(getattr(args, "config", None))
    engine = _engine(config)
    if engine is None:
        return EXIT_NO_ENGINE
    packs = _packs(config)
    asked = args.language or [*LANGUAGES, *packs]
    unknown = [code for code in asked if code not in LANGUAGES and code not in packs]
    if unknown:
        print(
            f"kiosk: voice: no language {', '.join(unknown)} (known: {', '.join([*LANGUAGES, *packs])})",
            file=sys.stderr,
        )
        return EXIT_FAILED
    folder = ClipFolder(config.clip_dir)
    made = folder.made()
    rendered = [code for code in asked if code in LANGUAGES]
    if rendered:
        count = missing = 0
        for language, said in _texts(argparse.Namespace(language=rendered), config).items():
            for sentence in said:
                key = clip_key(engine.voice_id(language), sentence, language)
                there = key in made
                count += 1
                missing += not there
                if there and args.missing:
                    continue
                print(f"{'+' if there else '-'} {language} {key} {sentence}")
        print(f"{count} sentences, {count - missing} with a clip, {missing} missing ({config.clip_dir})")
    for code in (c for c in asked if c in packs):
        _list_pack(packs[code], folder, made, engine, args.missing)
    return 0


def _list_pack(pack: _Pack, folder: ClipFolder, made: set[str], engine: Engine, missing_only: bool) -> None:
    """Per text: R recorded; V falls back to the Vietnamese clip (made); - to one not rendered yet."""
    from kiosk import languages
    from kiosk.voice import plan, recorded_key

    code = pack.pack.code
    recordings = folder.recordings(code).made()
    recorded = fallback = unmade = 0
    for text_id in pack.recordable():
        shown = pack.shown(text_id) or ""
        if recorded_key(code, shown) in recordings:
            recorded += 1
            if not missing_only:
                print(f"R {code} {text_id} {shown}")
            continue
        parts = plan(
            shown,
            code,
            engine.voice_id,
            recordings.__contains__,
            lambda said: languages.vietnamese_of(code, said),
        )
        ready = all(p.key in made or (p.recorded and p.key in recordings) for p in parts)
        fallback += 1
        unmade += not ready
        print(f"{'V' if ready else '-'} {code} {text_id} {shown}")
    print(
        f"{code}: {recorded + fallback} texts, {recorded} recorded, {fallback} fall back to the Vietnamese "
        f"clip ({unmade} of them not rendered yet: kiosk voice build --language vi)"
    )


def cmd_voice_say(args: argparse.Namespace) -> int:
    from devices.audio.clips import ClipVoice
    from kiosk.app.root import make_voice

    config = load_config(getattr(args, "config", None))
    if args.language not in LANGUAGES and _pack_of(config, args.language) is None:
        return EXIT_FAILED
    voice = make_voice(config)
    if not isinstance(voice, ClipVoice):
        why = "voice.engine is off" if config.voice.engine == "off" else "no PulseAudio server answers"
        print(
            f"kiosk: voice: no clip voice here ({why}; the kiosk uses {type(voice).__name__})",
            file=sys.stderr,
        )
        return EXIT_NO_ENGINE
    if args.volume is not None:
        voice.set_volume(args.volume)
    try:
        voice.say(args.text, args.language)
        if voice.finish():
            return 0
        print(f"kiosk: voice: not played: {voice.player_error or 'timed out'}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        voice.close()
