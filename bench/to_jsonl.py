"""Writes the text column of an Orange .tab corpus (20 Newsgroups) as JSON lines for both benchmark sides."""
import json, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for i, line in enumerate(f):
        if i < 3 or not line.strip():
            continue
        label, text = line.rstrip("\n").split("\t", 1)
        out.write(json.dumps({"text": text, "label": label}) + "\n")
