#!/usr/bin/env python3
"""Validate Sources/BeredskabServer/Resources/openapi.json, the API's OpenAPI 3.1 description.

First the document itself, with openapi-spec-validator (pip install openapi-spec-validator).
Then what this project asks of every operation:

- an operationId, unique, and a summary;
- a `security` entry: empty (`[]`) for public operations, otherwise naming declared schemes,
  with the roles that may call it in `x-roles` and named in its description;
- at least one 4xx response, and every response from 400 up with the shared Error body
  (`#/components/schemas/Error`); every 429 with a `Retry-After` header;
- tags that are declared at the top.

And that the components copied from schemas/incident-report.schema.json (IncidentReport,
Category, Severity, Person) still say what that schema says, and that every example in the
document (`example` of a body or response, `examples` of a component) fits its schema.

Prints the problems found, one a line, or a one-line summary; exits 1 if there were problems.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "Sources" / "BeredskabServer" / "Resources" / "openapi.json"
REPORT_SCHEMA = ROOT / "schemas" / "incident-report.schema.json"
ERROR_REF = "#/components/schemas/Error"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ROLES = ("reporter", "responder", "reviewer", "admin", "calendar")


def resolve(spec, node):
    """Follows local `$ref`s (`#/a/b`) until a node without one."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/") or ref in seen:
            raise KeyError(ref)
        seen.add(ref)
        node = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def check_operations(spec):
    problems = []
    schemes = set(spec.get("components", {}).get("securitySchemes", {}))
    tags = {t["name"] for t in spec.get("tags", [])}
    seen_ids = {}
    count = 0
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            count += 1
            operation = item[method]
            where = f"{method.upper()} {path}"
            op_id = operation.get("operationId")
            if not op_id:
                problems.append(f"{where}: no operationId")
            elif op_id in seen_ids:
                problems.append(f"{where}: operationId '{op_id}' is also used by {seen_ids[op_id]}")
            else:
                seen_ids[op_id] = where
            if not str(operation.get("summary", "")).strip():
                problems.append(f"{where}: no summary")
            if not operation.get("tags"):
                problems.append(f"{where}: no tags")
            for tag in operation.get("tags", []):
                if tag not in tags:
                    problems.append(f"{where}: tag '{tag}' is not declared in the top-level tags")

            if "security" not in operation:
                problems.append(f"{where}: no security entry (write \"security\": [] for a public operation)")
            else:
                security = operation["security"]
                for requirement in security:
                    for name in requirement:
                        if name not in schemes:
                            problems.append(f"{where}: security names an undeclared scheme '{name}'")
                roles = operation.get("x-roles")
                description = operation.get("description", "")
                if security and not roles:
                    problems.append(f"{where}: secured, but x-roles does not say which roles may call it")
                if not security and roles:
                    problems.append(f"{where}: public (security: []), yet x-roles names roles")
                for role in roles or []:
                    if role not in ROLES:
                        problems.append(f"{where}: x-roles has an unknown role '{role}'")
                    elif role not in description:
                        problems.append(f"{where}: the description does not name the role '{role}'")

            responses = operation.get("responses", {})
            client_errors = [code for code in responses if str(code).upper().startswith("4")]
            if not client_errors:
                problems.append(f"{where}: no 4xx response")
            for code, response in responses.items():
                code = str(code).upper()
                if not (code[0] in "45" and len(code) == 3):
                    continue
                try:
                    response = resolve(spec, response)
                except KeyError as missing:
                    problems.append(f"{where}: response {code} refers to a missing {missing}")
                    continue
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                if schema.get("$ref") != ERROR_REF:
                    problems.append(f"{where}: response {code} does not use the Error component ({ERROR_REF})")
                if code == "429" and "Retry-After" not in response.get("headers", {}):
                    problems.append(f"{where}: response 429 has no Retry-After header")
    return problems, count


def check_report_copy(spec):
    """The components copied from the report schema must match it."""
    problems = []
    report = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    components = spec.get("components", {}).get("schemas", {})
    original = {k: v for k, v in report.items() if k not in ("$schema", "$id", "description")}
    copy = {k: v for k, v in components.get("IncidentReport", {}).items() if k != "description"}
    if copy != original:
        differing = sorted(k for k in set(original) | set(copy) if original.get(k) != copy.get(k))
        problems.append("components.schemas.IncidentReport differs from schemas/incident-report.schema.json in: "
                        + ", ".join(differing))
    for name, original_part in (("Category", report["properties"]["category"]),
                                ("Severity", report["properties"]["severity"]),
                                ("Person", report["properties"]["persons"]["items"])):
        if components.get(name) != original_part:
            problems.append(f"components.schemas.{name} differs from its definition in "
                            "schemas/incident-report.schema.json")
    return problems


def check_examples(spec):
    """Every example fits the schema it illustrates (JSON Schema 2020-12, as in OpenAPI 3.1)."""
    from jsonschema import Draft202012Validator

    problems = []

    def fits(schema, example, where):
        # The schema with the document's components beside it, so `#/components/...` resolves.
        root = dict(schema, components=spec.get("components", {}))
        for error in Draft202012Validator(root).iter_errors(example):
            at = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            problems.append(f"{where}: the example{at} does not fit its schema: {error.message}")

    def check_content(holder, where):
        for kind, content in holder.get("content", {}).items():
            if "example" in content and "schema" in content:
                fits(content["schema"], content["example"], f"{where} {kind}")

    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            media = [("request body", operation.get("requestBody", {}))]
            media += [(f"response {code}", r) for code, r in operation.get("responses", {}).items()]
            for label, holder in media:
                if "$ref" not in holder:  # shared responses are checked once, below
                    check_content(holder, f"{method.upper()} {path} {label}")
    for name, response in spec.get("components", {}).get("responses", {}).items():
        check_content(response, f"components.responses.{name}")
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        for index, example in enumerate(schema.get("examples", [])):
            fits(schema, example, f"components.schemas.{name} examples[{index}]")
    return problems


def pointer(parts):
    """A place in the document, e.g. paths['/api/v1/review'].get.parameters[0]."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif "/" in str(part) or "{" in str(part):
            text += f"[{str(part)!r}]"
        else:
            text += f".{part}"
    return text.lstrip(".")


def main():
    name = DOCUMENT.relative_to(ROOT)
    try:
        spec = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(f"{name}: missing")
        return 1
    except json.JSONDecodeError as error:
        print(f"{name}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}")
        return 1
    try:
        from openapi_spec_validator import validate
    except ImportError:
        print("needs openapi-spec-validator: pip install openapi-spec-validator")
        return 1
    try:
        validate(spec)
    except Exception as error:  # OpenAPIValidationError and reference errors
        where = pointer(getattr(error, "absolute_path", []) or [])
        message = getattr(error, "message", None) or str(error)
        print(f"{name}: not a valid OpenAPI document" + (f" at {where}" if where else "") + f": {message}")
        return 1
    problems, count = check_operations(spec)
    problems += check_report_copy(spec)
    problems += check_examples(spec)
    for problem in problems:
        print(f"{name}: {problem}")
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {count} operations")
        return 1
    print(f"{name}: valid OpenAPI {spec.get('openapi')}, {count} operations, each with an operationId, "
          "a summary, security and Error-shaped 4xx answers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
