"""The OpenAPI document of the JSON API, served from the file the tests hold against the routes
and the live answers, so clients read the contract that is actually kept."""

from pathlib import Path

from flask import Blueprint, Response, request

DOCUMENT = Path(__file__).resolve().parent / "openapi.json"

bp = Blueprint("api_docs", __name__)


@bp.get("/api/openapi.json")
def openapi():
    response = Response(DOCUMENT.read_bytes(), mimetype="application/json")
    # Public and revalidated by ETag after five minutes, so a deployment's new document is seen.
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.add_etag()
    return response.make_conditional(request)
