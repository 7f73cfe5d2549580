"""A small English grammar with known subject-verb dependencies.

Every sentence comes with its labels: the word index of the subject noun (the head of the subject
noun phrase), the word index of the main verb, the subject's number, and the attractor (a noun of
the other clause or phrase that sits between subject and verb and may carry the other number).

Structures (after Linzen, Dupoux & Goldberg 2016, "Assessing the ability of LSTMs to learn
syntax-sensitive dependencies"):
  simple  the old keys are on the table
  pp      the keys to the old cabinet are on the table          (prepositional-phrase attractor)
  rc      the author that the critics praise writes well         (object relative clause attractor;
                                                                  its own verb agrees with the attractor)
Tenses:
  present the main verb agrees with the subject (is/are, writes/write): the language-model task.
  past    the main verb is number-neutral (fell, wrote): the subject noun is then the ONLY word that
          says whether the subject is singular or plural — the known answer of the classifier.

Words are lower-case and separated by single spaces; indices count words from 0.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, asdict

ANIMATE = [
    ("author", "authors"), ("critic", "critics"), ("teacher", "teachers"), ("student", "students"),
    ("doctor", "doctors"), ("farmer", "farmers"), ("pilot", "pilots"), ("singer", "singers"),
    ("lawyer", "lawyers"), ("senator", "senators"), ("officer", "officers"), ("manager", "managers"),
]
INANIMATE = [
    ("key", "keys"), ("book", "books"), ("cabinet", "cabinets"), ("box", "boxes"),
    ("door", "doors"), ("picture", "pictures"), ("letter", "letters"), ("lamp", "lamps"),
    ("chair", "chairs"), ("bottle", "bottles"), ("window", "windows"), ("coin", "coins"),
]
ADJECTIVES = ["old", "new", "small", "big", "young", "famous", "quiet", "red"]
PREPOSITIONS = ["to", "on", "near", "behind", "with", "from", "of", "beside"]
# Transitive verbs of the relative clause: (singular, plural) present forms.
RC_VERBS = [("praises", "praise"), ("likes", "like"), ("sees", "see"), ("needs", "need"),
            ("knows", "know"), ("admires", "admire")]

# Main predicates. Present: (singular verb, plural verb, rest). Past: (verb, rest).
ANIMATE_PRESENT = [("writes", "write", "well"), ("sings", "sing", "loudly"), ("works", "work", "hard"),
                   ("smiles", "smile", ""), ("laughs", "laugh", ""), ("is", "are", "happy"),
                   ("is", "are", "here"), ("runs", "run", "fast")]
ANIMATE_PAST = [("wrote", "well"), ("sang", "loudly"), ("worked", "hard"), ("smiled", ""),
                ("laughed", ""), ("left", "early"), ("ran", "fast")]
INANIMATE_PRESENT = [("is", "are", "on the table"), ("is", "are", "in the box"), ("is", "are", "old"),
                     ("looks", "look", "new"), ("belongs", "belong", "to the teacher"),
                     ("stays", "stay", "in the room")]
INANIMATE_PAST = [("fell", "on the floor"), ("stayed", "in the box"), ("looked", "new"),
                  ("belonged", "to the teacher"), ("lay", "on the table")]

STRUCTURES = ("simple", "pp", "rc")
TENSES = ("present", "past")


@dataclass(frozen=True)
class Sentence:
    text: str
    words: list
    subject: int          # word index of the subject noun
    verb: int             # word index of the main verb
    number: str           # "singular" or "plural": the subject's number
    attractor: int | None  # word index of the attractor noun, None for simple sentences
    attractor_number: str | None
    structure: str        # simple | pp | rc
    tense: str            # present | past
    verb_singular: str    # the main verb's singular form (present) or its one form (past)
    verb_plural: str

    def to_json(self) -> dict:
        return asdict(self)


def vocabulary() -> list[str]:
    """Every word the grammar can produce, in a fixed order."""
    words: list[str] = ["the", "that"]
    for s, p in ANIMATE + INANIMATE:
        words += [s, p]
    words += ADJECTIVES + PREPOSITIONS
    for s, p in RC_VERBS:
        words += [s, p]
    for s, p, rest in ANIMATE_PRESENT + INANIMATE_PRESENT:
        words += [s, p] + rest.split()
    for v, rest in ANIMATE_PAST + INANIMATE_PAST:
        words += [v] + rest.split()
    seen: dict[str, None] = {}
    for w in words:
        seen.setdefault(w, None)
    return list(seen)


def _noun_phrase(rng: random.Random, animate: bool, plural: bool) -> list[str]:
    noun = rng.choice(ANIMATE if animate else INANIMATE)[1 if plural else 0]
    words = ["the"]
    if rng.random() < 0.3:
        words.append(rng.choice(ADJECTIVES))
    return words + [noun]


def generate(rng: random.Random, structure: str | None = None, tense: str | None = None,
             number: str | None = None) -> Sentence:
    """One sentence; unspecified choices are drawn from <rng> uniformly."""
    structure = structure or rng.choice(STRUCTURES)
    tense = tense or rng.choice(TENSES)
    number = number or rng.choice(("singular", "plural"))
    plural = number == "plural"
    animate = rng.random() < 0.5
    words = _noun_phrase(rng, animate, plural)
    subject = len(words) - 1
    attractor = None
    attractor_number = None
    if structure == "pp":
        attractor_plural = rng.random() < 0.5
        words.append(rng.choice(PREPOSITIONS))
        words += _noun_phrase(rng, rng.random() < 0.5, attractor_plural)
        attractor = len(words) - 1
        attractor_number = "plural" if attractor_plural else "singular"
    elif structure == "rc":
        attractor_plural = rng.random() < 0.5
        words.append("that")
        words += _noun_phrase(rng, True, attractor_plural)
        attractor = len(words) - 1
        attractor_number = "plural" if attractor_plural else "singular"
        words.append(rng.choice(RC_VERBS)[1 if attractor_plural else 0])
    verb = len(words)
    if tense == "present":
        vs, vp, rest = rng.choice(ANIMATE_PRESENT if animate else INANIMATE_PRESENT)
        words.append(vp if plural else vs)
    else:
        vs, rest = rng.choice(ANIMATE_PAST if animate else INANIMATE_PAST)
        vp = vs
        words.append(vs)
    words += rest.split()
    return Sentence(" ".join(words), words, subject, verb, number, attractor, attractor_number,
                    structure, tense, vs, vp)


def heldout(seed: int, count: int, exclude: set[str], **kwargs) -> list[Sentence]:
    """<count> distinct sentences from <seed> that are not in <exclude> (the training texts)."""
    rng = random.Random(seed)
    out: list[Sentence] = []
    seen: set[str] = set()
    while len(out) < count:
        s = generate(rng, **kwargs)
        if s.text in exclude or s.text in seen:
            continue
        seen.add(s.text)
        out.append(s)
    return out
