#!/usr/bin/env python3
"""Validates JSON documents (one per line, or one whole document) against docs/droptop.schema.json.
Usage: validate_json.py FILE   (prints 'valid N' or the first error, exit 1)"""
import json, os, sys
import jsonschema
here = os.path.dirname(os.path.abspath(__file__))
schema = json.load(open(os.path.join(here, "..", "docs", "droptop.schema.json")))
text = open(sys.argv[1]).read()
try:
    docs = [json.loads(text)]
except json.JSONDecodeError:
    docs = [json.loads(l) for l in text.splitlines() if l.strip()]
validator = jsonschema.Draft202012Validator(schema)
for i, d in enumerate(docs):
    errors = sorted(validator.iter_errors(d), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        print("invalid document %d at %s: %s" % (i, "/".join(map(str, e.path)), e.message))
        sys.exit(1)
print("valid %d" % len(docs))
