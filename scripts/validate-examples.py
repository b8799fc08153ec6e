#!/usr/bin/env python3
"""Validate the example incident reports against schemas/incident-report.schema.json.

Every report in examples/reports/*.json must be valid; every report in
examples/reports/invalid/*.json must be rejected, for exactly one kind of mistake (all its
errors come from one schema keyword, e.g. only `required` or only `additionalProperties`).
The valid examples must also use area ids declared in Rules/*.rules and organisation ids
declared in Contacts/*.contacts (as the engine checks), and ids no other example uses.

Prints one line per file and then `N passed, M failed`; exits 1 if any file failed.
Needs the `jsonschema` package (pip install jsonschema).
"""

import json
import re
import sys
from difflib import get_close_matches
from pathlib import Path

from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "incident-report.schema.json"
VALID_DIR = ROOT / "examples" / "reports"
INVALID_DIR = VALID_DIR / "invalid"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Messages are worded like the engine's (Sources/BeredskabEngine/IncidentReport+Decoding.swift).
# What a value failing its pattern gets, by field name.
PATTERN_MESSAGES = {
    "id": "may only use letters, digits, '.', '_', ':' and '-', starting with a letter or digit",
    "organisation": "must be an organisation id from Contacts/ (a-z, 0-9, - and _, starting with a letter)",
    "area": "must be an area id from Rules/ (a-z, 0-9, - and _, starting with a letter)",
    "phone": "must be a phone number in international form, such as +45 01 00 00 01",
    "occurred_at": "must be an RFC 3339 time with an offset, such as 2026-11-21T22:30:00+01:00",
}


def declared_ids(folder, pattern, kind):
    """Ids of every `KIND id` declaration in the files (comments and strings removed)."""
    ids = set()
    for path in sorted(folder.glob(pattern)):
        text = path.read_text(encoding="utf-8-sig")
        text = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)
        text = re.sub(r"#[^\n]*", "", text)
        ids.update(re.findall(rf"(?m)^\s*{kind}\s+([A-Za-z][A-Za-z0-9_-]*)", text))
    return ids


def child(path, key):
    return f"{path}.{key}" if IDENTIFIER.match(key) else f"{path}[{json.dumps(key)}]"


def type_words(t):
    names = {"object": "an object", "array": "an array", "string": "a string", "number": "a number",
             "integer": "a whole number", "boolean": "true or false", "null": "null"}
    return " or ".join(names.get(x, x) for x in (t if isinstance(t, list) else [t]))


def problems(error):
    """(JSON path, message) pairs for one jsonschema error, worded like the engine's."""
    path, schema, kind, value = error.json_path, error.schema, error.validator, error.validator_value
    inst = error.instance
    if kind == "additionalProperties":
        known = schema.get("properties", {})
        found = []
        for key in inst:
            if key not in known:
                guess = get_close_matches(key, list(known), n=1, cutoff=0.6)
                found.append((child(path, key), "unknown field" + (f"; did you mean '{guess[0]}'?" if guess else "")))
        return found
    if kind == "required":
        return [(child(path, k), "is required") for k in value if k not in inst]
    if kind == "dependentRequired":
        return [(child(path, d), f"is required with {k}")
                for k, deps in value.items() if k in inst for d in deps if d not in inst]
    if kind == "anyOf" and path.endswith("location"):
        return [(path, "needs at least one of area, address, or lat and lon")]
    if kind in ("minimum", "maximum") and "minimum" in schema and "maximum" in schema:
        t = "a whole number" if schema.get("type") == "integer" else "a number"
        return [(path, f"must be {t} from {schema['minimum']} to {schema['maximum']}")]
    if kind in ("minLength", "maxLength"):
        lo, hi = schema.get("minLength"), schema.get("maxLength")
        if lo is not None and hi is not None:
            return [(path, f"must be {lo} to {hi} characters long")]
        if hi is not None:
            return [(path, f"must be at most {hi} characters long")]
        return [(path, f"must be at least {lo} characters long")]
    if kind == "type":
        if value == "integer" and "minimum" in schema and "maximum" in schema:
            return [(path, f"must be a whole number from {schema['minimum']} to {schema['maximum']}")]
        if value == "array" and "maxItems" in schema:
            return [(path, f"must be a list of at most {schema['maxItems']} persons")]
        return [(path, f"must be {type_words(value)}")]
    if kind == "enum":
        return [(path, "must be one of: " + ", ".join(map(str, value)))]
    if kind == "pattern":
        field = error.path[-1] if error.path else None
        return [(path, PATTERN_MESSAGES.get(field, f"does not have the required form {value}"))]
    if kind == "maxItems":
        return [(path, f"must be a list of at most {value} persons")]
    return [(path, error.message if len(error.message) <= 120 else error.message[:117] + "...")]


def main():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    areas = declared_ids(ROOT / "Rules", "*.rules", "area")
    organisations = declared_ids(ROOT / "Contacts", "*.contacts", "organisation")

    valid_files = sorted(VALID_DIR.glob("*.json"))
    invalid_files = sorted(INVALID_DIR.glob("*.json"))
    passed = failed = 0
    seen_ids = {}

    def report(ok, path, detail):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
        print(f"{'ok  ' if ok else 'FAIL'} {path.relative_to(ROOT)}: {detail}")

    for path in valid_files:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            report(False, path, f"not JSON: {e}")
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        found = [f"{p}: {m}" for e in errors for p, m in problems(e)]
        if not found:
            area = doc["location"].get("area")
            organisation = doc["reporter"]["organisation"]
            if area is not None and area not in areas:
                found.append(f"$.location.area: unknown area '{area}' (not declared in Rules/)")
            if organisation not in organisations:
                found.append(f"$.reporter.organisation: unknown organisation '{organisation}' "
                             "(not declared in Contacts/)")
            if doc["id"] in seen_ids:
                found.append(f"$.id: '{doc['id']}' is also the id of {seen_ids[doc['id']]}")
            seen_ids.setdefault(doc["id"], path.name)
        if found:
            report(False, path, "expected valid, but: " + "; ".join(found))
        else:
            report(True, path, "valid")

    for path in invalid_files:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            report(False, path, f"not JSON (an invalid example must still be JSON): {e}")
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        found = "; ".join(f"{p}: {m}" for e in errors for p, m in problems(e))
        kinds = sorted({e.validator for e in errors})
        if not errors:
            report(False, path, "expected invalid, but it passed")
        elif len(kinds) > 1:
            report(False, path, f"more than one kind of mistake ({', '.join(kinds)}): {found}")
        else:
            report(True, path, f"rejected: {found}")

    if not valid_files and not invalid_files:
        print(f"no examples found under {VALID_DIR.relative_to(ROOT)}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
