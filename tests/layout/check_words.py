#!/usr/bin/env python3
"""check_words.py SOURCE_DIR — every English text that rule.c, notice.c and
notifier.c hand to the phrase table (say, rule_words, rule_words_text,
put_fact) has its Danish in daemon/alert/rule_words.c: a phrase without one
would go out in English in a Danish mail. Prints each missing phrase."""
import re
import sys

src = sys.argv[1]
LITERAL = r'"(?:[^"\\]|\\.)*"'
GROUP = re.compile(r'(?:%s\s*)+' % LITERAL)


def joined(group):
    return "".join(bytes(s[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
                   for s in re.findall(LITERAL, group))


def table():
    text = open(src + "/daemon/alert/rule_words.c", encoding="utf-8").read()
    pair = re.compile(r'\{\s*((?:%s\s*)+),\s*((?:%s\s*)+)\}' % (LITERAL, LITERAL))
    return {joined(m.group(1)) for m in pair.finditer(text)}


def top_level_literals(text, start):
    """The string literals at the top level of the call whose '(' is at start."""
    depth, i, found = 0, start, []
    while i < len(text):
        c = text[i]
        if c == '"':
            m = GROUP.match(text, i)
            if depth == 1:
                found.append(joined(m.group(0)))
            i = m.end()
            continue
        if c == "'":
            i = text.index("'", i + 2) + 1
            continue
        depth += c == "("
        depth -= c == ")"
        if depth == 0:
            return found
        i += 1
    return found


keys = table()
missing = []
for name in ("daemon/alert/rule.c", "daemon/notify/notice.c", "daemon/notify/notifier.c"):
    text = open(src + "/" + name, encoding="utf-8").read()
    for call in re.finditer(r'\b(say|rule_words|rule_words_text|put_fact)\s*\(', text):
        if text[:call.start()].rstrip().endswith(("void", "char *")):
            continue  # the definition
        for phrase in top_level_literals(text, call.end() - 1):
            if re.search(r"[A-Za-z]{2}", phrase) and phrase not in keys:
                line = text.count("\n", 0, call.start()) + 1
                missing.append("  %s:%d: %r" % (name, line, phrase))
if missing:
    print("phrases without Danish in daemon/alert/rule_words.c:")
    print("\n".join(missing))
    sys.exit(1)
print("check_words.py: every phrase has its Danish")
