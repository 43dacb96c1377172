"""What the voice can say ahead of time (`kiosk.voice`): sentences, clip names, the build list."""

from __future__ import annotations

import unicodedata

from kiosk import phrases
from kiosk.catalog import load_catalog
from kiosk.speech import for_speech
from kiosk.text import LANGUAGES
from kiosk.voice import clip_key, known_texts, sentences


def test_a_spoken_text_is_cut_into_sentences() -> None:
    assert sentences("Không thấy đầu đọc thẻ. Ông/Bà bấm Gọi cán bộ") == [
        "Không thấy đầu đọc thẻ",
        "Ông/Bà bấm Gọi cán bộ",
    ]
    # Screens join phrases with ". ": the phrase's clip serves, with or without its full stop.
    joined = sentences("Tạm ngừng phục vụ. Mời Ông Bà đến quầy..")
    assert joined == ["Tạm ngừng phục vụ", "Mời Ông Bà đến quầy"]
    said = sentences("Bring form No. 3 and the card!  Then wait?")
    assert said == ["Bring form No. 3 and the card!", "Then wait?"]
    assert sentences("Mã hồ sơ của Ông/Bà: Q5542-D64NY") == ["Mã hồ sơ của Ông/Bà", "Q5542-D64NY"]
    assert sentences("   ") == []


def test_the_clip_name_follows_engine_voice_language_and_reading() -> None:
    key = clip_key("espeak-ng:vi", "Chạm vào màn hình để bắt đầu", "vi")
    assert key == clip_key("espeak-ng:vi", unicodedata.normalize("NFD", "Chạm vào màn hình để bắt đầu"), "vi")
    others = {
        clip_key("espeak-ng:vi-vn-x-south", "Chạm vào màn hình để bắt đầu", "vi"),
        clip_key("piper:vi_VN-vais1000-medium.onnx:63201294", "Chạm vào màn hình để bắt đầu", "vi"),
        clip_key("espeak-ng:vi", "Chạm vào màn hình để bắt đầu", "en"),
        clip_key("espeak-ng:vi", "Chạm vào màn hình để bắt đầu?", "vi"),
    }
    assert key not in others and len(others) == 4
    assert clip_key("espeak-ng:vi", "Chạm vào màn hình để bắt đầu.", "vi") == key
    assert len(key) == 40 and all(c in "0123456789abcdef" for c in key)  # no text in a file name


def test_the_key_is_taken_over_what_the_synthesiser_reads() -> None:
    """Two texts read alike are one clip; a change in the reading rules makes new clips."""
    a, b = "Mã số 079", for_speech("Mã số 079", "vi")
    assert a != b
    assert clip_key("espeak-ng:vi", a, "vi") == clip_key("espeak-ng:vi", b, "vi")


def test_known_texts_hold_the_catalog_and_the_phrases_in_every_language() -> None:
    catalog = load_catalog()
    texts = known_texts(catalog, LANGUAGES)
    assert set(texts) == set(LANGUAGES)
    for language in LANGUAGES:
        said = set(texts[language])
        assert phrases.IDLE_TOUCH.get(language) in said
        assert phrases.MENU_TITLE.get(language) in said
        for service in catalog.services:
            assert set(sentences(service.summary.get(language))) <= said, service.slug
            for step in service.steps:
                assert set(sentences((step.say or step.title).get(language))) <= said, (service.slug, step.id)
        # The card screen says "<step>. <how to place the card>": both halves are clips.
        assert set(sentences(phrases.CARD_WAYS.get(language))) <= said
        assert set(sentences(phrases.CARD_ERRORS[next(iter(phrases.CARD_ERRORS))].get(language))) <= said
        for field in (f for s in catalog.services for f in s.fields.values()):
            for text in (field.label, *field.messages.values(), *(o.label for o in field.options)):
                assert set(sentences(text.get(language))) <= said, field.id
        assert not any("{" in s for s in said)  # filled in at run time, rendered then
        assert texts[language] == sorted(said)


def test_a_station_phrase_module_adds_its_texts() -> None:
    import types

    from kiosk.text import Text

    extra = types.ModuleType("station_phrases")
    extra.WELCOME = Text.of("Chào mừng đến công an phường", "Welcome to the ward police")  # type: ignore[attr-defined]
    texts = known_texts(load_catalog(), ["vi"], [extra])
    assert "Chào mừng đến công an phường" in texts["vi"]
