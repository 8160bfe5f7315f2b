"""Whether a message is in another language than English (the assistant then
says kindly that it understands English only)."""
from __future__ import annotations

import importlib
import re
from functools import lru_cache

OTHER_LANGUAGES = ("es", "fr", "de", "it", "pt", "nl", "pl", "tr")
# English as typed in a chat, missing from spaCy's English stop words: contractions
# without their apostrophe and chat words. Some are another language's stop words too
# ("im", "man" in German, "ok" in Polish): in a message they count as English
# ("im a man lol" is not German).
CHAT_ENGLISH = frozenset(
    "im ive id ill dont cant wont didnt doesnt isnt wasnt arent werent havent hasnt hadnt couldnt "
    "wouldnt shouldnt youre theyre thats whats hes shes lol lmao omg pls plz ok okay yeah yep yup nope "
    "hi hey thanks thx man guy bloke tho".split()
)


@lru_cache(maxsize=None)
def stop_words(lang: str) -> frozenset:
    try:
        return frozenset(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)
    except Exception:  # pragma: no cover - a language spaCy does not ship
        return frozenset()


def looks_foreign(original: str) -> bool:
    """Mostly non-Latin letters, or more of another language's stop words than English ones."""
    letters = [ch for ch in original if ch.isalpha()]
    if not letters:
        return False
    non_latin = sum(1 for ch in letters if ord(ch) > 0x24F)
    if non_latin / len(letters) > 0.5:
        return True
    words = re.findall(r"[^\W\d_]+", original.lower())
    english = sum(1 for w in words if w in stop_words("en") or w in CHAT_ENGLISH)
    other = max(sum(1 for w in words if w in stop_words(lang) and w not in stop_words("en") and w not in CHAT_ENGLISH)
                for lang in OTHER_LANGUAGES)
    return other >= 2 and other > english
