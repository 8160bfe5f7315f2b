"""The reader: a person's words to findings, with their context.

Depends on the knowledge only (knowledge/), never on the engine or Rasa
(checked by import-linter in `make test`). One module a step:

1. normalise.py   markup, quotes, contractions and chat shorthand;
2. spelling.py    British spellings folded, typos repaired (rapidfuzz);
3. concepts.py    codes found with spaCy's Matcher: phrases and compositions
                  (a body site with a sensation or a lost function);
4. context.py     negated / uncertain / historical / hypothetical / another
                  person's, with negspacy's NegEx termsets from the knowledge;
5. questions.py   a question is not a fact;
6. quantities.py  age and duration; subject.py: for whom; places.py: where;
   language.py    another language.

What a finding's context means for its status is decided here, the same for
every code: negated -> absent; uncertain -> not sure; hypothetical -> a red
flag is "not sure" (to be confirmed), anything else is left out; historical
-> left out, unless the code stays true once it was (knowledge `lasting`:
an operation, a diagnosis); another person's -> left out, and a blood
relative's condition is the person's family history. Nothing clinical is
decided: age 65 as a risk factor, levels and advice are the engine's.
"""
# The spaCy pipeline and what is built on it load only when the Reader is used (PEP 562),
# so the action server, which imports the engine and through it reader.answers and
# reader.quantities (plain Python), does not carry spaCy and TensorFlow (about 400 MB).
from typing import Any

from reader.normalise import normalise

__all__ = ["Finding", "Reading", "Reader", "default_reader", "normalise"]
_LAZY = {"Finding", "Reading", "Reader", "default_reader"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from reader import reading

        return getattr(reading, name)
    raise AttributeError(f"module 'reader' has no attribute {name!r}")
