"""The API's browsable documentation: a French page rendered on the server from the OpenAPI
document itself, so it lists every endpoint, parameter and field as the document does.

ninja's Swagger page runs scripts from a CDN (or its own bundle, which injects styles), reads
in English and needs JavaScript; this page is plain HTML in the site's layout: it works
offline, passes the site's Content-Security-Policy and reads with a screen reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

REF = "#/components/schemas/"


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].removeprefix(REF)
    if "anyOf" in schema:
        kinds = [_type(s) for s in schema["anyOf"]]
        return " ou ".join(k for k in kinds if k)
    kind = schema.get("type", "")
    if kind == "array":
        return f"liste de {_type(schema.get('items', {}))}"
    if kind == "object":
        return "objet"
    return {"string": "texte", "integer": "entier", "boolean": "booléen", "null": "null"}.get(
        kind, kind
    )


def _fields(schema: dict[str, Any]) -> list[dict[str, str]]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type(prop),
            "required": "oui" if name in required else "non",
            "description": prop.get("description", ""),
            "description_en": prop.get("x-description-en", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def describe(document: dict[str, Any]) -> dict[str, Any]:
    """What the page lists: the operations (method, path, parameters, answers) and the schemas."""
    operations = []
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            answers = []
            for status, answer in operation.get("responses", {}).items():
                content = answer.get("content", {}).get("application/json", {})
                answers.append({"status": status, "type": _type(content.get("schema", {}))})
            operations.append(
                {
                    "id": operation.get("operationId", ""),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": {"query": "requête", "path": "chemin"}.get(p["in"], p["in"]),
                            "required": "oui" if p.get("required") else "non",
                            "type": _type(p.get("schema", {})),
                            "default": p.get("schema", {}).get("default", ""),
                            "description": p.get("description")
                            or p.get("schema", {}).get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "answers": answers,
                }
            )
    schemas = [
        {"name": name, "fields": _fields(schema)}
        for name, schema in sorted(document.get("components", {}).get("schemas", {}).items())
    ]
    return {"operations": operations, "schemas": schemas}


class FrenchDocs(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        document = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "api/docs.html",
            {
                "title": api.title,
                "openapi_url": self.get_openapi_url(api, kwargs),
                **describe(dict(document)),
            },
        )
