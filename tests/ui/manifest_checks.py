"""What every citizen's screen of a `kiosk tour` manifest must carry (issue 11, "Tests"): a
pictogram, and in every shipped language something to say whose sentences are clips rendered
ahead (`kiosk voice build`), a station's recordings, or the explicit Vietnamese fallback of a
language pack. Only what cannot be known ahead is made at first use: numbers, codes, the
card holder's name."""

from __future__ import annotations

import re
from typing import Any

# A tracking code as the slip prints it (kiosk.dossier): its letters may hold no digit at all.
TRACKING_CODE = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}\b")
STEP_SHOTS = ("empty", "errors", "filled", "calendar")


def manifest_problems(manifest: dict[str, Any]) -> list[str]:
    people = set(manifest["people"])
    problems = []
    for entry in manifest["screens"]:
        if entry["officer_page"]:
            continue
        where = entry["file"]
        # A step's shots ("dates-filled") show that step, not the one the answer leads to (the
        # "-filled" images used to be taken after Continue).
        shown, _, shot = entry["name"].rpartition("-")
        if entry["step"] and shot in STEP_SHOTS and shown != entry["step"]:
            problems.append(f"{where}: shows step {entry['step']!r}, not {entry['name']!r}")
        if not entry["pictograms"]:
            problems.append(f"{where}: no pictogram")
        for language in manifest["languages"]:
            parts = entry["voice"].get(language)
            if not parts:
                problems.append(f"{where}: nothing to say in {language}")
                continue
            for part in parts:
                if part["language"] != language and part["language"] != "vi":
                    problems.append(f"{where}: {language} falls back to {part['language']}, not Vietnamese")
                if part["fallback"] != (part["language"] != language):
                    problems.append(f"{where}: {language} {part['sentence']!r} fallback not recorded as such")
                if part["source"] != "first-use":
                    continue
                sentence = part["sentence"]
                made_now = any(ch.isdigit() for ch in sentence) or TRACKING_CODE.search(sentence)
                if not made_now and sentence not in people:
                    problems.append(f"{where}: {language} {sentence!r} has no clip made ahead")
    return problems
