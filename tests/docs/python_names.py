"""Every name python/README.md says the knob package has ("Everything is in the `knob`
module under Optuna's names: ...") is there: a name at the top of the list is knob's
(`create_study`) or a dotted path from it (`knob.study.MaxTrialsCallback`, `knob.storages`),
and a name in the parentheses after one is an attribute of it (`Study` (`optimize`, ...),
`knob.storages` (`RDBStorage`, ...)). So is every sampler and pruner class the README writes
as a call (`TPESampler(...)`, `MedianPruner(...)`), in knob.samplers and knob.pruners. Run with the package on PYTHONPATH and the build's
libknob in KNOB_LIBRARY:  python3 python_names.py python/README.md"""
import importlib
import re
import sys


def paragraph(path):
    text = open(path, encoding="utf-8").read()
    start = text.index("Everything is in the `knob` module")
    return text[start:text.index("\n\n", start)]


def names(par):
    """(owner, name) for each `name` of the list: owner None at the top, else the name the
    parentheses follow. Names deeper than one parenthesis are explanations, not listed."""
    out, depth, owner, last, i = [], 0, None, None, par.index(":") + 1
    while i < len(par):
        c = par[i]
        if c == "`":
            end = par.index("`", i + 1)
            word = par[i + 1:end]
            if depth == 0:
                last = word
                out.append((None, word))
            elif depth == 1:
                out.append((owner, word))
            i = end + 1
            continue
        if c == "(":
            depth += 1
            if depth == 1:
                owner = last
        elif c == ")":
            depth -= 1
        i += 1
    return out


def expand(word):
    """`add_trial(s)` -> add_trial, add_trials; `suggest_float/int/categorical` -> three;
    `get_logger("optuna")` -> get_logger; `knob.distributions.*` -> knob.distributions."""
    if word.endswith("(s)"):
        return [word[:-3], word[:-3] + "s"]
    word = re.sub(r"\(.*\)$", "", word)
    if word.endswith(".*"):
        return [word[:-2]]
    if "/" in word:
        head, *alts = word.split("/")
        stem = head[: head.rindex("_") + 1]
        return [head] + [stem + a for a in alts]
    return [word]


def resolve(path):
    knob = importlib.import_module("knob")
    parts = path.split(".")
    if parts[0] == "knob":
        parts = parts[1:]
    obj, done = knob, "knob"
    for p in parts:
        if not hasattr(obj, p):
            try:
                obj = importlib.import_module(done + "." + p)
            except ImportError:
                return None
        else:
            obj = getattr(obj, p)
        done += "." + p
    return obj


def main():
    par = paragraph(sys.argv[1])
    found = names(par)
    missing = []
    for owner, word in found:
        if owner is None:
            for w in expand(word):
                if resolve(w) is None:
                    missing.append(w)
            continue
        if word == "knob" or ":" in word or " " in word:
            continue  # the logger's name, an attribute's key: words, not names
        base = resolve(expand(owner)[0])
        for w in expand(word):
            if base is None or not hasattr(base, w):
                missing.append(owner + "." + w)
    text = open(sys.argv[1], encoding="utf-8").read()
    classes = sorted(set(re.findall(r"`(\w+(?:Sampler|Pruner))\(", text)))
    for c in classes:
        module = "knob.samplers" if c.endswith("Sampler") else "knob.pruners"
        if not hasattr(resolve(module), c):
            missing.append(module + "." + c)
    if len(found) < 30 or len(classes) < 20:
        print("FAIL: only %d names and %d classes read: the parsing is broken" % (len(found), len(classes)))
        return 1
    for m in missing:
        print("FAIL: python/README.md names %s, which the knob package does not have" % m)
    if not missing:
        print("ok: %d names, %d sampler and pruner classes" % (len(found), len(classes)))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
