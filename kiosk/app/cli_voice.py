"""`kiosk voice`: the spoken clips.

    kiosk voice build [--language vi] [--prune]   render every sentence known ahead not yet in the
                                        clip folder (--prune: and remove the clips none needs)
    kiosk voice list [--missing]        the sentences known ahead, each with its clip and whether made
    kiosk voice say "Xin chào" [--language en] [--volume 60]   speak through the kiosk's own voice

Sentences known ahead: the catalog's service titles, summaries and step texts, and the kiosk's
phrases without a {placeholder} (`kiosk.voice.known_texts`). Exit codes: 0 done, 1 some clips could
not be made or the text could not be played, 2 the engine cannot run here (the reason is printed).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any

from kiosk.config import Config, load_config
from kiosk.text import LANGUAGES

if TYPE_CHECKING:
    from devices.audio.clips import Engine

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
    listing.add_argument("--language", choices=LANGUAGES, action="append")
    listing.add_argument("--missing", action="store_true", help="only those without a clip yet")
    listing.set_defaults(func=cmd_voice_list)
    say = voice.add_parser("say", help="speak a text as the kiosk would")
    say.add_argument("text")
    say.add_argument("--language", choices=LANGUAGES, default="vi")
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
    folder = ClipFolder(config.clip_dir)
    made = folder.made()
    count = missing = 0
    for language, said in _texts(args, config).items():
        for sentence in said:
            key = clip_key(engine.voice_id(language), sentence, language)
            there = key in made
            count += 1
            missing += not there
            if there and args.missing:
                continue
            print(f"{'+' if there else '-'} {language} {key} {sentence}")
    print(f"{count} sentences, {count - missing} with a clip, {missing} missing ({config.clip_dir})")
    return 0


def cmd_voice_say(args: argparse.Namespace) -> int:
    from devices.audio.clips import ClipVoice
    from kiosk.app.root import make_voice

    config = load_config(getattr(args, "config", None))
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
