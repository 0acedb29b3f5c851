#!/usr/bin/env python3
"""Generates the four limit sites of docs/LIMITS.md under DIR:

  keywords-10k/   one question with 10,000 keywords (plus 100 ordinary questions)
  answer-5mb/     one question with a 5 MB answer (plus 100 ordinary questions)
  member-20k/     one member who asked 20,000 questions
  keyword-all/    20,000 questions by 200 members, every one carrying the same keyword

usage: gen_limits.py DIR
"""
import os
import sys

CONFIG = """title = "Limits"
base_url = "https://example.org/"
default_language = "nl"
languages = ["nl"]
paginate_by = 50
as_of = "2024-01-01"
"""


def question(leg, num, author="Anna Peeters", keywords=("spionage",), answer="Daarom."):
    kw = ", ".join('"%s"' % k for k in keywords)
    return f"""---
id: "{leg}-{num}"
assembly: be-senate
legislature: {leg}
number: {num}
lang: nl
original_lang: nl
title: "Vraag {num} over {keywords[0] if keywords else 'niets'}"
author: "{author}"
party: "Partij {num % 7}"
addressee: "minister van Defensie"
addressee_kind: minister
keywords: [{kw}]
date: 2023-01-10
answered: 2023-02-10
status: answered
events:
  - {{date: 2023-01-10, type: sent}}
  - {{date: 2023-02-10, type: answer}}
source: "https://www.senate.be/x?n={num}"
---
## Vraag

Waarom is dit vraag {num}?

## Antwoord

{answer}
"""


def site(root, questions):
    os.makedirs(os.path.join(root, "content/questions/7"), exist_ok=True)
    with open(os.path.join(root, "quaestor.toml"), "w") as f:
        f.write(CONFIG)
    for num, text in questions:
        with open(os.path.join(root, f"content/questions/7/7-{num}.nl.md"), "w") as f:
            f.write(text)


def main(out):
    plain = [(n, question(7, n, keywords=("gewoon",))) for n in range(1, 101)]
    site(os.path.join(out, "keywords-10k"),
         plain + [(1000, question(7, 1000, keywords=[f"trefwoord {i}" for i in range(10000)]))])
    paragraph = "Het antwoord op deze vraag is lang en bevat **veel** details, [een link](https://example.org/) en cijfers. " * 8
    big = ""
    while len(big) < 5 * 1024 * 1024:
        big += paragraph + "\n\n"
    site(os.path.join(out, "answer-5mb"), plain + [(1000, question(7, 1000, answer=big))])
    site(os.path.join(out, "member-20k"),
         [(n, question(7, n, author="Jan Janssens", keywords=(f"thema {n % 50}",))) for n in range(1, 20001)])
    site(os.path.join(out, "keyword-all"),
         [(n, question(7, n, author=f"Lid {n % 200}", keywords=("begroting", f"thema {n % 50}"))) for n in range(1, 20001)])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
